import { describe, expect, it } from 'vitest';
import { FALLBACK_HALF_HOURS, fallbackReward, rewardFor, type RewardWu } from './reward';

const wu = (over: Partial<RewardWu> = {}): RewardWu => ({
  id: 1, arm: 'bench.hash@1', batchId: 'b', params: {}, outcome: 'validated', costEstimate: 1000, cpuHours: 0,
  validReplicas: 2, invalidReplicas: 0, erroredReplicas: 0, trackerReward: null, ...over,
});

describe('bandit reward', () => {
  it('fallback: 0 for a failed WU; a clean success earns h0 / (h0 + CPU hours), scaled by the share of replicas that validated', () => {
    expect(fallbackReward(wu({ outcome: 'failed' }))).toBe(0);
    expect(fallbackReward(wu({ cpuHours: 0 }))).toBe(1);
    expect(fallbackReward(wu({ cpuHours: FALLBACK_HALF_HOURS }))).toBe(0.5);
    expect(fallbackReward(wu({ cpuHours: 0.15 }))).toBeCloseTo(0.25, 12);
    // Two valid, one invalid, one errored: half the compute was wasted.
    expect(fallbackReward(wu({ cpuHours: 0.05, invalidReplicas: 1, erroredReplicas: 1 }))).toBeCloseTo(0.25, 12);
  });

  it('half for getting done, half for the tracker\'s ROI; an injected function replaces both; always within [0, 1]', () => {
    expect(rewardFor(wu({ trackerReward: 0.3, cpuHours: 0 }))).toBeCloseTo(0.65, 12);
    expect(rewardFor(wu({ trackerReward: 0.3, outcome: 'failed' }))).toBe(0);
    expect(rewardFor(wu({ trackerReward: 7 }))).toBe(1);
    // A tracked result that did not beat the best scores like an untracked one of the same cost.
    expect(rewardFor(wu({ trackerReward: 0, cpuHours: 0.15 }))).toBe(rewardFor(wu({ trackerReward: null, cpuHours: 0.15 })));
    expect(rewardFor(wu({ trackerReward: 0, cpuHours: 0.15 }))).toBeCloseTo(0.125, 12);
    const injected = (w: RewardWu) => (w.arm === 'mc.season@1' ? 2 : Number.NaN);
    expect(rewardFor(wu({ arm: 'mc.season@1' }), injected)).toBe(1);
    expect(rewardFor(wu(), injected)).toBe(0);
    expect(rewardFor(wu({ cpuHours: FALLBACK_HALF_HOURS }), null)).toBe(0.25);
  });
});

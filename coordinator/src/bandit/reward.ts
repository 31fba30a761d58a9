import { clamp01 } from '@nfl-grid/shared/bandit/types';

/*
 * The reward of a finished WU for the bandit: its ROI (improvement over the model's baseline
 * per compute hour) normalised to [0, 1]. Three sources, first that answers wins:
 *
 *   1. a reward function set with setRewardFunction() (tests, experiments, a future tracker hook);
 *   2. the performance tracker's ROI (`trackerReward`, filled from performance_points for WUs
 *      whose kernel has a model metric; see tracker-reward.ts);
 *   3. the fallback below, for kernels the tracker has no metric for.
 *
 * Fallback: a failed WU earns 0; a validated one earns a success signal scaled by what it cost:
 *   reward = validShare · h0 / (h0 + hours)
 * with hours the CPU hours of all its reported replicas, validShare the share of those replicas
 * that validated (invalid ones were wasted compute), and h0 = FALLBACK_HALF_HOURS, the cost at
 * which a clean success earns 0.5. Cheap clean results earn near 1, costly or contested ones less.
 */

export const FALLBACK_HALF_HOURS = 0.05;

/** What the reward functions know about a finished WU. */
export interface RewardWu {
  id: number;
  arm: string;
  batchId: string;
  params: unknown;
  outcome: 'validated' | 'failed';
  costEstimate: number;
  /** CPU hours of every reported replica. */
  cpuHours: number;
  validReplicas: number;
  invalidReplicas: number;
  erroredReplicas: number;
  /** The tracker's normalised ROI for this WU, when it has a point for it; else null. */
  trackerReward: number | null;
}

export type RewardFunction = (wu: RewardWu) => number;

let override: RewardFunction | null = null;

/** Replaces the reward of every WU (null restores the default chain). Returns the previous one. */
export function setRewardFunction(fn: RewardFunction | null): RewardFunction | null {
  const prev = override;
  override = fn;
  return prev;
}

export function fallbackReward(wu: RewardWu): number {
  if (wu.outcome !== 'validated') return 0;
  const judged = wu.validReplicas + wu.invalidReplicas + wu.erroredReplicas;
  const validShare = judged > 0 ? wu.validReplicas / judged : 1;
  const hours = Math.max(0, wu.cpuHours);
  return validShare * (FALLBACK_HALF_HOURS / (FALLBACK_HALF_HOURS + hours));
}

/** The reward in [0, 1] (anything else a function returns is clamped; NaN counts as 0). */
export function rewardFor(wu: RewardWu): number {
  if (override) return clamp01(override(wu));
  if (wu.outcome === 'failed') return 0;
  if (wu.trackerReward !== null) return clamp01(wu.trackerReward);
  return clamp01(fallbackReward(wu));
}

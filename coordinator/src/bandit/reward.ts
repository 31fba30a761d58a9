import { clamp01 } from '@nfl-grid/shared/bandit/arm-stats';

/*
 * The reward of a finished WU for the bandit, in [0, 1]. A reward function given to the bandit
 * (bandit.setRewardFunction(): tests, experiments) replaces it; otherwise a failed WU earns 0 and a
 * validated one earns half for getting done and half for what it taught:
 *
 *   reward = ½ · success + ½ · improvement
 *
 *   success      validShare · h0 / (h0 + hours): hours the CPU hours of all its reported
 *                replicas, validShare the share of those that validated (invalid ones were wasted
 *                compute), h0 = FALLBACK_HALF_HOURS the cost at which a clean success scores 0.5;
 *   improvement  the performance tracker's normalised ROI (`trackerReward`, gain over the model's
 *                best per compute hour; tracker-reward.ts), 0 for kernels it has no metric for.
 *
 * So a tracked kernel whose result did not beat the best scores like an untracked kernel of the
 * same cost, and an improvement lifts it above: both kinds of arm are on one scale.
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

/** The success part: a clean, cheap result scores near 1 (see above). */
export function fallbackReward(wu: RewardWu): number {
  if (wu.outcome !== 'validated') return 0;
  const judged = wu.validReplicas + wu.invalidReplicas + wu.erroredReplicas;
  const validShare = judged > 0 ? wu.validReplicas / judged : 1;
  const hours = Math.max(0, wu.cpuHours);
  return validShare * (FALLBACK_HALF_HOURS / (FALLBACK_HALF_HOURS + hours));
}

/** The reward in [0, 1]: `override`'s if given (clamped; NaN counts as 0), else the default chain. */
export function rewardFor(wu: RewardWu, override: RewardFunction | null = null): number {
  if (override) return clamp01(override(wu));
  if (wu.outcome === 'failed') return 0;
  return 0.5 * clamp01(fallbackReward(wu)) + 0.5 * clamp01(wu.trackerReward ?? 0);
}

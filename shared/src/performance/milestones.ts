import { ALPHA } from './regression';

/*
 * Milestones of a model, each stamped when the result that caused it was assimilated:
 *  - baseline: its first result;
 *  - breakthrough: a new best that beats the previous best by at least the metric's unit;
 *  - regression: the latest result is significantly worse than the best after correction across
 *    models (adjusted p ≤ ALPHA), recorded once per result. Only a result of a single-configuration
 *    batch is tested: a sweep's configurations are exploration, compared to their best, not flagged.
 */

export type MilestoneKind = 'baseline' | 'breakthrough' | 'regression';

export interface ResultFacts {
  first: boolean;
  newBest: boolean;
  /** Oriented gain over the previous best. */
  gain: number;
}

export function resultMilestones(f: ResultFacts, unit: number): MilestoneKind[] {
  if (f.first) return ['baseline'];
  if (f.newBest && f.gain >= unit * (1 - 1e-9)) return ['breakthrough'];
  return [];
}

/** Whether a corrected regression test calls for a milestone (not already recorded for this result). */
export function isRegression(adjustedP: number | null | undefined, latestWuId: number, recordedWuId: number | null): boolean {
  return adjustedP !== null && adjustedP !== undefined && adjustedP <= ALPHA && recordedWuId !== latestWuId;
}

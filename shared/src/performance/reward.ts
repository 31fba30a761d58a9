/*
 * A result's ROI for the bandit scheduler, normalised to [0, 1].
 *
 *   x = (gain / unit) / hours        gain: how much the result raised its model's best (≥ 0),
 *                                    unit: the metric's meaningful improvement (metric-specs.ts),
 *                                    hours: the WU's compute hours (its replicas' CPU seconds / 3600,
 *                                    at least MIN_HOURS)
 *   reward = x / (x + REWARD_HALF)   0 for no gain, 0.5 at REWARD_HALF units per hour, → 1
 *
 * Dividing by the unit makes log loss, ROI and growth comparable; the hyperbola keeps the order of
 * ROIs while bounding them. A result that did not beat the best (or carries no metric) earns 0.
 */

/** Units of improvement per compute hour that earn a reward of 0.5 (one unit per 6 CPU minutes). */
export const REWARD_HALF = 10;
/** Compute hours are floored at one CPU second so a free result cannot earn an infinite ROI. */
export const MIN_HOURS = 1 / 3600;

export function unitsPerHour(gain: number, unit: number, hours: number): number {
  if (!(gain > 0) || !(unit > 0)) return 0;
  return gain / unit / Math.max(hours, MIN_HOURS);
}

export function normalisedReward(gain: number, unit: number, hours: number): number {
  const x = unitsPerHour(gain, unit, hours);
  return x / (x + REWARD_HALF);
}

/** Compute hours of a WU from its replicas' CPU seconds (null entries count as 0). */
export function computeHoursOf(cpuSeconds: readonly (number | null)[]): number {
  return cpuSeconds.reduce<number>((s, c) => s + (c ?? 0), 0) / 3600;
}

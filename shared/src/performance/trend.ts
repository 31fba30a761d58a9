import { bootstrapCi } from '../stats/index';
import { orientation } from './metric-specs';

/*
 * Trend of a model's recent history: the least-squares slope of the oriented metric (positive is
 * better) against the result's position (0, 1, …) over the last TREND_WINDOW results, with a
 * percentile bootstrap interval over (position, value) pairs. Improving when the whole interval
 * is above 0, regressing when below, a plateau otherwise; `new` with fewer than TREND_MIN results.
 * The bootstrap's seed is fixed, so the same history always gets the same class.
 */

export type Trend = 'improving' | 'regressing' | 'plateau' | 'new';

export const TREND_WINDOW = 20;
const TREND_MIN = 4;
const TREND_RESAMPLES = 2000;

export interface TrendResult {
  trend: Trend;
  n: number;
  /** Oriented metric units per result. */
  slope: number | null;
  lower: number | null;
  upper: number | null;
}

/** Least-squares slope of y on x; 0 when x does not vary. */
export function olsSlope(pts: readonly (readonly [number, number])[]): number {
  const n = pts.length;
  if (n < 2) return 0;
  let sx = 0, sy = 0;
  for (const [x, y] of pts) { sx += x; sy += y; }
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of pts) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return sxx === 0 ? 0 : sxy / sxx;
}

export function classifyTrend(values: readonly number[], lowerIsBetter: boolean, opts: { window?: number; min?: number; resamples?: number; seed?: number } = {}): TrendResult {
  const recent = values.slice(-(opts.window ?? TREND_WINDOW));
  const n = recent.length;
  if (n < (opts.min ?? TREND_MIN)) return { trend: 'new', n, slope: null, lower: null, upper: null };
  const sign = orientation(lowerIsBetter);
  const pts = recent.map((v, i) => [i, sign * v] as const);
  const ci = bootstrapCi(pts, olsSlope, { method: 'percentile', resamples: opts.resamples ?? TREND_RESAMPLES, seed: opts.seed ?? 1 });
  // Differences below float noise are no trend.
  const tol = 1e-12 * Math.max(1, ...recent.map(Math.abs));
  const trend: Trend = ci.lower > tol ? 'improving' : ci.upper < -tol ? 'regressing' : 'plateau';
  return { trend, n, slope: ci.estimate, lower: ci.lower, upper: ci.upper };
}

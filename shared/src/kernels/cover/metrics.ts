/*
 * Scores of cover-probability forecasts p against labels y ∈ {0, 1}, one forecast per play
 * (every play weighs the same):
 *   log loss           mean of −y ln q − (1 − y) ln(1 − q), q = p clipped to [clip, 1 − clip],
 *                      clip = 1e-6 unless said otherwise (a certain forecast that is wrong would
 *                      otherwise score infinity; late-game states do produce p of 0 and 1)
 *   Brier              mean of (p − y)², p unclipped
 *   calibration error  Σ_b (n_b / N) · |mean p_b − mean y_b| over 20 bins of width 0.05;
 *                      p falls in bin min(⌊20p⌋, 19), so 1 is in the last bin; empty bins add 0
 * The sums are kept, not the means, so that scores of disjoint sets of plays pool exactly.
 */

export const COVER_CLIP = 1e-6;
export const CALIBRATION_BINS = 20;

export interface MetricSums {
  n: number;
  logLoss: number;
  brier: number;
  /** Per calibration bin: plays, Σp and Σy. */
  binCount: number[];
  binP: number[];
  binY: number[];
}

export interface CoverMetrics {
  n: number;
  logLoss: number;
  brier: number;
  calibrationError: number;
}

export function emptyMetricSums(bins = CALIBRATION_BINS): MetricSums {
  const z = () => new Array<number>(bins).fill(0);
  return { n: 0, logLoss: 0, brier: 0, binCount: z(), binP: z(), binY: z() };
}

export function clippedLogLoss(p: number, y: number, clip = COVER_CLIP): number {
  const q = p < clip ? clip : p > 1 - clip ? 1 - clip : p;
  return y === 1 ? -Math.log(q) : -Math.log(1 - q);
}

export function calibrationBin(p: number, bins = CALIBRATION_BINS): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

export function addForecast(s: MetricSums, p: number, y: number, clip = COVER_CLIP): void {
  s.n++;
  s.logLoss += clippedLogLoss(p, y, clip);
  s.brier += (p - y) * (p - y);
  const b = calibrationBin(p, s.binCount.length);
  s.binCount[b]++;
  s.binP[b] += p;
  s.binY[b] += y;
}

export function mergeSums(a: MetricSums, b: MetricSums): MetricSums {
  if (a.binCount.length !== b.binCount.length) throw new Error('mergeSums: different bin counts');
  return {
    n: a.n + b.n, logLoss: a.logLoss + b.logLoss, brier: a.brier + b.brier,
    binCount: a.binCount.map((c, i) => c + b.binCount[i]),
    binP: a.binP.map((c, i) => c + b.binP[i]),
    binY: a.binY.map((c, i) => c + b.binY[i]),
  };
}

export function calibrationErrorOf(s: MetricSums): number {
  let e = 0;
  for (let b = 0; b < s.binCount.length; b++) {
    const c = s.binCount[b];
    if (c > 0) e += (c / s.n) * Math.abs(s.binP[b] / c - s.binY[b] / c);
  }
  return e;
}

export function metricsOf(s: MetricSums): CoverMetrics {
  if (s.n === 0) return { n: 0, logLoss: NaN, brier: NaN, calibrationError: NaN };
  return { n: s.n, logLoss: s.logLoss / s.n, brier: s.brier / s.n, calibrationError: calibrationErrorOf(s) };
}

/** Scores of forecasts p against labels y. */
export function coverMetrics(p: ArrayLike<number>, y: ArrayLike<number>, clip = COVER_CLIP): CoverMetrics {
  if (p.length !== y.length) throw new Error(`coverMetrics: ${p.length} forecasts, ${y.length} labels`);
  const s = emptyMetricSums();
  for (let i = 0; i < p.length; i++) addForecast(s, p[i], y[i], clip);
  return metricsOf(s);
}

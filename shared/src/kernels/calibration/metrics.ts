import { round } from '../../math/round';

/*
 * Scores of probability forecasts of a home win, y ∈ {0, 0.5, 1} (a tie counts half):
 *   Brier    (p − y)²
 *   log loss −y ln p − (1 − y) ln(1 − p), with p clipped to [eps, 1 − eps]
 *   ECE      Σ_bins (count_b / n) · |mean p_b − mean y_b| over B equal-width bins of [0, 1]
 *            (p in bin min(⌊p·B⌋, B − 1); empty bins add nothing)
 * Sums are kept (not means) so that scores of disjoint game sets pool exactly.
 */

const DEFAULT_EPS = 1e-15;

export function clipProb(p: number, eps = DEFAULT_EPS): number {
  return p < eps ? eps : p > 1 - eps ? 1 - eps : p;
}

export function logLossOf(p: number, y: number, eps = DEFAULT_EPS): number {
  const q = clipProb(p, eps);
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

/** Running sums of forecast scores over a set of games; sq is the squared margin error. */
export interface ScoreSums {
  n: number;
  logLoss: number;
  brier: number;
  sq: number;
}

export const emptySums = (): ScoreSums => ({ n: 0, logLoss: 0, brier: 0, sq: 0 });

export function addScore(s: ScoreSums, p: number, y: number, marginError = 0, eps = DEFAULT_EPS): void {
  s.n++;
  s.logLoss += logLossOf(p, y, eps);
  s.brier += (p - y) ** 2;
  s.sq += marginError * marginError;
}

export interface Scores {
  n: number;
  logLoss: number;
  brier: number;
  /** Root mean squared error of the predicted home margin (null where there is no margin forecast). */
  rmse: number | null;
}

/** Means of the sums, rounded to 8 decimals (outputs). */
export function scoresOf(s: ScoreSums, withMargin = true): Scores {
  if (s.n === 0) return { n: 0, logLoss: NaN, brier: NaN, rmse: withMargin ? NaN : null };
  return {
    n: s.n, logLoss: round(s.logLoss / s.n, 8), brier: round(s.brier / s.n, 8),
    rmse: withMargin ? round(Math.sqrt(s.sq / s.n), 8) : null,
  };
}

const binOf = (p: number, bins: number): number => Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean forecast and mean outcome of the games in the bin (null when empty). */
  meanPredicted: number | null;
  observed: number | null;
}

export function reliabilityBins(p: ArrayLike<number>, y: ArrayLike<number>, bins: number): ReliabilityBin[] {
  const cnt = new Array<number>(bins).fill(0), sp = new Array<number>(bins).fill(0), sy = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = binOf(p[i], bins);
    cnt[b]++;
    sp[b] += p[i];
    sy[b] += y[i];
  }
  return cnt.map((c, b) => ({
    lo: round(b / bins, 10), hi: round((b + 1) / bins, 10), count: c,
    meanPredicted: c ? sp[b] / c : null, observed: c ? sy[b] / c : null,
  }));
}

/** Expected calibration error with `bins` equal-width bins. */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<number>, bins: number): number {
  if (p.length === 0) return NaN;
  let e = 0;
  for (const b of reliabilityBins(p, y, bins)) if (b.count) e += b.count * Math.abs(b.meanPredicted! - b.observed!);
  return e / p.length;
}

export interface ProbMetrics {
  brier: number;
  logLoss: number;
  ece10: number;
  ece15: number;
}

export function probMetrics(p: ArrayLike<number>, y: ArrayLike<number>, eps = DEFAULT_EPS): ProbMetrics {
  let b = 0, l = 0;
  for (let i = 0; i < p.length; i++) {
    b += (p[i] - y[i]) ** 2;
    l += logLossOf(p[i], y[i], eps);
  }
  return { brier: b / p.length, logLoss: l / p.length, ece10: expectedCalibrationError(p, y, 10), ece15: expectedCalibrationError(p, y, 15) };
}

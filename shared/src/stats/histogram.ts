/*
 * Exact summaries of integer histograms and the empirical quantile rule that the Monte Carlo
 * kernels and the batch merges share. Everything runs in a fixed order so results are
 * reproducible bit for bit.
 */

export interface HistogramSummary {
  n: number;
  mean: number;
  /** Population standard deviation. */
  sd: number;
}

/** Mean and sd of values `scale·k` where counts[k] is how often k occurred. */
export function summariseHistogram(counts: ArrayLike<number>, scale = 1): HistogramSummary {
  let n = 0, s = 0;
  for (let k = 0; k < counts.length; k++) { n += counts[k]; s += counts[k] * k; }
  if (n === 0) return { n: 0, mean: NaN, sd: NaN };
  const meanK = s / n;
  let ss = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k]) ss += counts[k] * (k - meanK) ** 2;
  return { n, mean: meanK * scale, sd: Math.sqrt(ss / n) * scale };
}

/**
 * Quantile of a histogram as the inverse empirical CDF: the smallest k with
 * (count of values ≤ k) ≥ pct/100 · n. Computed in integers (cum·100 ≥ pct·n), so exact.
 */
export function histogramQuantile(counts: ArrayLike<number>, pct: number, scale = 1): number {
  let n = 0;
  for (let k = 0; k < counts.length; k++) n += counts[k];
  if (n === 0) return NaN;
  let cum = 0;
  for (let k = 0; k < counts.length; k++) {
    cum += counts[k];
    if (cum * 100 >= pct * n && cum > 0) return k * scale;
  }
  return (counts.length - 1) * scale;
}

/** Fraction of the histogram at or above index k. */
export function histogramTail(counts: ArrayLike<number>, k: number): number {
  let n = 0, t = 0;
  for (let i = 0; i < counts.length; i++) { n += counts[i]; if (i >= k) t += counts[i]; }
  return n === 0 ? NaN : t / n;
}

/**
 * Empirical quantile of a sorted sample by the same inverse-CDF rule: the value of rank
 * ceil(p·n) (1-based), with p = pct/100.
 */
export function sortedQuantile(sorted: readonly number[], pct: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return sorted[quantileRank(n, pct) - 1];
}

/** The 1-based rank sortedQuantile reads: ceil(p·n), at least 1 and at most n. */
export function quantileRank(n: number, pct: number): number {
  return Math.min(n, Math.max(1, Math.ceil((pct * n) / 100 - 1e-9)));
}

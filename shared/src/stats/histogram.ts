/*
 * Small statistics helpers shared by the Monte Carlo kernels: exact summaries of integer
 * histograms, empirical tail risk, rounding for outputs, and a tolerant deep comparison for
 * comparators. Everything runs in a fixed order so results are reproducible bit for bit.
 */

/** Rounds to `digits` decimals (for outputs; the exact counts stay available alongside). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in outputs
}

/**
 * Rounds to `digits` significant digits, for raw values whose scale varies (a Σr² may be 1e-7 or
 * 40). Dividing by an exact power of ten gives the double nearest the decimal, so JSON prints it
 * short.
 */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  const shift = digits - 1 - Math.floor(Math.log10(Math.abs(x)));
  if (shift > 300) return x; // subnormal territory: nothing sensible to round
  const r = shift >= 0 ? Math.round(x * 10 ** shift) / 10 ** shift : Math.round(x / 10 ** -shift) * 10 ** -shift;
  return r === 0 ? 0 : r;
}

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

/** How many of n values make the 5 % tail of tailRisk95: ceil(n / 20). */
export const tailSize95 = (n: number): number => Math.ceil(n / 20);

export interface TailRisk {
  /** Loss not exceeded with 95 % confidence: minus the ceil(n/20)-th smallest P&L. */
  var95: number;
  /** Expected shortfall: minus the mean of those ceil(n/20) smallest P&Ls. */
  cvar95: number;
}

/** VaR and CVaR at 95 % of a P&L sample, as positive numbers for losses (negative for gains). */
export function tailRisk95(pnl: readonly number[]): TailRisk {
  const n = pnl.length;
  if (n === 0) return { var95: NaN, cvar95: NaN };
  const sorted = [...pnl].sort((a, b) => a - b);
  const k = tailSize95(n);
  let s = 0;
  for (let i = 0; i < k; i++) s += sorted[i];
  return { var95: -sorted[k - 1], cvar95: -s / k };
}

/** Largest fall from a running peak, as a fraction of that peak (0 when the path never falls). */
export function maxDrawdown(path: readonly number[]): number {
  let peak = -Infinity, dd = 0;
  for (const x of path) {
    if (x > peak) peak = x;
    else if (peak > 0) dd = Math.max(dd, (peak - x) / peak);
  }
  return dd;
}

/**
 * Deep equality where numbers may differ by `tol` relative to max(1, |a|, |b|); null, strings,
 * booleans, array lengths and object keys must match exactly.
 */
export function nearlyEqual(a: unknown, b: unknown, tol: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => nearlyEqual(x, b[i], tol));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    return ka.every((k) => nearlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol));
  }
  return a === b;
}

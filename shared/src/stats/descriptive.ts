/*
 * Descriptive helpers the tests build on: mean, sample variance, and the linear-interpolation
 * quantile of a sorted sample. Callers validate their input first (../math/validate.ts); these
 * assume it.
 */

/** Arithmetic mean (plain left-to-right sum: reproducible bit for bit). */
export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/**
 * Sample variance Σ(x − x̄)²/(n − 1), two-pass with the compensating term of Chan, Golub & LeVeque
 * (1983), so a large common offset does not swamp the spread. NaN for n < 2.
 */
export function variance(xs: ArrayLike<number>): number {
  return xs.length < 2 ? NaN : sumOfSquares(xs) / (xs.length - 1);
}

/** Sum of squared deviations from the mean, Σ(x − x̄)², with the same correction. */
export function sumOfSquares(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  const m = mean(xs);
  let ss = 0, comp = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    comp += d;
  }
  return Math.max(0, ss - (comp * comp) / n);
}

/**
 * Quantile of an ascending sample by linear interpolation between order statistics
 * (Hyndman & Fan 1996 type 7, R's default, NumPy's 'linear'): h = (n − 1)p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

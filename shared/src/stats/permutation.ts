/*
 * Two-sample permutation test. Under H0 (the two samples are exchangeable) every split of the
 * pooled values into groups of sizes n1 and n2 is equally likely, so the p-value is the share
 * of splits whose statistic is at least as extreme as the observed one.
 *
 *  - exact: when C(n1+n2, n1) ≤ exactLimit (default 20,000) every split is enumerated, the
 *    observed one included, and p = (# as extreme) / C(n1+n2, n1).
 *  - Monte Carlo: otherwise `permutations` random splits (default 10,000, at least 5,000) are
 *    drawn with the seeded Rng and p = (b + 1)/(m + 1), b of the m draws as extreme — the
 *    observed split counted once, so p is never 0 and the test is valid (Phipson & Smyth 2010).
 *
 * "As extreme": greater T* ≥ T, less T* ≤ T, two-sided |T*| ≥ |T| — so a custom statistic for a
 * two-sided test should be centred at 0 under H0 (a difference, a t statistic). Values within
 * 1e-9 · max(|T|, scale) of T count as ties (scale = the largest |value| for the built-in mean
 * difference, 0 for a custom statistic), so sums that differ only by rounding order are not lost.
 */
import { Rng } from '../math/rng';
import { mean } from './descriptive';
import { StatsError } from '../math/errors';
import { requireAlternative, type Alternative } from './alternative';
import { requireInteger, requireSample } from '../math/validate';

export type TwoSampleStatistic = (x: readonly number[], y: readonly number[]) => number;

export interface PermutationOptions {
  /** Statistic of the two groups; default mean(x) − mean(y). */
  statistic?: TwoSampleStatistic;
  alternative?: Alternative;
  /** 'auto' enumerates when the rearrangements number at most exactLimit. */
  method?: 'auto' | 'exact' | 'monte-carlo';
  exactLimit?: number;
  /** Monte Carlo draws (≥ 5,000). */
  permutations?: number;
  /** Seed and stream of the seeded Rng (math/rng.ts) for Monte Carlo draws (defaults 1 and 0). */
  seed?: number;
  stream?: number;
}

export interface PermutationResult {
  statistic: number;
  pValue: number;
  alternative: Alternative;
  method: 'exact' | 'monte-carlo';
  /** Splits enumerated (exact) or drawn (Monte Carlo, m). */
  rearrangements: number;
  /** Splits at least as extreme: including the observed one (exact), or b among the m draws. */
  extreme: number;
}

export const DEFAULT_EXACT_LIMIT = 20_000;
export const DEFAULT_PERMUTATIONS = 10_000;
export const MIN_PERMUTATIONS = 5_000;

/** Whether T* is as extreme as T for the chosen alternative, with a relative tie tolerance. */
export function extremeCounter(observed: number, alternative: Alternative, scale = 0): (t: number) => boolean {
  const tol = 1e-9 * Math.max(Math.abs(observed), scale);
  if (alternative === 'greater') return (t) => t >= observed - tol;
  if (alternative === 'less') return (t) => t <= observed + tol;
  const abs = Math.abs(observed);
  return (t) => Math.abs(t) >= abs - tol;
}

/** C(n, k) in floating point (exact below 2^53), stopping early once it exceeds `cap`. */
export function binomial(n: number, k: number, cap = Infinity): number {
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) {
    c = (c * (n - k + i)) / i;
    if (c > cap) return Math.round(c);
  }
  return Math.round(c);
}

/** Resolves shared options of the two-sample and paired tests. */
export function resolveMethod(
  opts: PermutationOptions, rearrangementsTotal: number,
): { exact: boolean; permutations: number; alternative: Alternative; rng: () => Rng } {
  const alternative = opts.alternative ?? 'two-sided';
  requireAlternative(alternative);
  const exactLimit = opts.exactLimit ?? DEFAULT_EXACT_LIMIT;
  requireInteger('exactLimit', exactLimit, 0);
  const permutations = opts.permutations ?? DEFAULT_PERMUTATIONS;
  requireInteger('permutations', permutations, MIN_PERMUTATIONS);
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'monte-carlo') throw new StatsError('bad_argument', `unknown method ${String(method)}`);
  if (method === 'exact' && rearrangementsTotal > 1e7) {
    throw new StatsError('bad_argument', `exact test needs ${rearrangementsTotal} rearrangements (limit 10^7); use Monte Carlo`);
  }
  const exact = method === 'exact' || (method === 'auto' && rearrangementsTotal <= exactLimit);
  return { exact, permutations, alternative, rng: () => Rng.create(opts.seed ?? 1, opts.stream ?? 0) };
}

const meanDifference: TwoSampleStatistic = (x, y) => mean(x) - mean(y);

/** Permutation test of H0: x and y come from the same distribution, via any two-sample statistic. */
export function permutationTest(x: readonly number[], y: readonly number[], opts: PermutationOptions = {}): PermutationResult {
  requireSample('x', x);
  requireSample('y', y);
  const n1 = x.length;
  const n = n1 + y.length;
  const pooled = [...x, ...y];
  const total = binomial(n, n1, 1e7 + 1);
  const { exact, permutations, alternative, rng } = resolveMethod(opts, total);
  const custom = opts.statistic;
  const observed = (custom ?? meanDifference)(x, y);
  if (!Number.isFinite(observed)) throw new StatsError('not_finite', `statistic of the observed samples is ${observed}`);
  let sumAll = 0, maxAbs = 0;
  for (const v of pooled) { sumAll += v; maxAbs = Math.max(maxAbs, Math.abs(v)); }
  const isExtreme = extremeCounter(observed, alternative, custom ? 0 : maxAbs);

  const a = new Array<number>(n1);
  const b = new Array<number>(n - n1);
  // Statistic of the split that puts pooled[idx[0..n1)] in x.
  const splitStatistic = (idx: ArrayLike<number>, inX: Uint8Array): number => {
    if (!custom) {
      let s = 0;
      for (let i = 0; i < n1; i++) s += pooled[idx[i]];
      return s / n1 - (sumAll - s) / (n - n1);
    }
    let ia = 0, ib = 0;
    for (let i = 0; i < n; i++) {
      if (inX[i]) a[ia++] = pooled[i];
      else b[ib++] = pooled[i];
    }
    return custom(a, b);
  };

  const inX = new Uint8Array(n);
  let count = 0;
  if (exact) {
    // Lexicographic enumeration of the n1-subsets {c0 < c1 < … } of 0..n−1.
    const c = Array.from({ length: n1 }, (_, i) => i);
    for (let done = false; !done;) {
      if (custom) { inX.fill(0); for (const i of c) inX[i] = 1; }
      if (isExtreme(splitStatistic(c, inX))) count++;
      let i = n1 - 1;
      while (i >= 0 && c[i] === n - n1 + i) i--;
      if (i < 0) done = true;
      else { c[i]++; for (let j = i + 1; j < n1; j++) c[j] = c[j - 1] + 1; }
    }
    return { statistic: observed, pValue: count / total, alternative, method: 'exact', rearrangements: total, extreme: count };
  }
  const r = rng();
  const perm = Array.from({ length: n }, (_, i) => i);
  // Draw the smaller group: a uniform k-subset is as good as its complement, and k·m draws are cheaper.
  const drawX = n1 <= n - n1;
  const k = drawX ? n1 : n - n1;
  for (let m = 0; m < permutations; m++) {
    // Partial Fisher–Yates: the first k slots become a uniform random k-subset.
    for (let i = 0; i < k; i++) {
      const j = i + r.int(n - i);
      const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    let t: number;
    if (custom) {
      inX.fill(drawX ? 0 : 1);
      for (let i = 0; i < k; i++) inX[perm[i]] = drawX ? 1 : 0;
      t = splitStatistic(perm, inX);
    } else {
      let s = 0;
      for (let i = 0; i < k; i++) s += pooled[perm[i]];
      const sx = drawX ? s : sumAll - s;
      t = sx / n1 - (sumAll - sx) / (n - n1);
    }
    if (isExtreme(t)) count++;
  }
  return { statistic: observed, pValue: (count + 1) / (permutations + 1), alternative, method: 'monte-carlo', rearrangements: permutations, extreme: count };
}

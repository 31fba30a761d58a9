/*
 * Paired permutation (sign-flip) test. Under H0 each within-pair difference d = x − y is
 * symmetric about 0, so every one of the 2^n sign patterns ±d1, …, ±dn is equally likely; the
 * p-value is the share of patterns whose statistic is at least as extreme as the observed one.
 * Exact enumeration when 2^n ≤ exactLimit (default 20,000, i.e. n ≤ 14), else Monte Carlo with
 * p = (b + 1)/(m + 1), as in permutation.ts. Zero differences are kept (flipping them is a no-op).
 */
import { mean } from './descriptive';
import { StatsError } from '../math/errors';
import { extremeCounter, resolveMethod, type PermutationOptions, type PermutationResult } from './permutation';
import { requireSample } from '../math/validate';

export type OneSampleStatistic = (d: readonly number[]) => number;

export interface PairedPermutationOptions extends Omit<PermutationOptions, 'statistic'> {
  /** Statistic of the (sign-flipped) differences; default their mean. */
  statistic?: OneSampleStatistic;
}

/** Sign-flip test on the differences d (H0: d symmetric about 0). */
export function signFlipTest(d: readonly number[], opts: PairedPermutationOptions = {}): PermutationResult {
  requireSample('differences', d);
  const n = d.length;
  const total = n > 60 ? Infinity : 2 ** n;
  const { exact, permutations, alternative, rng } = resolveMethod(opts, total);
  const custom = opts.statistic;
  const observed = (custom ?? mean)(d);
  if (!Number.isFinite(observed)) throw new StatsError('not_finite', `statistic of the observed differences is ${observed}`);
  let maxAbs = 0;
  for (const v of d) maxAbs = Math.max(maxAbs, Math.abs(v));
  const isExtreme = extremeCounter(observed, alternative, custom ? 0 : maxAbs);
  const flipped = new Array<number>(n);
  const stat = (): number => {
    if (custom) return custom(flipped);
    let s = 0;
    for (let i = 0; i < n; i++) s += flipped[i];
    return s / n;
  };

  let count = 0;
  if (exact) {
    for (let mask = 0; mask < total; mask++) {
      for (let i = 0; i < n; i++) flipped[i] = (mask >>> i) & 1 ? -d[i] : d[i];
      if (isExtreme(stat())) count++;
    }
    return { statistic: observed, pValue: count / total, alternative, method: 'exact', rearrangements: total, extreme: count };
  }
  const r = rng();
  for (let k = 0; k < permutations; k++) {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if (i % 32 === 0) bits = r.nextU32();
      flipped[i] = bits & 1 ? -d[i] : d[i];
      bits >>>= 1;
    }
    if (isExtreme(stat())) count++;
  }
  return { statistic: observed, pValue: (count + 1) / (permutations + 1), alternative, method: 'monte-carlo', rearrangements: permutations, extreme: count };
}

/** Paired permutation test of x against y (same length, paired by index). */
export function pairedPermutationTest(x: readonly number[], y: readonly number[], opts: PairedPermutationOptions = {}): PermutationResult {
  requireSample('x', x);
  requireSample('y', y);
  if (x.length !== y.length) throw new StatsError('bad_argument', `paired samples differ in length (${x.length} vs ${y.length})`);
  return signFlipTest(x.map((v, i) => v - y[i]), opts);
}

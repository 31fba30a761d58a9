import { cliffsDelta, cohensD, mean, permutationTest, StatsError, welchTTest } from '../stats/index';

/*
 * Two samples of one metric compared with the statistics framework: a two-sided test
 * (permutation of the mean difference, or Welch's t), the Welch interval for the difference of
 * means a − b, and effect sizes (Hedges' g, Cliff's delta). Sign conventions are those of the raw
 * metric; `better` says which side is better given its direction.
 */

export type CompareTest = 'permutation' | 'welch';

export interface CompareResult {
  test: CompareTest;
  alternative: 'two-sided';
  statistic: number;
  pValue: number;
  n: { a: number; b: number };
  mean: { a: number; b: number };
  difference: number;
  ci: { level: number; lower: number; upper: number; method: 'welch' } | null;
  effectSize: { hedgesG: number | null; cohensD: number | null; cliffsDelta: number };
  better: 'a' | 'b' | null;
  significant: boolean;
}

function orNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof StatsError) return null;
    throw e;
  }
}

export function compareSamples(a: readonly number[], b: readonly number[], opts: { test?: CompareTest; lowerIsBetter: boolean; level?: number; alpha?: number; seed?: number }): CompareResult {
  if (a.length < 2 || b.length < 2) throw new StatsError('too_small', `each side needs at least 2 values (got ${a.length} and ${b.length})`);
  const test = opts.test ?? 'permutation';
  const level = opts.level ?? 0.95;
  const welch = orNull(() => welchTTest(a, b, { level }));
  let statistic: number, pValue: number;
  if (test === 'welch') {
    if (!welch) throw new StatsError('zero_variance', 'both samples are constant: Welch\'s t is undefined');
    ({ statistic, pValue } = welch);
  } else {
    ({ statistic, pValue } = permutationTest(a, b, { seed: opts.seed ?? 1 }));
  }
  const d = orNull(() => cohensD(a, b));
  const difference = mean(a) - mean(b);
  const significant = pValue <= (opts.alpha ?? 0.05);
  const aBetter = opts.lowerIsBetter ? difference < 0 : difference > 0;
  return {
    test, alternative: 'two-sided', statistic, pValue,
    n: { a: a.length, b: b.length }, mean: { a: mean(a), b: mean(b) }, difference,
    ci: welch ? { level, lower: welch.lower, upper: welch.upper, method: 'welch' } : null,
    effectSize: { hedgesG: d?.g ?? null, cohensD: d?.d ?? null, cliffsDelta: cliffsDelta(a, b).delta },
    better: difference === 0 ? null : aBetter ? 'a' : 'b',
    significant,
  };
}

import { holm, benjaminiHochberg, permutationTest, signFlipTest, StatsError, welchTTest } from '../stats/index';
import { orientation } from './metric-specs';

/*
 * Is a model's latest result significantly worse than its best? One-sided tests on the oriented
 * metric (positive is better), from the strongest evidence the outputs have:
 *  1. paired-permutation: both results have samples with at least PAIRED_MIN common labels
 *     (seasons, repeats): a sign-flip test of the per-label differences latest − best;
 *  2. permutation: both have ≥ 2 samples that do not pair: a two-sample permutation test;
 *  3. welch-window: otherwise, Welch's t-test of the last WINDOW results against the WINDOW
 *     before them (needs 2·WINDOW_MIN results);
 * and no test (p = null) when the latest is the best or nothing applies. The p-values of every
 * model are then corrected together (Holm by default, or Benjamini–Hochberg) before a regression
 * is declared at ALPHA.
 */

export type RegressionTestName = 'paired-permutation' | 'permutation' | 'welch-window';

export const ALPHA = 0.05;
const PAIRED_MIN = 5;
const WINDOW = 5;
const WINDOW_MIN = 3;

export interface SampledPoint {
  wuId: number;
  value: number;
  samples: number[] | null;
  labels: (string | number)[] | null;
}

export interface RegressionResult {
  test: RegressionTestName | null;
  pValue: number | null;
  /** Oriented mean difference latest − best (or recent − previous window); negative is worse. */
  difference: number | null;
  n: number;
}

const NONE: RegressionResult = { test: null, pValue: null, difference: null, n: 0 };

function paired(a: SampledPoint, b: SampledPoint): [number[], number[]] | null {
  if (!a.samples || !b.samples || !a.labels || !b.labels) return null;
  const byLabel = new Map(b.labels.map((l, i) => [String(l), b.samples![i]!]));
  const x: number[] = [], y: number[] = [];
  a.labels.forEach((l, i) => {
    const v = byLabel.get(String(l));
    if (v !== undefined) { x.push(a.samples![i]!); y.push(v); }
  });
  return x.length >= PAIRED_MIN ? [x, y] : null;
}

export function regressionTest(latest: SampledPoint, best: SampledPoint, history: readonly number[], lowerIsBetter: boolean, seed = 1): RegressionResult {
  if (latest.wuId === best.wuId) return NONE;
  const s = orientation(lowerIsBetter);
  try {
    const pairs = paired(latest, best);
    if (pairs) {
      const d = pairs[0].map((v, i) => s * (v - pairs[1][i]!));
      const r = signFlipTest(d, { alternative: 'less', seed });
      return { test: 'paired-permutation', pValue: r.pValue, difference: r.statistic, n: d.length };
    }
    if (latest.samples && best.samples && latest.samples.length >= 2 && best.samples.length >= 2) {
      const r = permutationTest(latest.samples.map((v) => s * v), best.samples.map((v) => s * v), { alternative: 'less', seed });
      return { test: 'permutation', pValue: r.pValue, difference: r.statistic, n: latest.samples.length + best.samples.length };
    }
    const w = Math.min(WINDOW, Math.floor(history.length / 2));
    if (w >= WINDOW_MIN) {
      const recent = history.slice(-w).map((v) => s * v), before = history.slice(-2 * w, -w).map((v) => s * v);
      const r = welchTTest(recent, before, { alternative: 'less' });
      return { test: 'welch-window', pValue: r.pValue, difference: r.difference, n: 2 * w };
    }
  } catch (e) {
    if (!(e instanceof StatsError)) throw e;
  }
  return NONE;
}

/** Corrects the models' regression p-values together; returns the adjusted p-value per key. */
export function correctAcrossModels(entries: readonly { key: string; p: number }[], method: 'holm' | 'bh' = 'holm'): Map<string, number> {
  if (entries.length === 0) return new Map();
  const adj = (method === 'holm' ? holm : benjaminiHochberg)(entries.map((e) => e.p), ALPHA).adjusted;
  return new Map(entries.map((e, i) => [e.key, adj[i]!]));
}

import { bootstrapCi, holm, mean, permutationTest, signFlipTest, StatsError } from '@nfl-grid/shared/stats/index';

/*
 * The report's statistics on results that carry per-season / per-fold samples: a 95% percentile
 * bootstrap interval of each result's mean sample (B = 2000, seed 1), and each result against the
 * best one (two-sided sign-flip test on the samples paired by label, else a two-sample permutation
 * test; exact when the rearrangements number at most 20,000, else 10,000 draws, seed 1), with
 * Holm's correction across the comparisons.
 */

export const REPORT_RESAMPLES = 2000;

export interface Sampled { value: number; samples: number[] | null; labels: (string | number)[] | null }
export interface ResultStats { ci: [number, number] | null; p: number | null; adjustedP: number | null; test: string | null }

function vsBest(r: Sampled, best: Sampled): { p: number; test: string } | null {
  if (!r.samples || !best.samples || r.samples.length < 2 || best.samples.length < 2) return null;
  if (r.labels && best.labels) {
    const at = new Map(best.labels.map((l, i) => [String(l), best.samples![i]!]));
    const d: number[] = [];
    r.labels.forEach((l, i) => { const b = at.get(String(l)); if (b !== undefined) d.push(r.samples![i]! - b); });
    if (d.length >= 2) return { p: signFlipTest(d).pValue, test: 'sign-flip' };
  }
  return { p: permutationTest(r.samples, best.samples).pValue, test: 'permutation' };
}

export function resultStats(results: Sampled[], bestIndex: number): ResultStats[] {
  const raw = results.map((r, i) => {
    let ci: [number, number] | null = null;
    try {
      if (r.samples && r.samples.length >= 2) {
        const b = bootstrapCi(r.samples, mean, { method: 'percentile', resamples: REPORT_RESAMPLES, seed: 1 });
        ci = [b.lower, b.upper];
      }
    } catch (e) { if (!(e instanceof StatsError)) throw e; }
    const t = i === bestIndex ? null : vsBest(r, results[bestIndex]!);
    return { ci, p: t?.p ?? null, test: t?.test ?? null };
  });
  const tested = raw.map((r, i) => [r.p, i] as const).filter(([p]) => p !== null) as [number, number][];
  const adj = tested.length ? holm(tested.map(([p]) => p)).adjusted : [];
  const adjusted = new Map(tested.map(([, i], k) => [i, adj[k]!]));
  return raw.map((r, i) => ({ ...r, adjustedP: adjusted.get(i) ?? null }));
}

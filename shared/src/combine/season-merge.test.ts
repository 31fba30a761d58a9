import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../data/local';
import { mcSeason, McSeasonParams, type McSeasonOutput, type McSeasonTeam } from '../kernels/mc/season';
import { runKernelSync } from '../kernels/runner';
import { combineResults, type CombineRow } from './combine';
import type { SeasonFigures } from './season-merge';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, mcSeason.datasets(McSeasonParams.parse({ season: 2016 })));
const OPTS = { resamples: 1000, level: 0.95, seed: 1 };

const rows = (outputs: McSeasonOutput[], params: Record<string, unknown>): CombineRow[] =>
  outputs.map((o, i) => ({ wuId: 1 + i, seq: i, kernel: 'mc.season@1', params: { ...params, nSims: o.nSims }, output: o }));
const figures = (r: ReturnType<typeof combineResults>) => r.groups[0]!.figures as SeasonFigures;

/** A one-team season output carrying what the merge reads. */
function tiny(hist: number[], division: number, playoff: number): McSeasonOutput {
  const n = hist.reduce((a, c) => a + c, 0);
  const team = { team: 'AAA', rating: 1.5, games: (hist.length - 1) / 2, winsHistogram: hist, divisionCount: division, playoffCount: playoff, pDivision: division / n, pPlayoffs: playoff / n } as McSeasonTeam;
  return { season: 2016, nSims: n, playoffTeamsPerConference: 6, teams: [team] } as McSeasonOutput;
}

describe('season merge', () => {
  it('adds histograms and counts exactly and recomputes the figures (hand-checked)', () => {
    // 2-game seasons in half-wins 0…4. WU 1: 0 W ×1, 1 W ×2, 2 W ×1; WU 2: 1 W ×1, 2 W ×3.
    const a = tiny([1, 0, 2, 0, 1], 1, 2), b = tiny([0, 0, 1, 0, 3], 3, 4);
    const f = figures(combineResults(rows([a, b], { season: 2016 }), OPTS));
    const t = f.teams[0]!;
    expect(f.simulations).toBe(8);
    expect(t.winsHistogram).toEqual([1, 0, 3, 0, 4]);
    // wins 0, 1, 1, 1, 2, 2, 2, 2: mean 11/8, population sd √(Σ(x − 11/8)²/8)
    expect(t.meanWins.estimate).toBe(1.375);
    expect(t.sdWins.estimate).toBeCloseTo(Math.sqrt((1.375 ** 2 + 3 * 0.375 ** 2 + 4 * 0.625 ** 2) / 8), 7);
    // inverse empirical CDF: 5 % → 0, 25 % (2 of 8) → 1, 50 % (4 of 8) → 1, 75 % → 2
    expect([t.winQuantiles.p05, t.winQuantiles.p25, t.winQuantiles.p50, t.winQuantiles.p75, t.winQuantiles.p95].map((i) => i.estimate)).toEqual([0, 1, 1, 2, 2]);
    expect(t.pWins10.estimate).toBe(0);
    expect(t.pDivision!.estimate).toBe(0.5);
    expect(t.pPlayoffs!.estimate).toBe(0.75);
    expect([t.divisionCount, t.playoffCount]).toEqual([4, 6]);
  });

  it('of one WU equals the kernel\'s own figures; of several, their pooled counts', () => {
    const p = McSeasonParams.parse({ season: 2016, nSims: 400, simsPerStep: 200 });
    const outs = [1, 2, 3].map((seed) => runKernelSync(mcSeason, p, seed, data));
    const one = figures(combineResults(rows([outs[0]!], p), OPTS));
    // the kernel rounds to 6 decimals, the merge to 8 significant digits
    outs[0]!.teams.forEach((k, i) => {
      const m = one.teams[i]!;
      expect(m.team).toBe(k.team);
      expect(m.meanWins.estimate).toBeCloseTo(k.meanWins, 5);
      expect(m.sdWins.estimate).toBeCloseTo(k.sdWins, 5);
      expect(m.pWins10.estimate).toBeCloseTo(k.pWins10, 5);
      expect(m.winQuantiles.p50.estimate).toBe(k.winQuantiles.p50);
      expect(m.pPlayoffs!.estimate).toBeCloseTo(k.pPlayoffs!, 5);
    });
    const all = figures(combineResults(rows(outs, p), OPTS));
    expect(all.simulations).toBe(1200);
    all.teams.forEach((t, i) => {
      expect(t.winsHistogram).toEqual(outs[0]!.teams[i]!.winsHistogram.map((_, k) => outs.reduce((a, o) => a + o.teams[i]!.winsHistogram[k]!, 0)));
      expect(t.playoffCount).toBe(outs.reduce((a, o) => a + o.teams[i]!.playoffCount!, 0));
    });
    expect(all.teams.reduce((a, t) => a + t.playoffCount!, 0)).toBe(12 * 1200);
  });

  it('gives binomial-width intervals for playoff odds and is reproducible by seed', () => {
    const p = McSeasonParams.parse({ season: 2016, nSims: 2000, simsPerStep: 1000 });
    const outs = [4, 5].map((seed) => runKernelSync(mcSeason, p, seed, data));
    const opts = { resamples: 2000, level: 0.95, seed: 3 };
    const r = combineResults(rows(outs, p), opts);
    expect(combineResults(rows(outs, p), opts)).toEqual(r);
    for (const t of figures(r).teams) {
      const q = t.pPlayoffs!.estimate!;
      if (q < 0.05 || q > 0.95) continue;
      const se = Math.sqrt((q * (1 - q)) / 4000);
      expect(t.pPlayoffs!.standardError! / se, t.team).toBeGreaterThan(0.9);
      expect(t.pPlayoffs!.standardError! / se, t.team).toBeLessThan(1.1);
      expect(t.pPlayoffs!.lower!).toBeLessThan(q);
      expect(t.pPlayoffs!.upper!).toBeGreaterThan(q);
      // mean wins: se ≈ sd / √n
      expect(t.meanWins.standardError! / (t.sdWins.estimate! / Math.sqrt(4000))).toBeGreaterThan(0.9);
      expect(t.meanWins.standardError! / (t.sdWins.estimate! / Math.sqrt(4000))).toBeLessThan(1.1);
    }
  });

  it('keeps WUs of other params apart and leaves out outputs without exact counts', () => {
    const p = McSeasonParams.parse({ season: 2016, nSims: 50 });
    const a = runKernelSync(mcSeason, p, 1, data), b = runKernelSync(mcSeason, { ...p, sigma: 14 }, 1, data);
    const old = structuredClone(a);
    for (const t of old.teams) delete (t as Partial<McSeasonTeam>).divisionCount;
    const r = combineResults([...rows([a], p), ...rows([b], { ...p, sigma: 14 }).map((x) => ({ ...x, wuId: 7, seq: 1 })),
      { wuId: 9, seq: 2, kernel: 'mc.season@1', params: p, output: old }], OPTS);
    expect(r.groups.map((g) => [g.params.sigma, g.wuIds])).toEqual([[13.5, [1]], [14, [7]]]);
    expect(r.excluded).toEqual([{ wuId: 9, reason: expect.stringMatching(/no exact division and playoff counts/) }]);
    expect(r).toMatchObject({ results: 3, included: 2 });
  });
});

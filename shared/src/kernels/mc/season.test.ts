import { describe, expect, it } from 'vitest';
import type { GameRow } from '../../data/spreadspoke';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { mcSeason, McSeasonParams } from './season';
import { alignmentFor, DIVISIONS, selectPlayoffs } from './nfl-divisions';
import { normalCdf } from '../../math/normal';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { buildSeasonModel } from './season-model';
import { runWithRestarts } from '../testing';

const names = mcSeason.datasets(McSeasonParams.parse({ season: 2016 }));
const data = loadLocalKernelData(DEFAULT_DATA_DIR, names);
const small = McSeasonParams.parse({ season: 2016, nSims: 500, simsPerStep: 100 });

describe('mc.season params', () => {
  it('fills defaults and is registered', () => {
    expect(McSeasonParams.parse({ season: 2016 })).toMatchObject({ nSims: 10_000, sigma: 13.5, shrink: 0.35, ridge: 1, tieProb: 0.0024, ratings: 'previous_season' });
    expect(getKernel('mc.season@1')).toBe(mcSeason);
    expect(names).toEqual(['teams.crosswalk', 'spreadspoke.games']);
  });
  it('rejects bad params', () => {
    for (const bad of [{}, { season: 1966 }, { season: 2025 }, { season: 2016, nSims: 5 }, { season: 2016, sigma: 0 },
      { season: 2016, shrink: 1.5 }, { season: 2016, ratings: 'elo' }, { season: 2016, nsims: 1000 }, { season: 2016.5 }]) {
      expect(McSeasonParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('mc.season model', () => {
  it('fits ratings on the previous season and uses the real schedule', () => {
    const m = buildSeasonModel(data.dataset<GameRow[]>('spreadspoke.games'), small);
    expect(m.teams).toHaveLength(32);
    expect(m.mean).toHaveLength(256);
    expect(m.games.every((g) => g === 16)).toBe(true);
    expect(m.hfa).toBeGreaterThan(0);
    expect(m.hfa).toBeLessThan(5);
    expect(Math.abs(m.ratings.reduce((a, r) => a + r, 0))).toBeLessThan(1e-9); // zero-mean fit, shrunk
    expect(m.alignment?.playoffTeams).toBe(6);
  });
  it('knows the 2022 schedule: BUF and CIN played 16 games', () => {
    const m = buildSeasonModel(data.dataset<GameRow[]>('spreadspoke.games'), { season: 2022, shrink: 0, ridge: 1 });
    const g = Object.fromEntries(m.teams.map((t, i) => [t, m.games[i]]));
    expect([g.BUF, g.CIN, g.KC]).toEqual([16, 16, 17]);
  });
});

describe('mc.season run', () => {
  const out = runKernelSync(mcSeason, small, 7, data);

  it('is internally consistent', () => {
    expect(out.nSims).toBe(500);
    expect(out.teams).toHaveLength(32);
    const sum = (f: (t: (typeof out.teams)[number]) => number) => out.teams.reduce((a, t) => a + f(t), 0);
    expect(sum((t) => t.meanWins)).toBeCloseTo(256, 6); // every game hands out one win in total
    expect(sum((t) => t.pDivision!)).toBeCloseTo(8, 6);
    expect(sum((t) => t.pPlayoffs!)).toBeCloseTo(12, 6);
    expect(sum((t) => t.divisionCount!)).toBe(8 * 500); // exact counts: every simulation has 8 winners, 12 playoff teams
    expect(sum((t) => t.playoffCount!)).toBe(12 * 500);
    for (const t of out.teams) {
      expect(t.pDivision!).toBeLessThanOrEqual(t.pPlayoffs!);
      expect(Number.isInteger(t.divisionCount) && Number.isInteger(t.playoffCount)).toBe(true);
      expect(t.pDivision).toBe(Math.round((t.divisionCount! / 500) * 1e6) / 1e6);
      expect(t.pPlayoffs).toBe(Math.round((t.playoffCount! / 500) * 1e6) / 1e6);
      expect(t.winsHistogram.reduce((a, c) => a + c, 0)).toBe(500);
      expect(t.winQuantiles.p05).toBeLessThanOrEqual(t.winQuantiles.p50);
      expect(t.winQuantiles.p50).toBeLessThanOrEqual(t.winQuantiles.p95);
    }
  });

  it('matches the analytic expected wins of the model', () => {
    // E[wins] = Σ_games (1 − τ)·P(win) + τ/2, with P(home win) = Φ(mean/σ)
    const m = buildSeasonModel(data.dataset<GameRow[]>('spreadspoke.games'), small);
    const p = McSeasonParams.parse({ season: 2016, nSims: 4000, simsPerStep: 2000 });
    const big = runKernelSync(mcSeason, p, 3, data);
    const expected = new Array<number>(32).fill(0);
    for (let g = 0; g < m.mean.length; g++) {
      const ph = normalCdf(m.mean[g] / p.sigma);
      expected[m.home[g]] += (1 - p.tieProb) * ph + p.tieProb / 2;
      expected[m.away[g]] += (1 - p.tieProb) * (1 - ph) + p.tieProb / 2;
    }
    // sd of a mean over 4000 seasons is about 2/√4000 ≈ 0.03
    big.teams.forEach((t, i) => expect(Math.abs(t.meanWins - expected[i])).toBeLessThan(0.15));
  });

  it('is identical on a rerun with the same seed and differs with another seed', () => {
    expect(runKernelSync(mcSeason, small, 7, data)).toEqual(out);
    expect(runKernelSync(mcSeason, small, 8, data)).not.toEqual(out);
  });

  it('is identical when checkpointed and restored (through JSON, on fresh data) at any step', () => {
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, names);
    expect(runWithRestarts(mcSeason, small, 7, data, [0, 2, 5], fresh)).toEqual(out);
    expect(runWithRestarts(mcSeason, small, 7, data, [1, 3, 4])).toEqual(out);
  });

  it('comparator accepts a rerun and rejects a perturbed output', () => {
    const again = runKernelSync(mcSeason, small, 7, data);
    expect(mcSeason.compare(out, again)).toBe(true);
    const bumped = structuredClone(again);
    bumped.teams[3].pPlayoffs! += 1e-6;
    expect(mcSeason.compare(out, bumped)).toBe(false);
    const swapped = structuredClone(again);
    [swapped.teams[0], swapped.teams[1]] = [swapped.teams[1], swapped.teams[0]];
    expect(mcSeason.compare(out, swapped)).toBe(false);
    expect(mcSeason.compare(out, runKernelSync(mcSeason, small, 8, data))).toBe(false);
  });

  it('refuses a snapshot of other params', () => {
    const s = mcSeason.init(small, 7, data);
    expect(() => mcSeason.restore({ ...small, sigma: 14 }, mcSeason.checkpoint(s), data)).toThrow();
  });

  it('has no division odds before 2002, and 7 playoff teams per conference from 2020', () => {
    const old = runKernelSync(mcSeason, McSeasonParams.parse({ season: 1995, nSims: 20 }), 1, data);
    expect(old.playoffTeamsPerConference).toBeNull();
    expect(old.teams.every((t) => t.pDivision === null && t.pPlayoffs === null && t.divisionCount === null && t.playoffCount === null)).toBe(true);
    const recent = runKernelSync(mcSeason, McSeasonParams.parse({ season: 2021, nSims: 50 }), 1, data);
    expect(recent.teams.reduce((a, t) => a + t.pPlayoffs!, 0)).toBeCloseTo(14, 6);
  });
});

describe('selectPlayoffs', () => {
  const teams = Object.values(DIVISIONS).flat().sort();
  const idx = (t: string) => teams.indexOf(t);

  it('takes division winners, then wild cards by win percentage, coin flips last', () => {
    const al = alignmentFor(2019, teams)!;
    const hw = new Array<number>(32).fill(16); // 8–8 everywhere
    const games = new Array<number>(32).fill(16);
    const coin = teams.map((_, i) => i); // later in the alphabet wins coin flips
    // AFC: NE 12 wins, BAL 13, HOU 10, KC 12 win divisions; PIT 11 is the first wild card,
    // then the rest are 8–8 and the coin gives the last spot to the highest coin draw (TEN).
    Object.assign(hw, { [idx('NE')]: 24, [idx('BAL')]: 26, [idx('HOU')]: 20, [idx('KC')]: 24, [idx('PIT')]: 22 });
    const div = new Uint8Array(32), po = new Uint8Array(32);
    selectPlayoffs(al, hw, games, coin, div, po);
    const afc = ['BUF', 'MIA', 'NE', 'NYJ', 'BAL', 'CIN', 'CLE', 'PIT', 'HOU', 'IND', 'JAX', 'TEN', 'DEN', 'KC', 'LAC', 'LVR'];
    expect(afc.filter((t) => div[idx(t)]).sort()).toEqual(['BAL', 'HOU', 'KC', 'NE']);
    expect(afc.filter((t) => po[idx(t)]).sort()).toEqual(['BAL', 'HOU', 'KC', 'NE', 'PIT', 'TEN']);
    expect(po.reduce((a, x) => a + x, 0)).toBe(12);
    expect(div.reduce((a, x) => a + x, 0)).toBe(8);
  });

  it('ranks by percentage when games differ (2022) and gives 7 spots from 2020', () => {
    const al = alignmentFor(2022, teams)!;
    const hw = new Array<number>(32).fill(0);
    const games = new Array<number>(32).fill(17);
    games[idx('BUF')] = 16;
    // 12–4 (.750) beats 12–5 (.706) for the AFC East
    hw[idx('BUF')] = 24;
    hw[idx('MIA')] = 24;
    const div = new Uint8Array(32), po = new Uint8Array(32);
    selectPlayoffs(al, hw, games, teams.map(() => 0), div, po);
    expect(div[idx('BUF')]).toBe(1);
    expect(div[idx('MIA')]).toBe(0);
    expect(po[idx('MIA')]).toBe(1);
    expect(po.reduce((a, x) => a + x, 0)).toBe(14);
  });
});

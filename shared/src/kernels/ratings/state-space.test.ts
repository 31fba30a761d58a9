import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { gameTable } from '../calibration/games';
import { spreadProb } from '../calibration/spread';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { stateSpace, StateSpaceParams } from './state-space';
import { selectLoyo } from './state-space-loyo';
import { buildSchedule } from './state-space-model';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, stateSpace.datasets(StateSpaceParams.parse({})));
const small = StateSpaceParams.parse({ seasonFrom: 2016, seasonTo: 2019, evalFrom: 2017, evalTo: 2019, q: [0.3, 0.8], smooth: true });

describe('ratings.state_space params', () => {
  it('fills defaults, wraps single values in lists and is registered', () => {
    const p = StateSpaceParams.parse({ q: 0.4 });
    expect(p).toMatchObject({ seasonFrom: 2002, seasonTo: 2025, evalFrom: 2009, evalTo: 2025, cv: 'loyo', q: [0.4], r: [170], hfa: [2] });
    expect(StateSpaceParams.parse(p)).toEqual(p); // parsing parsed params changes nothing
    expect(getKernel('ratings.state_space@1')).toBe(stateSpace);
    expect(stateSpace.totalSteps(small)).toBe(2 * (4 + 1));
  });

  it('rejects bad params', () => {
    for (const bad of [{ q: -1 }, { r: 0 }, { q: [] }, { evalFrom: 2000, seasonFrom: 2005 }, { evalTo: 2025, seasonTo: 2020 },
      { cv: 'kfold' }, { cv: 'loyo', evalFrom: 2010, evalTo: 2010 }, { hfaSd: 0, hfaQ: 1 }, { phi: 0 }, { carryover: 1.5 },
      { q: Array(10).fill(1), r: Array(10).fill(100), hfa: Array(10).fill(2) }, { sigma: 13 }, { seasonFrom: 2010.5 }]) {
      expect(StateSpaceParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('ratings.state_space run', () => {
  const out = runKernelSync(stateSpace, small, 1, data);

  it('scores every evaluation game with a line, for the model, the spread and 538', () => {
    const table = gameTable(data).filter((g) => g.season >= 2017 && g.season <= 2019);
    expect(out.games).toBe(table.length);
    expect(out.configs).toHaveLength(2);
    for (const c of out.configs) {
      expect(c.pooled.n).toBe(out.games);
      expect(c.seasons.map((s) => s.season)).toEqual([2017, 2018, 2019]);
      expect(c.pooled.logLoss).toBeGreaterThan(0.55);
      expect(c.pooled.logLoss).toBeLessThan(0.7);
      expect(c.eloGames!.n).toBe(out.elo!.n);
    }
    // the spread's scores are Φ(−line/σ) on the same games
    let ll = 0;
    for (const g of table) {
      const p = spreadProb(g.homeLine!, 13.45);
      ll -= g.y * Math.log(p) + (1 - g.y) * Math.log(1 - p);
    }
    expect(out.spread.pooled.logLoss).toBeCloseTo(ll / table.length, 7);
    expect(out.elo!.n).toBe(table.filter((g) => g.eloProb !== null).length);
    expect(out.spreadLoyo!.seasons.every((s) => s.sigma > 8 && s.sigma < 18)).toBe(true);
    expect(out.loyo!.seasons).toHaveLength(3);
  });

  it('smoothed ratings at the last week equal the filtered ones there, and sum to the filtered fit', () => {
    for (const c of out.configs) {
      const last = c.smoothed![c.smoothed!.length - 1];
      expect(last.season).toBe(2019);
      expect(last.ratings).toEqual(c.final.ratings);
      expect(last.hfa).toBe(c.final.hfa);
      expect(c.smoothed!.map((s) => s.season)).toEqual([2016, 2017, 2018, 2019]);
      // earlier seasons are fitted with more data than the filter had: smaller sd than the prior
      expect(c.smoothed![0].ratings.every((r) => r.sd < 6)).toBe(true);
    }
  });

  it('is identical on a rerun and when checkpointed and restored (through JSON, on fresh data) at several steps', () => {
    expect(runKernelSync(stateSpace, small, 1, data)).toEqual(out);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, stateSpace.datasets(small));
    expect(runWithRestarts(stateSpace, small, 1, data, [0, 3, 5], fresh)).toEqual(out);
    expect(runWithRestarts(stateSpace, small, 1, data, [1, 4, 8, 9])).toEqual(out);
  });

  it('comparator accepts a rerun and rejects a perturbed output', () => {
    const again = runKernelSync(stateSpace, small, 2, data); // the seed is unused
    expect(stateSpace.compare(out, again)).toBe(true);
    const bumped = structuredClone(again);
    bumped.configs[1].seasons[0].brier += 1e-6;
    expect(stateSpace.compare(out, bumped)).toBe(false);
    const fewer = structuredClone(again);
    fewer.configs.pop();
    expect(stateSpace.compare(out, fewer)).toBe(false);
  });

  it('refuses a snapshot of other params', () => {
    const s = stateSpace.init(small, 1, data);
    expect(() => stateSpace.restore({ ...small, r: [150] }, stateSpace.checkpoint(s), data)).toThrow();
  });

  it('keeps hfa fixed when it is not a state', () => {
    const p = StateSpaceParams.parse({ seasonFrom: 2018, seasonTo: 2019, evalFrom: 2019, evalTo: 2019, cv: 'none', hfaSd: 0, hfaQ: 0, hfa: 1.7 });
    const o = runKernelSync(stateSpace, p, 1, data);
    expect(o.configs[0].final).toMatchObject({ hfa: 1.7, hfaSd: 0 });
    expect(o.loyo).toBeNull();
    expect(o.spreadLoyo).toBeNull();
  });
});

describe('state-space schedule', () => {
  it('restarts franchises that did not play the season before (Browns 1999, Texans 2002)', () => {
    const s = buildSchedule(gameTable(data), 1998, 2002);
    const idx = (t: string) => s.teams.indexOf(t);
    expect(s.seasons[1].restarts[idx('CLE')]).toBe(true);
    expect(s.seasons[0].plays[idx('CLE')]).toBe(false);
    expect(s.seasons[4].restarts[idx('HOU')]).toBe(true);
    expect(s.seasons[4].restarts.filter(Boolean)).toHaveLength(1);
    expect(s.seasons[4].weeks.map((w) => w.week)).toEqual([...Array.from({ length: 17 }, (_, i) => i + 1), 19, 20, 21, 22]);
  });
});

describe('selectLoyo', () => {
  it('picks per held-out season the config best on the other seasons', () => {
    const s = (season: number, logLoss: number) => ({ season, n: 100, logLoss, brier: logLoss / 3, rmse: 13 });
    const a = { q: 1, r: 1, hfa: 1, seasons: [s(1, 0.60), s(2, 0.70), s(3, 0.60)] };
    const b = { q: 2, r: 2, hfa: 2, seasons: [s(1, 0.65), s(2, 0.60), s(3, 0.64)] };
    // hold out 1: a 0.65 vs b 0.62 → b; hold out 2: a 0.60 vs b 0.645 → a; hold out 3: a 0.65 vs b 0.625 → b
    const r = selectLoyo([a, b]);
    expect(r.seasons.map((x) => x.q)).toEqual([2, 1, 2]);
    expect(r.seasons.map((x) => x.logLoss)).toEqual([0.65, 0.7, 0.64]);
    expect(r.pooled.logLoss).toBeCloseTo((0.65 + 0.7 + 0.64) / 3, 8);
    expect(r.pooled.n).toBe(300);
  });
});

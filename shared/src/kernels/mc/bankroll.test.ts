import { describe, expect, it } from 'vitest';
import type { GameRow } from '../../data/spreadspoke';
import { MAX_CHECKPOINT_DATA_CHARS, MAX_RESULT_JWS_CHARS } from '../../protocol/messages';
import { canonicalJson } from '../../hashing/canonical-json';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { breakEvenWinRate, coverProbabilities, kellyFraction, netOdds } from './bankroll-math';
import { buildPool } from './bankroll-pool';
import { mcBankroll, McBankrollParams } from './bankroll';
import { normalCdf } from '../../math/normal';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
const small = McBankrollParams.parse({ seasonFrom: 2015, seasonTo: 2016, nBets: 200, nScenarios: 120, scenariosPerStep: 25, skill: 1 });

describe('betting arithmetic', () => {
  it('prices -110 and plus odds', () => {
    expect(netOdds(-110)).toBe(100 / 110);
    expect(netOdds(150)).toBe(1.5);
    expect(() => netOdds(-50)).toThrow(RangeError);
    expect(breakEvenWinRate(netOdds(-110))).toBeCloseTo(11 / 21, 15); // 52.38 %
  });

  it('Kelly at -110: p = 0.55 → 5.5 % of bankroll; with 5 % pushes, p = 0.5, q = 0.45 → 1/190', () => {
    // f = (p·b − q) / (b·(p + q)), b = 10/11: (0.5 − 0.45) / (10/11) = 0.055
    expect(kellyFraction(0.55, 0.45, 10 / 11)).toBeCloseTo(0.055, 15);
    // (5/11 − 9/20) / ((10/11)·(19/20)) = (1/220) / (19/22) = 1/190
    expect(kellyFraction(0.5, 0.45, 10 / 11)).toBeCloseTo(1 / 190, 15);
    expect(kellyFraction(0.52, 0.48, 10 / 11)).toBe(0); // below 52.38 %: no bet
  });

  it('cover probabilities of half-point and whole-point lines', () => {
    expect(coverProbabilities(-3.5, 0, 13.5)).toEqual({ win: 0.5, push: 0, lose: 0.5 });
    const whole = coverProbabilities(3, 0, 13.5);
    expect(whole.win).toBeCloseTo(normalCdf(-0.5 / 13.5), 15);
    expect(whole.push).toBeCloseTo(normalCdf(0.5 / 13.5) - normalCdf(-0.5 / 13.5), 15);
    expect(whole.win).toBeCloseTo(whole.lose, 15);
    expect(coverProbabilities(2.5, 1, 13.5).win).toBeCloseTo(normalCdf(1 / 13.5), 15);
    expect(coverProbabilities(-7, 1, 13.5).win).toBeCloseTo(normalCdf(0.5 / 13.5), 15);
  });

  it('builds the pool from games with a line, both sides priced', () => {
    const pool = buildPool(data.dataset<GameRow[]>('spreadspoke.games'), { ...small, includePlayoffs: false });
    expect(pool.size).toBe(512); // 2015 and 2016 regular seasons, all with lines
    for (let i = 0; i < pool.size; i++) {
      expect(pool.home.pushCut[i]).toBeGreaterThanOrEqual(pool.home.winCut[i]);
      expect(pool.home.kelly[i]).toBe(pool.away.kelly[i]); // the edge model is symmetric
    }
  });
});

describe('mc.bankroll params', () => {
  it('fills defaults by strategy and is registered', () => {
    expect(McBankrollParams.parse({})).toMatchObject({ seasonFrom: 2010, seasonTo: 2024, strategy: 'kelly', fraction: 0.25, odds: -110, skill: 1, keepScenarios: true });
    expect(McBankrollParams.parse({ strategy: 'flat' }).fraction).toBe(0.01);
    expect(getKernel('mc.bankroll@1')).toBe(mcBankroll);
    expect(mcBankroll.datasets(small)).toEqual(['teams.crosswalk', 'spreadspoke.games']);
  });
  it('rejects bad params', () => {
    for (const bad of [{ seasonFrom: 2020, seasonTo: 2019 }, { seasonFrom: 1970 }, { strategy: 'martingale' }, { fraction: 0 },
      { fraction: 1.5 }, { odds: -50 }, { nScenarios: 1 }, { ruinLevel: 1 }, { skill: -1 }, { sigma: 0 }, { seed: 3 }, { keepScenarios: 'yes' }]) {
      expect(McBankrollParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('mc.bankroll run', () => {
  const out = runKernelSync(mcBankroll, small, 11, data);

  it('reports sensible numbers', () => {
    expect(out.nScenarios).toBe(120);
    expect(out.poolGames).toBe(512);
    expect(out.betsPerScenario).toBe(200);
    expect(out.final.p05).toBeLessThanOrEqual(out.final.p50);
    expect(out.final.p50).toBeLessThanOrEqual(out.final.p95);
    expect(out.cvar95).toBeGreaterThanOrEqual(out.var95);
    expect(out.meanMaxDrawdown).toBeGreaterThan(0);
    expect(out.meanMaxDrawdown).toBeLessThan(1);
    expect(out.modelWinRateHalfPoint).toBeCloseTo(normalCdf(1 / 13.5), 6);
  });

  it('is identical on a rerun, and when restored from JSON at several steps', () => {
    expect(runKernelSync(mcBankroll, small, 11, data)).toEqual(out);
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
    expect(runWithRestarts(mcBankroll, small, 11, data, [0, 1, 4], fresh)).toEqual(out);
    expect(runWithRestarts(mcBankroll, small, 11, data, [2, 3, 5])).toEqual(out);
  });

  it('lists every scenario, consistent with the summary figures', () => {
    const sc = out.scenarios!;
    for (const a of Object.values(sc)) expect(a).toHaveLength(120);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(sc.final)).toBeCloseTo(out.final.mean, 4);
    expect(mean(sc.maxDrawdown)).toBeCloseTo(out.meanMaxDrawdown, 5);
    expect(mean(sc.bets)).toBeCloseTo(out.meanBetsPlaced, 4);
    expect(mean(sc.ruined)).toBe(out.pRuin);
    const nBets = sc.bets.reduce((a, x) => a + x, 0);
    const meanR = sc.sumR.reduce((a, x) => a + x, 0) / nBets;
    const sdR = Math.sqrt(sc.sumR2.reduce((a, x) => a + x, 0) / nBets - meanR * meanR);
    expect(meanR / sdR).toBeCloseTo(out.sharpePerBet!, 5);
    expect(sc.bets.every((b) => Number.isInteger(b) && b >= 0 && b <= 200)).toBe(true);
    expect(sc.ruined.every((r, i) => (r === 1) === (sc.final[i]! <= 100))).toBe(true);
  });

  it('without keepScenarios lists none and reports the same figures', () => {
    const p = { ...small, keepScenarios: false };
    const lean = runKernelSync(mcBankroll, p, 11, data);
    expect(lean).toEqual({ ...out, scenarios: null });
    expect(runWithRestarts(mcBankroll, p, 11, data, [1, 3])).toEqual(lean);
  });

  it('refuses a snapshot whose per-scenario lists are missing or short', () => {
    const st = mcBankroll.step(mcBankroll.init(small, 11, data), data);
    const snap = mcBankroll.checkpoint(st) as { kept: { bets: number[] } | null };
    expect(() => mcBankroll.restore(small, { ...snap, kept: null }, data)).toThrow(/does not belong/);
    expect(() => mcBankroll.restore(small, { ...snap, kept: undefined }, data)).toThrow(/does not belong/);
    expect(() => mcBankroll.restore(small, { ...snap, kept: { ...snap.kept, bets: snap.kept!.bets.slice(1) } }, data)).toThrow(/does not belong/);
    expect(() => mcBankroll.restore({ ...small, keepScenarios: false }, snap, data)).toThrow(/does not belong/);
  });

  it('comparator rejects a perturbed scenario value', () => {
    for (const key of ['final', 'maxDrawdown', 'bets', 'sumR', 'sumR2', 'ruined'] as const) {
      const bumped = structuredClone(out);
      const a = bumped.scenarios![key];
      a[57] = key === 'ruined' ? 1 - a[57]! : key === 'bets' ? a[57]! + 1 : a[57]! * (1 + 1e-6) + 1e-6;
      expect(mcBankroll.compare(out, bumped), key).toBe(false);
    }
  });

  it('comparator accepts a rerun and rejects a perturbed output or another seed', () => {
    expect(mcBankroll.compare(out, runKernelSync(mcBankroll, small, 11, data))).toBe(true);
    expect(mcBankroll.compare(out, { ...out, var95: out.var95 + 0.01 })).toBe(false);
    expect(mcBankroll.compare(out, { ...out, final: { ...out.final, p50: out.final.p50 * (1 + 1e-6) } })).toBe(false);
    expect(mcBankroll.compare(out, runKernelSync(mcBankroll, small, 12, data))).toBe(false);
  });

  it('Kelly without an edge never bets', () => {
    const o = runKernelSync(mcBankroll, { ...small, skill: 0 }, 1, data);
    expect(o.meanBetsPlaced).toBe(0);
    expect(o.final).toMatchObject({ mean: 1000, p01: 1000, p99: 1000 });
    expect(o.sharpePerBet).toBeNull();
  });

  it('two fixed-fraction bets end on one of the six exact bankrolls', () => {
    const p = McBankrollParams.parse({ seasonFrom: 2016, seasonTo: 2016, strategy: 'fixed_fraction', fraction: 0.5, nBets: 2, nScenarios: 200, ruinLevel: 0 });
    const st = mcBankroll.step(mcBankroll.init(p, 5, data), data);
    const finals: number[] = (mcBankroll.checkpoint(st) as { finals: number[] }).finals;
    const factors = [1 + 0.5 * (10 / 11), 1, 0.5]; // win, push, loss
    const allowed = factors.flatMap((a) => factors.map((b) => 1000 * a * b));
    expect(finals.every((f) => allowed.some((x) => Math.abs(x - f) < 1e-9))).toBe(true);
  });

  it('flat betting with no edge loses the vig: win rate ≈ 50 %, mean per-bet return < 0', () => {
    const p = McBankrollParams.parse({ seasonFrom: 2010, seasonTo: 2012, strategy: 'flat', skill: 0, nScenarios: 100, scenariosPerStep: 100 });
    const o = runKernelSync(mcBankroll, p, 2, data);
    // ~77k decided bets: sd of the win rate ≈ 0.0018
    expect(Math.abs(o.winRate! - 0.5)).toBeLessThan(0.01);
    expect(o.sharpePerBet!).toBeLessThan(0);
    expect(o.final.mean).toBeLessThan(1000);
  });
});

describe('mc.bankroll size limits', () => {
  it('the largest WU (100k scenarios, listed) fits a result packet and a checkpoint upload', () => {
    // Short paths keep the test quick; digits per value do not depend on the path length.
    const p = McBankrollParams.parse({ nScenarios: 100_000, scenariosPerStep: 100_000, nBets: 60, fraction: 1, skill: 3 });
    const st = mcBankroll.step(mcBankroll.init(p, 1, data), data);
    const checkpointChars = Math.ceil(JSON.stringify(mcBankroll.checkpoint(st)).length / 3) * 4;
    const o = mcBankroll.finish(st, data);
    // A compact JWS is base64url(header).base64url(payload).signature; the payload wraps the output.
    const jwsChars = Math.ceil((canonicalJson(o).length + 400) / 3) * 4 + 200;
    expect(jwsChars).toBeLessThan(MAX_RESULT_JWS_CHARS / 2);
    expect(checkpointChars).toBeLessThan(MAX_CHECKPOINT_DATA_CHARS * 0.75);
  });
});


import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { canonicalJson } from '../../hashing/canonical-json';
import { backtestCompare, BacktestCompareParams } from './compare';
import { runBacktest } from './engine';
import { selectedGames } from './params';
import { backtestRun, BacktestRunParams } from './run';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';

const names = ['spreadspoke.games', 'oddsportal.nfl', 'elo538.games'];
const data = loadLocalKernelData(DEFAULT_DATA_DIR, names);

describe('backtest.run@1', () => {
  const p = BacktestRunParams.parse({
    seasonFrom: 2015, seasonTo: 2019, maxBetHistory: 20, maxEquityPoints: 30,
    strategy: { signalCorrelation: 0.2, staking: { kind: 'kelly', multiplier: 0.25 } },
  });
  const out = runKernelSync(backtestRun, p, 7, data);

  it('is registered, lists only the data it needs, and rejects bad params', () => {
    expect(getKernel('backtest.run@1')).toBe(backtestRun);
    expect(backtestRun.datasets(p)).toEqual(['teams.crosswalk', 'spreadspoke.games']);
    expect(backtestRun.datasets(BacktestRunParams.parse({ strategy: { market: 'moneyline', model: { kind: 'elo' } } })))
      .toEqual(['teams.crosswalk', 'spreadspoke.games', 'oddsportal.nfl', 'elo538.games']);
    for (const bad of [{ seasonFrom: 2020, seasonTo: 2019 }, { seasonFrom: 1970 }, { spreadOdds: -50 }, { maxExposure: 0 },
      { strategy: { staking: { kind: 'martingale' } } }, { strategy: { signalCorrelation: 1 } }, { strategy: { side: 'left' } }, { extra: true }]) {
      expect(BacktestRunParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('reports P/L, counts, risk metrics, a capped history and a downsampled curve', () => {
    expect(out.games).toBe(1280);
    expect(out.bets).toBe(out.wins + out.pushes + out.losses);
    expect(out.bets + out.passed + out.noPrice).toBe(1280);
    expect(out.betHistory).toHaveLength(20);
    expect(out.betHistoryTruncated).toBe(true);
    expect(out.equityCurve.length).toBeLessThanOrEqual(30);
    expect(out.equityCurve[out.equityCurve.length - 1].bankroll).toBe(out.finalBankroll);
    expect(out.seasons.map((s) => s.season)).toEqual([2015, 2016, 2017, 2018, 2019]);
    expect(out.lookAhead).toBe(true);
    expect(out.metrics.maxDrawdown).toBeGreaterThan(0);
    expect(() => canonicalJson(out)).not.toThrow(); // finite numbers only, as output hashing needs
    // the kernel is the library function run in steps
    const lib = runBacktest(selectedGames(data, p, [p.strategy]).games, p.strategy, { maxBetHistory: 20, maxEquityPoints: 30 }, 7);
    expect(lib.finalBankroll).toBe(out.finalBankroll);
    expect(lib.metrics).toEqual(out.metrics);
  });

  it('is identical on a rerun and across restarts; the comparator accepts and rejects', () => {
    expect(runKernelSync(backtestRun, p, 7, data)).toEqual(out);
    expect(runWithRestarts(backtestRun, p, 7, data, [0, 2, 4], loadLocalKernelData(DEFAULT_DATA_DIR, names))).toEqual(out);
    expect(backtestRun.compare(out, runWithRestarts(backtestRun, p, 7, data, [3]))).toBe(true);
    expect(backtestRun.compare(out, { ...out, finalBankroll: out.finalBankroll * (1 + 1e-7) })).toBe(false);
    expect(backtestRun.compare(out, runKernelSync(backtestRun, p, 8, data))).toBe(false);
  });
});

describe('backtest.compare@1', () => {
  const p = BacktestCompareParams.parse({
    seasonFrom: 2012, seasonTo: 2015, seasonsPerStep: 2,
    strategies: [
      { name: 'flat home', side: 'home', minEdge: -1 },
      { name: 'kelly skilled', signalCorrelation: 0.2, staking: { kind: 'kelly', multiplier: 0.5 } },
      { name: 'ML favourite', market: 'moneyline', model: { kind: 'moneyline' }, side: 'favorite', minEdge: -1 },
      { name: 'Elo quarter-Kelly', market: 'moneyline', model: { kind: 'elo' }, staking: { kind: 'kelly', multiplier: 0.25 } },
    ],
  });
  const out = runKernelSync(backtestCompare, p, 2, data);

  it('compares on the same games, each as backtest.run would', () => {
    expect(out.results.map((r) => r.name)).toEqual(['flat home', 'kelly skilled', 'ML favourite', 'Elo quarter-Kelly']);
    expect(out.ranking.byFinalBankroll).toHaveLength(4);
    const single = runKernelSync(backtestRun, BacktestRunParams.parse({ seasonFrom: 2012, seasonTo: 2015, strategy: p.strategies[1], maxEquityPoints: 50 }), 2, data);
    expect(out.results[1].finalBankroll).toBe(single.finalBankroll);
    expect(out.results[1].metrics).toEqual(single.metrics);
    expect(out.results[2].bets).toBeGreaterThan(900);
    expect(() => canonicalJson(out)).not.toThrow();
    expect(BacktestCompareParams.safeParse({ strategies: [] }).success).toBe(false);
  });

  it('is identical across restarts; the comparator rejects a perturbation', () => {
    expect(runWithRestarts(backtestCompare, p, 2, data, [0, 1, 2], loadLocalKernelData(DEFAULT_DATA_DIR, names))).toEqual(out);
    const bumped = { ...out, results: out.results.map((r, i) => (i === 3 ? { ...r, turnover: r.turnover + 0.01 } : r)) };
    expect(backtestCompare.compare(out, bumped)).toBe(false);
    expect(backtestCompare.compare(out, runKernelSync(backtestCompare, p, 2, data))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import type { EloGameRow } from '../../data/elo538';
import type { OddsGameRow } from '../../data/oddsportal';
import type { GameRow } from '../../data/spreadspoke';
import { coverProbabilities } from '../mc/bankroll-math';
import { compareBacktests, runBacktest, type StrategyConfig } from './engine';
import { buildBacktestGames, type BacktestGame } from './games';
import { downsampleIndices, riskMetrics } from './metrics';
import { devigHome, muFromWinProb, offers, winShare, type SideOffer } from './model';
import { stakeFor } from './staking';

const game = (over: Partial<BacktestGame>): BacktestGame => ({
  season: 2020, week: 1, date: '2020-09-13', playoff: false, home: 'NE', away: 'MIA', homeScore: 20, awayScore: 10,
  homeLine: -3, total: 44, homeMoneyline: null, awayMoneyline: null, eloProbHome: null, ...over,
});

const flat = (over: Partial<StrategyConfig> = {}): StrategyConfig => ({
  market: 'spread', model: { kind: 'spread', sigma: 13.5, homeEdge: 0 }, signalCorrelation: 0,
  staking: { kind: 'fixed_amount', amount: 110 }, side: 'home', minEdge: -1, ...over,
});

const offer = (win: number, lose: number, b: number): SideOffer => ({ side: 'home', odds: -110, b, threshold: 0, win, push: 1 - win - lose, lose, ev: win * b - lose });

describe('staking', () => {
  it('Kelly at -110 for p = 0.55: f = (p·b − q)/b = 0.055, times the multiplier, capped', () => {
    const o = offer(0.55, 0.45, 100 / 110);
    expect(stakeFor({ kind: 'kelly', multiplier: 1, maxFraction: 1 }, o, 1000)).toBeCloseTo(55, 10);
    expect(stakeFor({ kind: 'kelly', multiplier: 0.5, maxFraction: 1 }, o, 1000)).toBeCloseTo(27.5, 10);
    expect(stakeFor({ kind: 'kelly', multiplier: 1, maxFraction: 0.03 }, o, 1000)).toBeCloseTo(30, 10);
    expect(stakeFor({ kind: 'kelly', multiplier: 1, maxFraction: 1 }, offer(0.52, 0.48, 100 / 110), 1000)).toBe(0); // below 52.38 %
    // with pushes: p = 0.5, q = 0.45 → 1/190 (bankroll-math.test.ts)
    expect(stakeFor({ kind: 'kelly', multiplier: 1, maxFraction: 1 }, offer(0.5, 0.45, 100 / 110), 1900)).toBeCloseTo(10, 10);
  });

  it('fixed, fraction and confidence stakes, never above the bankroll', () => {
    const o = offer(0.55, 0.45, 100 / 110); // ev = 0.05
    expect(stakeFor({ kind: 'fixed_amount', amount: 50 }, o, 1000)).toBe(50);
    expect(stakeFor({ kind: 'fixed_amount', amount: 50 }, o, 20)).toBe(20);
    expect(stakeFor({ kind: 'fixed_fraction', fraction: 0.02 }, o, 1000)).toBe(20);
    expect(stakeFor({ kind: 'confidence', amount: 10, edgeUnit: 0.025, maxFraction: 1 }, o, 1000)).toBeCloseTo(20, 10);
    expect(stakeFor({ kind: 'confidence', amount: 10, edgeUnit: 0.025, maxFraction: 0.01 }, o, 1000)).toBeCloseTo(10, 10);
  });
});

describe('risk metrics', () => {
  it('a tiny equity curve by hand: 100 → 110 → 99 → 108.9', () => {
    // returns +10 %, −10 %, +10 %: mean 1/30, sample sd 1/(5√3), downside deviation √(0.01/3)
    const m = riskMetrics([100, 110, 99, 108.9], 3);
    expect(m.periods).toBe(3);
    expect(m.meanReturn!).toBeCloseTo(1 / 30, 14);
    expect(m.sdReturn!).toBeCloseTo(1 / (5 * Math.sqrt(3)), 14);
    expect(m.sharpe!).toBeCloseTo(Math.sqrt(3) / 6, 13);
    expect(m.sharpeAnnual!).toBeCloseTo(0.5, 13);
    expect(m.sortino!).toBeCloseTo(1 / Math.sqrt(3), 13);
    expect(m.sortinoAnnual!).toBeCloseTo(1, 13);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 14);
    expect(m.cagr!).toBeCloseTo(0.089, 13); // three periods = one year
    expect(m.calmar!).toBeCloseTo(0.89, 12);
    // two years of the same curve: CAGR = 1.089^(1/2) − 1
    expect(riskMetrics([100, 110, 99, 108.9], 1.5).cagr!).toBeCloseTo(Math.sqrt(1.089) - 1, 13);
  });

  it('flat or empty curves give nulls, not NaN', () => {
    expect(riskMetrics([100, 100, 100], 17)).toMatchObject({ sharpe: null, sortino: null, maxDrawdown: 0, calmar: null, cagr: 0 });
    expect(riskMetrics([100], 17)).toMatchObject({ periods: 0, sharpe: null, cagr: null });
    expect(downsampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(downsampleIndices(101, 5)).toEqual([0, 25, 50, 75, 100]);
  });
});

describe('models and prices', () => {
  it('de-vig, μ from a win probability, and both sides of a spread', () => {
    expect(devigHome(-145, 124)).toBeCloseTo((145 / 245) / (145 / 245 + 100 / 224), 15);
    for (const p of [0.2, 0.5, 0.77]) expect(winShare(muFromWinProb(p, 13.5), 13.5)).toBeCloseTo(p, 12);
    expect(muFromWinProb(0.5, 13.5)).toBeCloseTo(0, 12);
    const [home, away] = offers(game({ homeLine: -3.5 }), 'spread', 3.5, 13.5, -110)!;
    expect(home.win).toBeCloseTo(0.5, 15);
    expect(away.win).toBeCloseTo(0.5, 15);
    expect(home.ev).toBeCloseTo(0.5 * (10 / 11) - 0.5, 15);
    const [h3] = offers(game({ homeLine: -3 }), 'spread', 4, 13.5, -110)!;
    expect(h3).toMatchObject(coverProbabilities(3, 1, 13.5));
    expect(offers(game({ homeLine: null }), 'spread', 0, 13.5, -110)).toBeNull();
    expect(offers(game({}), 'moneyline', 0, 13.5, -110)).toBeNull();
  });
});

describe('runBacktest', () => {
  const three = [
    game({ week: 1, homeScore: 27, awayScore: 20 }), // home −3 wins by 7: covers
    game({ week: 2, homeScore: 13, awayScore: 10 }), // wins by 3: push
    game({ week: 3, homeScore: 17, awayScore: 24 }), // loses: loss
  ];

  it('three games at -110: +100, 0, −110 on 110 staked each', () => {
    const r = runBacktest(three, flat());
    expect([r.wins, r.pushes, r.losses, r.bets]).toEqual([1, 1, 1, 3]);
    expect(r.profit).toBeCloseTo(-10, 10);
    expect(r.finalBankroll).toBeCloseTo(990, 10);
    expect(r.turnover).toBe(330);
    expect(r.roi!).toBeCloseTo(-10 / 330, 9);
    expect(r.winRate).toBe(0.5);
    expect(r.equityCurve.map((p) => p.bankroll)).toEqual([1000, 1100, 1100, 990]);
    expect(r.betHistory.map((b) => [b.result, b.pnl])).toEqual([['win', 100], ['push', 0], ['loss', -110]]);
    expect(r.metrics.maxDrawdown).toBeCloseTo(0.1, 12);
    // the away side: loss, push, win
    const a = runBacktest(three, flat({ side: 'away' }));
    expect(a.profit).toBeCloseTo(-10, 10);
    expect([a.wins, a.pushes, a.losses]).toEqual([1, 1, 1]);
  });

  it('moneylines pay their own price; a tie pushes', () => {
    const ml = [
      game({ week: 1, homeMoneyline: 150, awayMoneyline: -170 }), // home wins at +150
      game({ week: 2, homeScore: 10, awayScore: 17, homeMoneyline: -200, awayMoneyline: 170 }), // home loses
      game({ week: 3, homeScore: 20, awayScore: 20, homeMoneyline: -120, awayMoneyline: 100 }), // tie
    ];
    const r = runBacktest(ml, flat({ market: 'moneyline', model: { kind: 'moneyline', sigma: 13.5, homeEdge: 0 }, staking: { kind: 'fixed_amount', amount: 100 } }));
    expect(r.profit).toBeCloseTo(150 - 100, 10);
    expect([r.wins, r.pushes, r.losses]).toEqual([1, 1, 1]);
  });

  it('caps a round at maxExposure of the bankroll, and bets are sized from the round start', () => {
    const round = [game({ home: 'NE', away: 'MIA' }), game({ home: 'NYJ', away: 'BUF', homeScore: 0, awayScore: 30 })];
    const r = runBacktest(round, flat({ staking: { kind: 'fixed_fraction', fraction: 0.6 } }));
    expect(r.betHistory.map((b) => b.stake)).toEqual([500, 500]);
    expect(r.finalBankroll).toBeCloseTo(1000 + 500 * (10 / 11) - 500, 5); // outputs keep 6 decimals
    const half = runBacktest(round, flat({ staking: { kind: 'fixed_fraction', fraction: 0.2 } }), { maxExposure: 0.3 });
    expect(half.betHistory.map((b) => b.stake)).toEqual([150, 150]);
  });

  it('no edge, no bets: the market model never beats -110', () => {
    const r = runBacktest(three, flat({ side: 'best', minEdge: 0, staking: { kind: 'kelly', multiplier: 1, maxFraction: 1 } }));
    expect(r.bets).toBe(0);
    expect(r.passed).toBe(3);
    expect(r.finalBankroll).toBe(1000);
  });

  it('the seed matters only with a look-ahead signal; compare equals run with the same seed', () => {
    const games = Array.from({ length: 40 }, (_, i) => game({ week: 1 + (i % 17), date: `2020-09-${String(10 + (i % 17)).padStart(2, '0')}`, home: `H${i}`, homeScore: (i * 7) % 31, awayScore: (i * 11) % 29, homeLine: -((i % 7) + 0.5) }));
    const skilled = flat({ side: 'best', minEdge: 0, signalCorrelation: 0.5, staking: { kind: 'kelly', multiplier: 0.5, maxFraction: 0.2 } });
    expect(runBacktest(games, flat(), {}, 1)).toEqual(runBacktest(games, flat(), {}, 2));
    const a = runBacktest(games, skilled, {}, 1);
    expect(runBacktest(games, skilled, {}, 1)).toEqual(a);
    expect(runBacktest(games, skilled, {}, 2).finalBankroll).not.toBe(a.finalBankroll);
    expect(a.lookAhead).toBe(true);
    const both = compareBacktests(games, [flat(), skilled], {}, 1);
    expect(both[1]).toEqual(a);
    expect(both[0]).toEqual(runBacktest(games, flat(), {}, 1));
  });
});

describe('buildBacktestGames on the real data', () => {
  const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games', 'oddsportal.nfl', 'elo538.games']);
  const ss = data.dataset<GameRow[]>('spreadspoke.games').filter((g) => g.season === 2016);
  const { games, stats } = buildBacktestGames(ss, { odds: data.dataset<OddsGameRow[]>('oddsportal.nfl'), elo: data.dataset<EloGameRow[]>('elo538.games') });

  it('joins moneylines and Elo to Super Bowl LI and most games', () => {
    expect(games.find((g) => g.date === '2017-02-05')).toMatchObject({ home: 'ATL', away: 'NE', homeLine: 3, homeMoneyline: 124, awayMoneyline: -145 });
    expect(games.find((g) => g.date === '2017-02-05')!.eloProbHome).toBeGreaterThan(0.3);
    expect(stats.games).toBe(267);
    expect(stats.withMoneyline / stats.games).toBeGreaterThan(0.97);
    expect(stats.withElo).toBe(267);
  });
});

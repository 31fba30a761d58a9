import { describe, expect, it } from 'vitest';
import { chooseSide, runModelBacktest, type ModelBacktestOptions } from './model-backtest';

const games = [
  { gameId: 'A', season: 2023, date: '2024-01-01', p: 0.6, market: 0.5, homeOdds: 2.0, awayOdds: 1.8, homeResult: 1 },
  { gameId: 'B', season: 2023, date: '2024-01-01', p: 0.3, market: 0.5, homeOdds: 2.2, awayOdds: 1.7, homeResult: 0 },
  { gameId: 'C', season: 2023, date: '2024-01-02', p: 0.55, market: 0.5, homeOdds: 1.9, awayOdds: 1.9, homeResult: 0 },
];
const opts: ModelBacktestOptions = {
  market: 'moneyline', strategy: 'fixed_amount', initialBankroll: 1000, amount: 10, fraction: 0.02, kellyMultiplier: 1, maxFraction: 1,
  minConfidence: 0.5, minEdge: 0, maxBetHistory: 100, maxEquityPoints: 100,
};

describe('runModelBacktest', () => {
  it('bets the side with the larger expected profit at flat stakes (hand-worked)', () => {
    // A: home, edge 0.6·2 − 1 = 0.2, won +10; B: away, edge 0.7·1.7 − 1 = 0.19, won +7; C: home, edge 0.045, lost −10.
    const r = runModelBacktest(games, opts);
    expect(r.betHistory.map((b) => [b.gameId, b.side])).toEqual([['A', 'home'], ['B', 'away'], ['C', 'home']]);
    expect(r).toMatchObject({ bets: 3, won: 2, lost: 1, pushed: 0, staked: 30 });
    expect(r.profit).toBeCloseTo(7, 10);
    expect(r.roi).toBeCloseTo(7 / 30, 10);
    expect(r.equity.map((e) => e.bankroll)).toEqual([1000, 1017, 1007]);
    expect(r.risk.maxDrawdown).toBeCloseTo(10 / 1017, 10);
  });

  it('skips picks under the minimum confidence', () => {
    const r = runModelBacktest(games, { ...opts, minConfidence: 0.6 });
    expect(r.betHistory.map((b) => b.gameId)).toEqual(['A', 'B']);
    expect(r.finalBankroll).toBeCloseTo(1017, 10);
  });

  it('sizes Kelly stakes from the start-of-day bankroll', () => {
    // A: f = (0.6·1 − 0.4)/1 = 0.2 → 200, +200; B: f = (0.7·0.7 − 0.3)/0.7 → 271.43, +190; day 2: C: f = 0.05 of 1390, lost.
    const r = runModelBacktest(games, { ...opts, strategy: 'kelly_criterion' });
    expect(r.betHistory[0]!.stake).toBeCloseTo(200, 8);
    expect(r.betHistory[1]!.stake).toBeCloseTo(1000 * (0.19 / 0.7), 8);
    expect(r.equity[1]!.bankroll).toBeCloseTo(1390, 8);
    expect(r.finalBankroll).toBeCloseTo(1390 * 0.95, 8);
  });

  it('turns a win probability into a cover probability against the spread', () => {
    const g = { gameId: 'S', season: 2023, date: '2024-01-01', p: 0.6, market: 0.6, homeOdds: 1 + 100 / 110, awayOdds: 1 + 100 / 110, homeResult: 1 };
    // agreeing with the close is a coin flip at −110: no bet
    expect(chooseSide(g, { market: 'spread', minConfidence: 0, minEdge: 0 })).toBeNull();
    const pick = chooseSide({ ...g, market: 0.5 }, { market: 'spread', minConfidence: 0, minEdge: 0 });
    expect(pick?.side).toBe('home');
    expect(pick?.q).toBeCloseTo(0.6, 9);
  });
});

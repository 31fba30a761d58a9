import type { PooledBankroll } from './bankroll-merge';
import type { Interval } from './intervals';

/*
 * The merged mc.bankroll figures: which statistic sits where in a resample's row of values, and
 * how the rows' intervals are laid out for the API.
 */

/** Statistic j of a resample, in the layout of estimates and replicates. */
export const STAT = {
  finalMean: 0, finalQ0: 1, pProfit: 8, var95: 9, cvar95: 10, meanMaxDrawdown: 11, maxDrawdownP95: 12,
  sharpePerBet: 13, pRuin: 14, meanBetsPlaced: 15,
} as const;
export const BANKROLL_WIDTH = 16;

export interface BankrollFigures {
  kind: 'mc.bankroll';
  scenarios: number;
  startBankroll: number;
  finalBankroll: { mean: Interval; p01: Interval; p05: Interval; p25: Interval; p50: Interval; p75: Interval; p95: Interval; p99: Interval };
  /** Share of scenarios that end above the start. */
  pProfit: Interval;
  /** Of the P&L (final − start), as positive losses, over the worst ceil(n/20) scenarios. */
  var95: Interval;
  cvar95: Interval;
  maxDrawdown: { mean: Interval; p95: Interval };
  /** Mean / sd of per-bet returns over every bet of every scenario. */
  sharpePerBet: Interval;
  pRuin: Interval;
  meanBetsPlaced: Interval;
}

export function bankrollFigures(p: PooledBankroll, interval: (j: number) => Interval): BankrollFigures {
  const q = (k: number) => interval(STAT.finalQ0 + k);
  return {
    kind: 'mc.bankroll',
    scenarios: p.n,
    startBankroll: p.startBankroll,
    finalBankroll: { mean: interval(STAT.finalMean), p01: q(0), p05: q(1), p25: q(2), p50: q(3), p75: q(4), p95: q(5), p99: q(6) },
    pProfit: interval(STAT.pProfit),
    var95: interval(STAT.var95),
    cvar95: interval(STAT.cvar95),
    maxDrawdown: { mean: interval(STAT.meanMaxDrawdown), p95: interval(STAT.maxDrawdownP95) },
    sharpePerBet: interval(STAT.sharpePerBet),
    pRuin: interval(STAT.pRuin),
    meanBetsPlaced: interval(STAT.meanBetsPlaced),
  };
}

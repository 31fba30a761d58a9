import { z } from 'zod';
import { advanceEngine, finishStrategy, initEngine, type BacktestOptions, type BacktestResult, type EngineState } from './engine';
import { backtestCost, BacktestCommonFields, backtestDatasets, seasonSlice, selectedGames, StrategySchema, type SelectedGames } from './params';
import { nearlyEqual } from '../../math/nearly-equal';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * backtest.run@1: one betting strategy over historical NFL games (engine.ts), stepping
 * `seasonsPerStep` seasons at a time. The output has the P/L, ROI, win/push/loss counts, Sharpe,
 * Sortino, Calmar, max drawdown, a downsampled equity curve, per-season results and the first
 * `maxBetHistory` bets (flagged when cut). Deterministic; the seed only drives the look-ahead
 * signal of strategies with signalCorrelation > 0. For small runs the API can call runBacktest.
 */

export const BacktestRunParams = z.strictObject({
  ...BacktestCommonFields,
  strategy: StrategySchema.default(StrategySchema.parse({})),
  maxBetHistory: z.number().int().min(0).max(5000).default(100),
  maxEquityPoints: z.number().int().min(2).max(2000).default(100),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] });
export type BacktestRunParams = z.output<typeof BacktestRunParams>;

interface State {
  params: BacktestRunParams;
  step: number;
  engine: EngineState;
}

export interface BacktestRunOutput extends BacktestResult {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
  games: number;
  gamesWithMoneyline: number;
  gamesWithElo: number;
}

export const optionsOf = (p: { spreadOdds: number; startBankroll: number; maxExposure: number }, maxBetHistory: number, maxEquityPoints: number): BacktestOptions => ({
  spreadOdds: p.spreadOdds, startBankroll: p.startBankroll, maxExposure: p.maxExposure, maxBetHistory, maxEquityPoints,
});

const games = (p: BacktestRunParams, data: KernelData): SelectedGames => selectedGames(data, p, [p.strategy]);

export const backtestRun: Kernel<BacktestRunParams, State, BacktestRunOutput> = {
  name: 'backtest.run',
  version: 1,
  title: 'Backtest of a betting strategy over historical NFL games',
  paramsSchema: BacktestRunParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: (p) => backtestDatasets([p.strategy]),
  costEstimate: (p) => backtestCost(p, [p.strategy]),
  totalSteps: (p) => Math.ceil((p.seasonTo - p.seasonFrom + 1) / p.seasonsPerStep),
  init(p, seed, data) {
    games(p, data);
    return { params: p, step: 0, engine: initEngine(1, optionsOf(p, p.maxBetHistory, p.maxEquityPoints), seed) };
  },
  step(s, data) {
    const p = s.params;
    const from = p.seasonFrom + s.step * p.seasonsPerStep;
    const to = Math.min(p.seasonTo, from + p.seasonsPerStep - 1);
    advanceEngine(s.engine, [p.strategy], optionsOf(p, p.maxBetHistory, p.maxEquityPoints), seasonSlice(games(p, data).games, from, to));
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('backtest.run', p, snap, (s) => !s.engine),
  finish(s, data) {
    const p = s.params;
    const g = games(p, data);
    return {
      seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, includePlayoffs: p.includePlayoffs,
      games: g.stats.games, gamesWithMoneyline: g.stats.withMoneyline, gamesWithElo: g.stats.withElo,
      ...finishStrategy(s.engine, 0, p.strategy, optionsOf(p, p.maxBetHistory, p.maxEquityPoints)),
    };
  },
  /** Relative 1e-9: sums in a fixed order; the tolerance only absorbs libm differences. */
  compare: (a, b) => a.bets === b.bets && a.wins === b.wins && a.pushes === b.pushes && nearlyEqual(a, b, 1e-9),
};

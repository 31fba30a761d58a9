import { z } from 'zod';
import { advanceEngine, finishStrategy, initEngine, type BacktestResult, type EngineState } from './engine';
import { backtestCost, BacktestCommonFields, backtestDatasets, seasonSlice, selectedGames, StrategySchema, type SelectedGames } from './params';
import { optionsOf } from './run';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';

/*
 * backtest.compare@1: several strategies walked through the same games side by side, sharing
 * the per-game signal draws, so differences come from the strategies and not from luck. Each
 * strategy's result equals backtest.run@1's with the same seed (without the bet history), and a
 * ranking by final bankroll, ROI and annualised Sharpe is added.
 */

export const BacktestCompareParams = z.strictObject({
  ...BacktestCommonFields,
  strategies: z.array(StrategySchema).min(1).max(20),
  maxEquityPoints: z.number().int().min(2).max(500).default(50),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] });
export type BacktestCompareParams = z.output<typeof BacktestCompareParams>;

interface State {
  params: BacktestCompareParams;
  step: number;
  engine: EngineState;
}

export type CompareEntry = Omit<BacktestResult, 'betHistory' | 'betHistoryTruncated'>;

export interface BacktestCompareOutput {
  seasonFrom: number;
  seasonTo: number;
  includePlayoffs: boolean;
  games: number;
  results: CompareEntry[];
  /** Strategy indices, best first. */
  ranking: { byFinalBankroll: number[]; byRoi: number[]; bySharpe: number[] };
}

const games = (p: BacktestCompareParams, data: KernelData): SelectedGames => selectedGames(data, p, p.strategies);
const opts = (p: BacktestCompareParams) => optionsOf(p, 0, p.maxEquityPoints);

function rank(results: CompareEntry[], key: (r: CompareEntry) => number | null): number[] {
  return results.map((r, i) => ({ i, v: key(r) ?? -Infinity })).sort((a, b) => b.v - a.v || a.i - b.i).map((x) => x.i);
}

export const backtestCompare: Kernel<BacktestCompareParams, State, BacktestCompareOutput> = {
  name: 'backtest.compare',
  version: 1,
  title: 'Betting strategies compared on the same historical NFL games',
  paramsSchema: BacktestCompareParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: (p) => backtestDatasets(p.strategies),
  costEstimate: (p) => backtestCost(p, p.strategies),
  totalSteps: (p) => Math.ceil((p.seasonTo - p.seasonFrom + 1) / p.seasonsPerStep),
  init(p, seed, data) {
    games(p, data);
    return { params: p, step: 0, engine: initEngine(p.strategies.length, opts(p), seed) };
  },
  step(s, data) {
    const p = s.params;
    const from = p.seasonFrom + s.step * p.seasonsPerStep;
    const to = Math.min(p.seasonTo, from + p.seasonsPerStep - 1);
    advanceEngine(s.engine, p.strategies, opts(p), seasonSlice(games(p, data).games, from, to));
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('backtest.compare', p, snap, (s) => !s.engine),
  finish(s, data) {
    const p = s.params;
    const results: CompareEntry[] = p.strategies.map((cfg, k) => {
      const { betHistory: _h, betHistoryTruncated: _t, ...rest } = finishStrategy(s.engine, k, cfg, opts(p));
      return rest;
    });
    return {
      seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, includePlayoffs: p.includePlayoffs, games: games(p, data).stats.games,
      results,
      ranking: {
        byFinalBankroll: rank(results, (r) => r.finalBankroll),
        byRoi: rank(results, (r) => (r.roi === null ? null : round(r.roi, 9))),
        bySharpe: rank(results, (r) => r.metrics.sharpeAnnual),
      },
    };
  },
  /** Relative 1e-9, and identical bet counts per strategy. */
  compare: (a, b) => a.results.length === b.results.length && a.results.every((r, i) => r.bets === b.results[i].bets) && nearlyEqual(a, b, 1e-9),
};

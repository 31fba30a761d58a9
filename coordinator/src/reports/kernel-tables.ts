import type { Block } from './document';

/* Kernel-specific results tables of a batch report (kernels not listed get only the common table). */

export interface TableResult { seq: number; params: any; output: any }

export const fmt = (x: unknown, digits = 4): string | null => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : null);

type Table = Extract<Block, { kind: 'table' }>;

const TABLES: Partial<Record<string, (rs: TableResult[]) => Table>> = {
  'calibration.fit@1': (rs) => ({
    kind: 'table', caption: 'Calibration: cross-validated log loss and ECE (10 bins), raw forecasts and calibrated',
    headers: ['seq', 'source', 'games', 'raw LL', 'Platt LL', 'isotonic LL', 'raw ECE', 'Platt ECE', 'isotonic ECE'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.source ?? null, o?.n ?? null, fmt(o?.raw?.logLoss), fmt(o?.platt?.mean?.logLoss), fmt(o?.isotonic?.mean?.logLoss), fmt(o?.raw?.ece10), fmt(o?.platt?.mean?.ece10), fmt(o?.isotonic?.mean?.ece10)]),
  }),
  'backtest.run@1': (rs) => ({
    kind: 'table', caption: 'Backtests: bets, win rate, ROI per unit staked, profit, Sharpe and maximum drawdown',
    headers: ['seq', 'bets', 'win rate', 'ROI', 'profit', 'Sharpe', 'max DD'], align: ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.bets ?? null, fmt(o?.winRate, 3), fmt(o?.roi), fmt(o?.profit, 2), fmt(o?.metrics?.sharpe, 3), fmt(o?.metrics?.maxDrawdown, 3)]),
  }),
  'ratings.state_space@1': (rs) => ({
    kind: 'table', caption: 'State-space ratings: scored games, configurations, held-out (LOYO) log loss and Brier, closing line for reference',
    headers: ['seq', 'games', 'configs', 'LOYO LL', 'LOYO Brier', 'line LL'], align: ['r', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.games ?? null, o?.configs?.length ?? null, fmt(o?.loyo?.pooled?.logLoss), fmt(o?.loyo?.pooled?.brier), fmt(o?.spread?.pooled?.logLoss)]),
  }),
  'mc.bankroll@1': (rs) => ({
    kind: 'table', caption: 'Bankroll simulations: median final bankroll, chance of profit and of ruin',
    headers: ['seq', 'strategy', 'fraction', 'skill', 'median', 'P(profit)', 'P(ruin)'], align: ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows: rs.map(({ seq, output: o }) => [seq, o?.strategy ?? null, fmt(o?.fraction, 3), fmt(o?.skill, 2), fmt(o?.final?.p50, 1), fmt(o?.pProfit, 3), fmt(o?.pRuin, 3)]),
  }),
};

export function kernelTable(kernel: string, results: TableResult[]): Table | null {
  const t = TABLES[kernel];
  return t && results.length ? t(results) : null;
}

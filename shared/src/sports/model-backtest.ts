import { downsampleIndices, riskMetrics, type RiskMetrics } from '../kernels/backtest/metrics';
import { kellyFraction } from '../kernels/mc/bankroll-math';
import { normalCdf, normalQuantile } from '../math/normal';
import { betProfit } from './roi-vs-close';

/*
 * A backtest of a registry model: its walk-forward predictions walked in date order, betting at
 * the closing prices. Per game the side is the one with the larger expected profit per unit,
 * q·odds − 1, where q is the model's probability that the side's bet wins:
 *   moneyline (NBA)  q_home = p
 *   spread (NFL)     q_home = Φ(Φ⁻¹(p) − Φ⁻¹(m)): the model's and the close's mean margins on one
 *                    normal scale, the close's spread being where it puts a cover at ½ (pushes and
 *                    rounding ignored)
 * A bet is placed when that expected profit is above `minEdge` and q ≥ `minConfidence`. Stakes
 * are sized from the bankroll at the start of the day; a day's stakes above the bankroll are
 * scaled down together. Strategies (seed 001's names):
 *   fixed_amount      `amount` a bet
 *   percentage        `fraction` × bankroll
 *   kelly_criterion   `kellyMultiplier` × the Kelly fraction (q·b − (1 − q)) / b, at most `maxFraction`
 *   confidence_based  `amount` × expected profit / 0.05, at most `maxFraction` × bankroll
 * Risk metrics are per day (kernels/backtest/metrics.ts), annualised by betting days per season.
 */

export type BettingStrategy = 'fixed_amount' | 'percentage' | 'kelly_criterion' | 'confidence_based';

export interface BacktestPrediction {
  gameId: string;
  season: number;
  date: string;
  p: number;
  market: number | null;
  homeOdds: number | null;
  awayOdds: number | null;
  homeResult: number | null;
}

export interface ModelBacktestOptions {
  market: 'moneyline' | 'spread';
  strategy: BettingStrategy;
  initialBankroll: number;
  amount: number;
  fraction: number;
  kellyMultiplier: number;
  maxFraction: number;
  minConfidence: number;
  minEdge: number;
  maxBetHistory: number;
  maxEquityPoints: number;
}

export interface ModelBet { date: string; gameId: string; side: 'home' | 'away'; odds: number; q: number; edge: number; stake: number; result: number; profit: number }

export interface ModelBacktestResult {
  games: number;
  bets: number;
  won: number;
  lost: number;
  pushed: number;
  staked: number;
  profit: number;
  roi: number | null;
  initialBankroll: number;
  finalBankroll: number;
  risk: RiskMetrics;
  equity: { date: string; bankroll: number }[];
  betHistory: ModelBet[];
}

/** The side worth betting on, if any, with the model's probability that it wins. */
export function chooseSide(g: BacktestPrediction, o: Pick<ModelBacktestOptions, 'market' | 'minConfidence' | 'minEdge'>) {
  if (g.homeOdds === null || g.awayOdds === null || g.homeResult === null) return null;
  let qHome = g.p;
  if (o.market === 'spread') {
    if (g.market === null || !(g.market > 0 && g.market < 1) || !(g.p > 0 && g.p < 1)) return null;
    qHome = normalCdf(normalQuantile(g.p) - normalQuantile(g.market));
  }
  const home = { side: 'home' as const, q: qHome, odds: g.homeOdds, edge: qHome * g.homeOdds - 1 };
  const away = { side: 'away' as const, q: 1 - qHome, odds: g.awayOdds, edge: (1 - qHome) * g.awayOdds - 1 };
  const best = home.edge >= away.edge ? home : away;
  return best.edge > o.minEdge && best.q >= o.minConfidence ? best : null;
}

function stake(o: ModelBacktestOptions, pick: { q: number; odds: number; edge: number }, bankroll: number): number {
  switch (o.strategy) {
    case 'fixed_amount': return o.amount;
    case 'percentage': return o.fraction * bankroll;
    case 'kelly_criterion': return Math.min(o.kellyMultiplier * kellyFraction(pick.q, 1 - pick.q, pick.odds - 1), o.maxFraction) * bankroll;
    case 'confidence_based': return Math.min(o.amount * (pick.edge / 0.05), o.maxFraction * bankroll);
  }
}

export function runModelBacktest(preds: readonly BacktestPrediction[], o: ModelBacktestOptions): ModelBacktestResult {
  const days = new Map<string, BacktestPrediction[]>();
  for (const g of [...preds].sort((a, b) => a.date.localeCompare(b.date) || a.gameId.localeCompare(b.gameId))) days.set(g.date, [...(days.get(g.date) ?? []), g]);
  let bankroll = o.initialBankroll, staked = 0, won = 0, lost = 0, pushed = 0;
  const equity = [{ date: '', bankroll }], bets: ModelBet[] = [];
  for (const [date, games] of days) {
    const picks = games.map((g) => ({ g, pick: chooseSide(g, o) })).filter((x) => x.pick !== null)
      .map(({ g, pick }) => ({ g, pick: pick!, stake: Math.max(0, stake(o, pick!, bankroll)) }));
    const total = picks.reduce((a, x) => a + x.stake, 0), scale = total > bankroll ? bankroll / total : 1;
    let dayProfit = 0;
    for (const { g, pick, stake: s0 } of picks) {
      const s = s0 * scale;
      if (s <= 0) continue;
      const result = pick.side === 'home' ? g.homeResult! : 1 - g.homeResult!, profit = s * betProfit(pick.odds, result);
      if (result === 1) won++; else if (result === 0.5) pushed++; else lost++;
      staked += s;
      dayProfit += profit;
      bets.push({ date, gameId: g.gameId, side: pick.side, odds: pick.odds, q: pick.q, edge: pick.edge, stake: s, result, profit });
    }
    bankroll += dayProfit;
    if (picks.length) equity.push({ date, bankroll });
  }
  const seasons = new Set(preds.map((g) => g.season)).size || 1;
  const profit = bankroll - o.initialBankroll;
  return {
    games: preds.length, bets: bets.length, won, lost, pushed, staked, profit, roi: staked > 0 ? profit / staked : null,
    initialBankroll: o.initialBankroll, finalBankroll: bankroll,
    risk: riskMetrics(equity.map((e) => e.bankroll), (equity.length - 1) / seasons),
    equity: downsampleIndices(equity.length, o.maxEquityPoints).map((i) => equity[i]!),
    betHistory: bets.slice(-o.maxBetHistory),
  };
}

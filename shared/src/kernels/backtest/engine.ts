import type { BacktestGame } from './games';
import { riskMetrics, downsampleIndices, type RiskMetrics } from './metrics';
import { modelMean, offers, settle, type Market, type ModelSpec, type SideOffer } from './model';
import { stakeFor, type StakingSpec } from './staking';
import { Rng, type RngState } from '../../math/rng';
import { round } from '../../math/round';

/*
 * The backtest itself, as a plain library: betting strategies walked through historical games in
 * order, one round (season, week) at a time. Every bet of a round is sized from the bankroll at
 * the start of the round; if a round's stakes exceed `maxExposure` × that bankroll they are
 * scaled down together, so the bankroll never goes negative. Equity is recorded after each round,
 * and the risk metrics (metrics.ts) are per round, annualised by rounds per season.
 *
 * The state is plain JSON (the kernels checkpoint it); several strategies can walk the same games
 * side by side, sharing the per-game signal draws (model.ts) so that they are compared on
 * the same luck. runBacktest / compareBacktests run everything at once for the API.
 */

export type SideRule = 'best' | 'home' | 'away' | 'favorite' | 'underdog';

export interface StrategyConfig {
  name?: string;
  market: Market;
  model: ModelSpec;
  /** Look-ahead skill: correlation of a private signal with the residual (0 = none). */
  signalCorrelation: number;
  staking: StakingSpec;
  /** Which side to consider: the one with the larger expected profit, or a fixed rule. */
  side: SideRule;
  /** Bet only when the expected profit per unit staked exceeds this. */
  minEdge: number;
}

export interface BacktestOptions {
  /** American odds of spread bets. */
  spreadOdds: number;
  startBankroll: number;
  /** Largest share of the bankroll staked in one round, in (0, 1]. */
  maxExposure: number;
  maxBetHistory: number;
  maxEquityPoints: number;
}

const DEFAULT_OPTIONS: BacktestOptions = { spreadOdds: -110, startBankroll: 1000, maxExposure: 1, maxBetHistory: 100, maxEquityPoints: 100 };

export interface BetRecord {
  season: number;
  week: number;
  date: string;
  home: string;
  away: string;
  side: 'home' | 'away';
  /** Points the side had to win by (spread: −its line), or 0 (moneyline). */
  threshold: number;
  odds: number;
  pWin: number;
  pPush: number;
  edge: number;
  stake: number;
  result: 'win' | 'push' | 'loss';
  pnl: number;
  bankrollAfter: number;
}

export interface SeasonSummary {
  season: number;
  bets: number;
  staked: number;
  profit: number;
  endBankroll: number;
}

export interface StrategyState {
  bankroll: number;
  turnover: number;
  bets: number;
  wins: number;
  pushes: number;
  losses: number;
  /** Games without a price in this market or without the model's input. */
  noPrice: number;
  /** Priced games not bet (edge at or below minEdge, zero stake, or no favourite). */
  passed: number;
  /** Bankroll after each round; equity[0] is the start. */
  equity: number[];
  history: BetRecord[];
  historyTruncated: boolean;
  seasons: SeasonSummary[];
}

export interface EngineState {
  rng: RngState;
  /** season·100 + week of each round so far (labels of equity[1..]). */
  rounds: number[];
  strategies: StrategyState[];
}

export function initEngine(n: number, opts: BacktestOptions, seed: number): EngineState {
  const strategies = Array.from({ length: n }, (): StrategyState => ({
    bankroll: opts.startBankroll, turnover: 0, bets: 0, wins: 0, pushes: 0, losses: 0, noPrice: 0, passed: 0,
    equity: [opts.startBankroll], history: [], historyTruncated: false, seasons: [],
  }));
  return { rng: Rng.create(seed >>> 0, 0xb7e5).exportState(), rounds: [], strategies };
}

function choose(g: BacktestGame, rule: SideRule, o: [SideOffer, SideOffer], market: Market): SideOffer | null {
  const [home, away] = o;
  switch (rule) {
    case 'best': return away.ev > home.ev ? away : home;
    case 'home': return home;
    case 'away': return away;
    case 'favorite':
    case 'underdog': {
      // spread: the side giving points; moneyline: the shorter price
      const homeFav = market === 'spread' ? (g.homeLine ?? 0) < 0 : home.odds < away.odds;
      const awayFav = market === 'spread' ? (g.homeLine ?? 0) > 0 : away.odds < home.odds;
      if (!homeFav && !awayFav) return null;
      return (rule === 'favorite') === homeFav ? home : away;
    }
  }
}

interface Pending { g: BacktestGame; o: SideOffer; stake: number }

function playRound(st: StrategyState, cfg: StrategyConfig, opts: BacktestOptions, games: readonly BacktestGame[], z: Float64Array): void {
  const b0 = st.bankroll;
  const rho = cfg.signalCorrelation;
  const pending: Pending[] = [];
  games.forEach((g, i) => {
    let mu = modelMean(g, cfg.model);
    let sigma = cfg.model.sigma;
    const o0 = mu === null ? null : offers(g, cfg.market, mu, sigma, opts.spreadOdds);
    if (mu === null || o0 === null) { st.noPrice++; return; }
    if (rho > 0) {
      const residual = g.homeScore - g.awayScore - mu;
      const signal = residual + sigma * Math.sqrt(1 / (rho * rho) - 1) * z[i];
      mu += rho * rho * signal;
      sigma *= Math.sqrt(1 - rho * rho);
    }
    const o = rho > 0 ? offers(g, cfg.market, mu, sigma, opts.spreadOdds)! : o0;
    const pick = choose(g, cfg.side, o, cfg.market);
    const stake = pick && pick.ev > cfg.minEdge ? stakeFor(cfg.staking, pick, b0) : 0;
    if (!pick || !(stake > 0)) { st.passed++; return; }
    pending.push({ g, o: pick, stake });
  });
  const total = pending.reduce((a, p) => a + p.stake, 0);
  const cap = opts.maxExposure * b0;
  const scale = total > cap ? cap / total : 1;
  let pnlRound = 0, stakedRound = 0;
  const firstNew = st.history.length;
  for (const p of pending) {
    const stake = p.stake * scale;
    const result = settle(p.g, p.o.side, p.o.threshold);
    const pnl = result === 'win' ? stake * p.o.b : result === 'push' ? 0 : -stake;
    pnlRound += pnl;
    stakedRound += stake;
    st.bets++;
    if (result === 'win') st.wins++; else if (result === 'push') st.pushes++; else st.losses++;
    if (st.history.length < opts.maxBetHistory) {
      st.history.push({
        season: p.g.season, week: p.g.week, date: p.g.date, home: p.g.home, away: p.g.away, side: p.o.side,
        threshold: p.o.threshold, odds: p.o.odds, pWin: round(p.o.win, 6), pPush: round(p.o.push, 6), edge: round(p.o.ev, 6),
        stake: round(stake, 6), result, pnl: round(pnl, 6), bankrollAfter: 0, // set below, once the round is settled
      });
    } else st.historyTruncated = true;
  }
  st.bankroll = b0 + pnlRound;
  st.turnover += stakedRound;
  for (let i = firstNew; i < st.history.length; i++) st.history[i].bankrollAfter = round(st.bankroll, 6);
  st.equity.push(st.bankroll);
  const season = games[0].season;
  let s = st.seasons[st.seasons.length - 1];
  if (!s || s.season !== season) st.seasons.push((s = { season, bets: 0, staked: 0, profit: 0, endBankroll: b0 }));
  s.bets += pending.length;
  s.staked += stakedRound;
  s.profit += pnlRound;
  s.endBankroll = st.bankroll;
}

/** Walks the next games (whole rounds, in order) for every strategy. */
export function advanceEngine(state: EngineState, configs: readonly StrategyConfig[], opts: BacktestOptions, games: readonly BacktestGame[]): void {
  const rng = Rng.fromState(state.rng);
  for (let s = 0; s < games.length;) {
    let e = s + 1;
    while (e < games.length && games[e].season === games[s].season && games[e].week === games[s].week) e++;
    const round_ = games.slice(s, e);
    const z = Float64Array.from(round_, () => rng.normal());
    state.rounds.push(games[s].season * 100 + games[s].week);
    configs.forEach((cfg, k) => playRound(state.strategies[k], cfg, opts, round_, z));
    s = e;
  }
  state.rng = rng.exportState();
}

export interface BacktestResult {
  name: string | null;
  market: Market;
  model: ModelSpec;
  staking: StakingSpec;
  side: SideRule;
  minEdge: number;
  signalCorrelation: number;
  /** True when the strategy peeks at outcomes through signalCorrelation > 0 (a skill simulation). */
  lookAhead: boolean;
  startBankroll: number;
  finalBankroll: number;
  profit: number;
  turnover: number;
  /** Profit per unit staked; null without bets. */
  roi: number | null;
  /** Profit / starting bankroll. */
  returnOnBankroll: number;
  bets: number;
  wins: number;
  pushes: number;
  losses: number;
  /** wins / (wins + losses). */
  winRate: number | null;
  noPrice: number;
  passed: number;
  rounds: number;
  periodsPerYear: number;
  metrics: RiskMetrics;
  equityCurve: Array<{ season: number; week: number; bankroll: number }>;
  seasons: SeasonSummary[];
  betHistory: BetRecord[];
  betHistoryTruncated: boolean;
}

const r9 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : round(x, 9));

export function finishStrategy(state: EngineState, k: number, cfg: StrategyConfig, opts: BacktestOptions): BacktestResult {
  const st = state.strategies[k];
  const seasons = new Set(state.rounds.map((r) => Math.floor(r / 100))).size;
  const ppy = seasons > 0 ? state.rounds.length / seasons : 1;
  const m = riskMetrics(st.equity, ppy);
  const idx = downsampleIndices(st.equity.length, opts.maxEquityPoints);
  const profit = st.bankroll - opts.startBankroll;
  return {
    name: cfg.name ?? null, market: cfg.market, model: cfg.model, staking: cfg.staking, side: cfg.side, minEdge: cfg.minEdge,
    signalCorrelation: cfg.signalCorrelation, lookAhead: cfg.signalCorrelation > 0,
    startBankroll: opts.startBankroll, finalBankroll: round(st.bankroll, 6), profit: round(profit, 6), turnover: round(st.turnover, 6),
    roi: st.turnover > 0 ? r9(profit / st.turnover) : null, returnOnBankroll: round(profit / opts.startBankroll, 9),
    bets: st.bets, wins: st.wins, pushes: st.pushes, losses: st.losses,
    winRate: st.wins + st.losses > 0 ? r9(st.wins / (st.wins + st.losses)) : null,
    noPrice: st.noPrice, passed: st.passed, rounds: state.rounds.length, periodsPerYear: round(ppy, 9),
    metrics: {
      periods: m.periods, meanReturn: r9(m.meanReturn), sdReturn: r9(m.sdReturn), sharpe: r9(m.sharpe), sortino: r9(m.sortino),
      sharpeAnnual: r9(m.sharpeAnnual), sortinoAnnual: r9(m.sortinoAnnual), maxDrawdown: round(m.maxDrawdown, 9), cagr: r9(m.cagr), calmar: r9(m.calmar),
    },
    equityCurve: idx.map((i) => {
      const key = i === 0 ? null : state.rounds[i - 1];
      // point 0 is the start: labelled with the first round, week 0
      return key === null
        ? { season: state.rounds.length ? Math.floor(state.rounds[0] / 100) : 0, week: 0, bankroll: round(st.equity[0], 6) }
        : { season: Math.floor(key / 100), week: key % 100, bankroll: round(st.equity[i], 6) };
    }),
    seasons: st.seasons.map((s) => ({ ...s, staked: round(s.staked, 6), profit: round(s.profit, 6), endBankroll: round(s.endBankroll, 6) })),
    betHistory: st.history,
    betHistoryTruncated: st.historyTruncated,
  };
}

/** Games in backtest order: season, week, date, home. */
function sortGames(games: readonly BacktestGame[]): BacktestGame[] {
  return [...games].sort((a, b) => a.season - b.season || a.week - b.week || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || (a.home < b.home ? -1 : a.home > b.home ? 1 : 0));
}

/** Several strategies over the same games, in one call (no grid needed for small runs). */
export function compareBacktests(games: readonly BacktestGame[], strategies: readonly StrategyConfig[], options: Partial<BacktestOptions> = {}, seed = 0): BacktestResult[] {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const state = initEngine(strategies.length, opts, seed);
  advanceEngine(state, strategies, opts, sortGames(games));
  return strategies.map((cfg, k) => finishStrategy(state, k, cfg, opts));
}

/** One strategy over the games. `seed` only matters with signalCorrelation > 0. */
export function runBacktest(games: readonly BacktestGame[], strategy: StrategyConfig, options: Partial<BacktestOptions> = {}, seed = 0): BacktestResult {
  return compareBacktests(games, [strategy], options, seed)[0];
}

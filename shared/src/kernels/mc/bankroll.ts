import { z } from 'zod';
import type { GameRow } from '../../data/spreadspoke';
import { breakEvenWinRate } from './bankroll-math';
import { buildPool, type BankrollPool } from './bankroll-pool';
import { approxRegularSeasonGames } from './season';
import { derived } from '../derived-cache';
import { Rng, type RngState } from '../../math/rng';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';
import { nearlyEqual } from '../../math/nearly-equal';
import { round, roundSignificant } from '../../math/round';
import { sortedQuantile } from '../../stats/histogram';
import { tailRisk95 } from '../../stats/tail-risk';
import type { Kernel, KernelData } from '../types';

/*
 * mc.bankroll@1: bankroll paths of a spread bettor over historical closing lines. Each scenario
 * draws `nBets` games with replacement from the pool (spreadspoke.games, seasonFrom–seasonTo, with
 * a line) and for each a side, with equal chance; the bettor has an edge of `skill` points on that
 * side: its margin is modelled as round(Normal(−line + skill, sigma)), the closing line being the
 * market's expected margin with the sign flipped. The outcome (win / push / loss) is drawn with one
 * uniform against those exact probabilities (bankroll-math.ts), which are also what the Kelly
 * bettor uses. The bettor stakes by `strategy` at `odds` (-110). A scenario stops early once the bankroll falls to
 * `ruinLevel` × start (that is ruin). Steps are chunks of `scenariosPerStep` scenarios.
 *
 * `fraction` means, by strategy: flat — stake as a share of the starting bankroll (capped at what
 * is left); fixed_fraction — share of the current bankroll; kelly — multiple of full Kelly.
 *
 * With `keepScenarios` (the default) the output also lists every scenario's raw values in
 * scenario order, so a batch's WUs can be pooled exactly and bootstrapped by scenario
 * (shared/src/combine). They are rounded to what the pooled figures need, to keep results small:
 * 45–55 bytes a scenario, about 5 MB at the 100k-scenario maximum (within the protocol's limits).
 */

const DEFAULT_FRACTION = { flat: 0.01, fixed_fraction: 0.01, kelly: 0.25 } as const;

export const McBankrollParams = z.strictObject({
  seasonFrom: z.number().int().min(1979).max(2024).default(2010),
  seasonTo: z.number().int().min(1979).max(2024).default(2024),
  includePlayoffs: z.boolean().default(false),
  strategy: z.enum(['flat', 'fixed_fraction', 'kelly']).default('kelly'),
  fraction: z.number().gt(0).max(1).optional(),
  /** The bettor's edge in points of expected margin on the side it bets. */
  skill: z.number().min(0).max(7).default(1),
  sigma: z.number().min(1).max(30).default(13.5),
  odds: z.number().refine((o) => Math.abs(o) >= 100, 'American odds are ≤ -100 or ≥ 100').default(-110),
  /** Bets per scenario; by default as many as there are games in the pool. */
  nBets: z.number().int().min(1).max(100_000).optional(),
  nScenarios: z.number().int().min(10).max(100_000).default(5000),
  scenariosPerStep: z.number().int().min(1).max(100_000).default(250),
  startBankroll: z.number().gt(0).max(1e9).default(1000),
  ruinLevel: z.number().min(0).lt(1).default(0.1),
  /** List each scenario's raw values in the output (for merging a batch's WUs). */
  keepScenarios: z.boolean().default(true),
}).refine((p) => p.seasonFrom <= p.seasonTo, { message: 'seasonFrom must not be after seasonTo', path: ['seasonTo'] })
  .transform((p) => ({ ...p, fraction: p.fraction ?? DEFAULT_FRACTION[p.strategy] }));
export type McBankrollParams = z.output<typeof McBankrollParams>;

interface State {
  params: McBankrollParams;
  step: number;
  done: number;
  rng: RngState;
  finals: number[];
  sumMaxDrawdown: number;
  ruined: number;
  bets: number;
  wins: number;
  pushes: number;
  /** Σ r and Σ r² of per-bet returns r = P&L / bankroll before the bet. */
  sumR: number;
  sumR2: number;
  /** With keepScenarios: per-scenario values other than the final bankroll, already rounded. */
  kept: Omit<McBankrollScenarios, 'final'> | null;
}

/**
 * Raw values of each scenario, index i = scenario i. Rounded: final bankroll to 8 significant
 * digits, max drawdown to 6 decimals, Σr and Σr² to 7 significant digits (they may be tiny).
 */
export interface McBankrollScenarios {
  final: number[];
  /** Largest fall from a running peak, as a fraction of the peak. */
  maxDrawdown: number[];
  /** Bets placed (Kelly skips bets without an edge; ruin stops early). */
  bets: number[];
  /** Σ r and Σ r² of the scenario's per-bet returns r = P&L / bankroll before the bet. */
  sumR: number[];
  sumR2: number[];
  /** 1 when the scenario ended in ruin. */
  ruined: number[];
}

export interface McBankrollOutput {
  seasonFrom: number;
  seasonTo: number;
  strategy: McBankrollParams['strategy'];
  fraction: number;
  skill: number;
  sigma: number;
  odds: number;
  startBankroll: number;
  nScenarios: number;
  poolGames: number;
  betsPerScenario: number;
  breakEvenWinRate: number;
  modelWinRateHalfPoint: number;
  final: { mean: number; p01: number; p05: number; p25: number; p50: number; p75: number; p95: number; p99: number };
  pProfit: number;
  /** Of the P&L (final − start), as positive losses. */
  var95: number;
  cvar95: number;
  meanMaxDrawdown: number;
  /** Mean / sd of per-bet returns over every bet placed; null if undefined. */
  sharpePerBet: number | null;
  pRuin: number;
  meanBetsPlaced: number;
  winRate: number | null;
  pushRate: number | null;
  /** null unless params.keepScenarios. */
  scenarios: McBankrollScenarios | null;
}

const KEPT = ['maxDrawdown', 'bets', 'sumR', 'sumR2', 'ruined'] as const;
/** A snapshot's kept lists are all there and as long as its list of finals. */
const keptMatches = (s: State): boolean => !!s.kept && KEPT.every((k) => Array.isArray(s.kept![k]) && s.kept![k].length === s.finals.length);

const FINAL_DIGITS = 8;
const RETURN_DIGITS = 7;
const DRAWDOWN_DECIMALS = 6;

const SPREADSPOKE = 'spreadspoke.games';
/** Calibrated so cost / 1e9 ≈ seconds on a 2-core laptop-class VM (Node 20): ~90 ns per bet. */
const FLOPS_PER_BET = 90;

function pool(p: McBankrollParams, data: KernelData): BankrollPool {
  const key = { f: p.seasonFrom, t: p.seasonTo, po: p.includePlayoffs, k: p.skill, s: p.sigma, o: p.odds };
  return derived(data, 'mc.bankroll', key, () => buildPool(data.dataset<GameRow[]>(SPREADSPOKE), p));
}

function betsPerScenario(p: McBankrollParams, pl: BankrollPool): number {
  return p.nBets ?? pl.size;
}

function simulate(s: State, pl: BankrollPool, n: number): void {
  const p = s.params;
  const rng = Rng.fromState(s.rng);
  const nBets = betsPerScenario(p, pl);
  const start = p.startBankroll, ruinAt = p.ruinLevel * start, b = pl.b;
  const fraction = p.fraction, size = pl.size;
  const flat = p.strategy === 'flat', fixed = p.strategy === 'fixed_fraction';
  const tHome = pl.home, tAway = pl.away;
  // tallies live in locals in the hot loop and are written back to the state once
  let bets = s.bets, wins = s.wins, pushes = s.pushes, sumR = s.sumR, sumR2 = s.sumR2;
  const kept = s.kept;
  for (let sc = 0; sc < n; sc++) {
    let bank = start, peak = start, maxDd = 0, ruined = false;
    // this scenario's own tallies; the totals above keep their bet-by-bet order of addition
    let scBets = 0, scR = 0, scR2 = 0;
    for (let i = 0; i < nBets; i++) {
      const g = rng.int(size);
      const side = rng.int(2) === 1 ? tHome : tAway;
      let stake: number;
      if (flat) stake = Math.min(fraction * start, bank);
      else if (fixed) stake = fraction * bank;
      else stake = fraction * side.kelly[g] * bank;
      if (!(stake > 0)) continue; // Kelly sees no edge on this line
      // one uniform against the exact cover probabilities replaces drawing the rounded margin
      const u = rng.next();
      let pnl: number;
      if (u < side.winCut[g]) { pnl = stake * b; wins++; }
      else if (u < side.pushCut[g]) { pnl = 0; pushes++; }
      else pnl = -stake;
      const r = pnl / bank;
      bets++;
      sumR += r;
      sumR2 += r * r;
      scBets++;
      scR += r;
      scR2 += r * r;
      bank += pnl;
      if (bank > peak) peak = bank;
      else if ((peak - bank) / peak > maxDd) maxDd = (peak - bank) / peak;
      if (bank <= ruinAt) { ruined = true; break; }
    }
    s.finals.push(bank);
    s.sumMaxDrawdown += maxDd;
    if (ruined) s.ruined++;
    if (kept) {
      kept.maxDrawdown.push(round(maxDd, DRAWDOWN_DECIMALS));
      kept.bets.push(scBets);
      kept.sumR.push(roundSignificant(scR, RETURN_DIGITS));
      kept.sumR2.push(roundSignificant(scR2, RETURN_DIGITS));
      kept.ruined.push(ruined ? 1 : 0);
    }
  }
  Object.assign(s, { bets, wins, pushes, sumR, sumR2 });
  s.rng = rng.exportState();
  s.done += n;
}

export const mcBankroll: Kernel<McBankrollParams, State, McBankrollOutput> = {
  name: 'mc.bankroll',
  version: 1,
  title: 'Monte Carlo bankroll of a spread-betting strategy over historical lines',
  paramsSchema: McBankrollParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: () => ['teams.crosswalk', SPREADSPOKE],
  costEstimate(p) {
    let games = 0;
    for (let y = p.seasonFrom; y <= p.seasonTo; y++) games += approxRegularSeasonGames(y) + (p.includePlayoffs ? 11 : 0);
    return p.nScenarios * (p.nBets ?? games) * FLOPS_PER_BET;
  },
  totalSteps: (p) => Math.ceil(p.nScenarios / p.scenariosPerStep),
  init(p, seed, data) {
    pool(p, data); // fail at init, not at step 1, if the range has no games
    return {
      params: p, step: 0, done: 0, rng: Rng.create(seed >>> 0, 0).exportState(),
      finals: [], sumMaxDrawdown: 0, ruined: 0, bets: 0, wins: 0, pushes: 0, sumR: 0, sumR2: 0,
      kept: p.keepScenarios ? { maxDrawdown: [], bets: [], sumR: [], sumR2: [], ruined: [] } : null,
    };
  },
  step(s, data) {
    const n = Math.min(s.params.scenariosPerStep, s.params.nScenarios - s.done);
    if (n > 0) simulate(s, pool(s.params, data), n);
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('mc.bankroll', p, snap,
    (s) => !Array.isArray(s.finals) || (p.keepScenarios ? !keptMatches(s) : s.kept !== null)),
  finish(s, data) {
    const p = s.params;
    const pl = pool(p, data);
    const n = s.finals.length;
    const sorted = [...s.finals].sort((x, y) => x - y);
    const q = (pct: number) => round(sortedQuantile(sorted, pct), 6);
    const risk = tailRisk95(s.finals.map((f) => f - p.startBankroll));
    const meanR = s.sumR / s.bets;
    const sdR = Math.sqrt(Math.max(0, s.sumR2 / s.bets - meanR * meanR));
    const decided = s.bets - s.pushes;
    return {
      seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, strategy: p.strategy, fraction: p.fraction, skill: p.skill,
      sigma: p.sigma, odds: p.odds, startBankroll: p.startBankroll, nScenarios: n, poolGames: pl.size,
      betsPerScenario: betsPerScenario(p, pl),
      breakEvenWinRate: round(breakEvenWinRate(pl.b), 6),
      modelWinRateHalfPoint: round(pl.winRateHalfPoint, 6),
      final: {
        mean: round(s.finals.reduce((a, x) => a + x, 0) / n, 6),
        p01: q(1), p05: q(5), p25: q(25), p50: q(50), p75: q(75), p95: q(95), p99: q(99),
      },
      pProfit: round(s.finals.filter((f) => f > p.startBankroll).length / n, 6),
      var95: round(risk.var95, 6),
      cvar95: round(risk.cvar95, 6),
      meanMaxDrawdown: round(s.sumMaxDrawdown / n, 6),
      sharpePerBet: s.bets > 0 && sdR > 0 ? round(meanR / sdR, 6) : null,
      pRuin: round(s.ruined / n, 6),
      meanBetsPlaced: round(s.bets / n, 4),
      winRate: decided > 0 ? round(s.wins / decided, 6) : null,
      pushRate: s.bets > 0 ? round(s.pushes / s.bets, 6) : null,
      scenarios: s.kept ? { final: s.finals.map((f) => roundSignificant(f, FINAL_DIGITS)), ...jsonCopy(s.kept) } : null,
    };
  },
  compare: (a, b) => nearlyEqual(a, b, 1e-9),
};

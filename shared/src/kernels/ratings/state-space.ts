import { z } from 'zod';
import { GAME_TABLE_DATASETS, gameTable, type TableGame } from '../calibration/games';
import { addScore, emptySums, scoresOf, type Scores, type ScoreSums } from '../calibration/metrics';
import { fitSpreadSigma, groupByLine, mergeLineGroups, spreadProb } from '../calibration/spread';
import { derived } from '../derived-cache';
import { gaussian, type Gaussian } from './kalman';
import { normalCdf } from '../../math/normal';
import { selectLoyo, type LoyoResult, type SeasonScores } from './state-space-loyo';
import {
  buildSchedule, enterSeason, filterSeason, priorState, smoothSchedule, SS_TEAMS, type SsConfig, type SsFixed, type SsSchedule,
} from './state-space-model';
import { jsonCopy, restoreOwnSnapshot } from '../snapshot';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';

/*
 * ratings.state_space@1: Kalman-filter team ratings (state-space-model.ts) run through seasons
 * seasonFrom..seasonTo for each configuration of a small grid (every q × r × hfa, q outermost),
 * scoring the one-step-ahead forecasts of evalFrom..evalTo games that have a closing line
 * (playoffs too unless includePlayoffs is false): log loss and Brier of P(home win) = Φ(mean/sd)
 * of the predictive Normal (a tie counts y = 0.5) and the RMSE of the predicted margin.
 *
 * The same games are scored for the closing line, P = Φ(−homeLine/σ) with σ = spreadSigma, and on
 * the games 538 has (through the 2020 season) for 538's elo_prob1 too (its margin is 538's points
 * convention, Elo difference / 25, taken from the probability: 16·log10(p/(1−p))).
 *
 * cv 'loyo' adds leave-one-year-out results over the evaluation seasons (state-space-loyo.ts):
 * the config picked on the other seasons scores each held-out season, and for the closing line
 * σ is fitted (maximum likelihood of win/loss) on the other seasons. 'none' reports only the
 * per-config scores. The seed is unused: the computation has no randomness.
 *
 * Steps: one per (config, season), plus one per config for the RTS smoother when `smooth` is
 * set (it refilters every season, then runs back; output: ratings at each season's last week).
 */

const values = (lo: number, hi: number) => z.union([z.number().min(lo).max(hi), z.array(z.number().min(lo).max(hi)).min(1).max(40)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const StateSpaceParams = z.strictObject({
  seasonFrom: z.number().int().min(1966).max(2025).default(2002),
  seasonTo: z.number().int().min(1966).max(2025).default(2025),
  evalFrom: z.number().int().min(1979).max(2025).default(2009),
  evalTo: z.number().int().min(1979).max(2025).default(2025),
  cv: z.enum(['loyo', 'none']).default('loyo'),
  /** Weekly process variance of each team's strength (points²); a list makes a grid. */
  q: values(0, 25).default([0.5]),
  /** Observation variance of a game margin around θ_home − θ_away + h (points²). */
  r: values(1, 1000).default([170]),
  /** Prior mean of home-field advantage (points). */
  hfa: values(-10, 10).default([2]),
  /** Weekly AR(1) coefficient of team strength (1: random walk). */
  phi: z.number().gt(0).max(1).default(1),
  /** Share of a team's strength carried into the next season (mean reversion to 0). */
  carryover: z.number().min(0).max(1).default(0.7),
  /** Variance added to each team between seasons (points²). */
  seasonVar: z.number().min(0).max(400).default(15),
  /** Prior variance of a team's strength at the start (and for a franchise that restarts). */
  p0: z.number().gt(0).max(400).default(36),
  /** Prior sd of home-field advantage; 0 with hfaQ 0 keeps it fixed at hfa. */
  hfaSd: z.number().min(0).max(10).default(1),
  /** Season-to-season variance of home-field advantage (its random walk). */
  hfaQ: z.number().min(0).max(25).default(0.25),
  spreadSigma: z.number().min(5).max(30).default(13.45),
  includePlayoffs: z.boolean().default(true),
  smooth: z.boolean().default(false),
}).superRefine((p, ctx) => {
  const bad = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (p.seasonFrom > p.evalFrom) bad('evalFrom', 'evalFrom must not be before seasonFrom');
  if (p.evalFrom > p.evalTo) bad('evalTo', 'evalTo must not be before evalFrom');
  if (p.evalTo > p.seasonTo) bad('evalTo', 'evalTo must not be after seasonTo');
  if (p.cv === 'loyo' && p.evalTo - p.evalFrom < 1) bad('cv', 'loyo needs at least two evaluation seasons');
  if (p.hfaQ > 0 && p.hfaSd === 0) bad('hfaSd', 'a time-varying hfa (hfaQ > 0) needs hfaSd > 0');
  if (p.q.length * p.r.length * p.hfa.length > 500) bad('q', 'at most 500 configurations per work unit');
});
export type StateSpaceParams = z.output<typeof StateSpaceParams>;

export interface TeamRating { team: string; mean: number; sd: number }

export interface SsConfigOutput extends SsConfig {
  pooled: Scores;
  seasons: SeasonScores[];
  /** The model on the games that have 538 Elo (null when none are scored). */
  eloGames: Scores | null;
  final: { season: number; hfa: number; hfaSd: number; ratings: TeamRating[] };
  smoothed: { season: number; hfa: number; hfaSd: number; ratings: TeamRating[] }[] | null;
}

export interface StateSpaceOutput {
  seasonFrom: number;
  seasonTo: number;
  evalFrom: number;
  evalTo: number;
  cv: 'loyo' | 'none';
  includePlayoffs: boolean;
  fixed: SsFixed;
  games: number;
  ties: number;
  spread: { sigma: number; pooled: Scores; seasons: SeasonScores[] };
  spreadLoyo: { sigmaAll: number; pooled: Scores; seasons: (SeasonScores & { sigma: number })[] } | null;
  elo: { n: number; elo: Scores; spread: Scores } | null;
  configs: SsConfigOutput[];
  loyo: LoyoResult | null;
}

interface ConfigResult {
  cfg: SsConfig;
  seasons: ScoreSums[];
  elo: ScoreSums;
  final: SsConfigOutput['final'];
  smoothed: SsConfigOutput['smoothed'];
}

interface State {
  params: StateSpaceParams;
  step: number;
  filter: { mean: number[]; cov: number[] } | null;
  seasons: ScoreSums[] | null;
  elo: ScoreSums | null;
  done: ConfigResult[];
}

const configsOf = (p: StateSpaceParams): SsConfig[] =>
  p.q.flatMap((q) => p.r.flatMap((r) => p.hfa.map((hfa) => ({ q, r, hfa }))));

const fixedOf = (p: StateSpaceParams): SsFixed =>
  ({ phi: p.phi, carryover: p.carryover, seasonVar: p.seasonVar, p0: p.p0, hfaSd: p.hfaSd, hfaQ: p.hfaQ });

const isScored = (g: TableGame, p: StateSpaceParams): boolean =>
  g.season >= p.evalFrom && g.season <= p.evalTo && g.homeLine !== null && (p.includePlayoffs || !g.playoff);

function schedule(p: StateSpaceParams, data: KernelData): SsSchedule {
  return derived(data, 'ratings.state_space', [p.seasonFrom, p.seasonTo], () => buildSchedule(gameTable(data), p.seasonFrom, p.seasonTo));
}

/**
 * Calibrated on Node 20 (2-core VM, measured in CPU time next to mc.season): cost / 1e9 ≈ seconds.
 * Filtering costs ≈ 8 µs per game and config with 33 states (two n² passes per game); the
 * smoother ≈ 0.6 ms per week (a 33×33 Cholesky solve and two products) plus a refiltering pass.
 */
const FLOPS_PER_GAME = 8000;
const FLOPS_PER_SMOOTHED_WEEK = 600_000;
const FLOPS_SETUP = 1e8;
const GAMES_PER_SEASON = 267;
const WEEKS_PER_SEASON = 21;

const ratingsOf = (g: Gaussian, plays: boolean[]): TeamRating[] => {
  const n = g.mean.length;
  return SS_TEAMS.flatMap((team, t) => (plays[t] ? [{ team, mean: round(g.mean[t], 6), sd: round(Math.sqrt(g.cov[t * n + t]), 6) }] : []));
};

function runSeason(s: State, data: KernelData): void {
  const p = s.params, sched = schedule(p, data), table = gameTable(data);
  const S = sched.seasons.length;
  const cfg = configsOf(p)[Math.floor(s.step / (S + (p.smooth ? 1 : 0)))];
  const j = s.step % (S + (p.smooth ? 1 : 0));
  const f = fixedOf(p);
  if (j === S) { // the smoother step
    const sm = smoothSchedule(sched, cfg, f);
    s.done[s.done.length - 1].smoothed = sm.map((x, si) => ({
      season: x.season, hfa: round(x.hfa, 6), hfaSd: round(x.hfaSd, 6),
      ratings: SS_TEAMS.flatMap((team, t) => (sched.seasons[si].plays[t] ? [{ team, mean: round(x.mean[t], 6), sd: round(x.sd[t], 6) }] : [])),
    }));
    return;
  }
  const season = sched.seasons[j];
  let state: Gaussian;
  if (j === 0) {
    state = priorState(cfg, f);
    s.seasons = Array.from({ length: p.evalTo - p.evalFrom + 1 }, emptySums);
    s.elo = emptySums();
  } else {
    state = gaussian(s.filter!.mean, s.filter!.cov);
    enterSeason(state, season, f);
  }
  const sums = s.seasons![season.season - p.evalFrom];
  filterSeason(state, season, cfg, f, (game, pred) => {
    const g = table[game.row];
    if (!isScored(g, p)) return;
    const prob = normalCdf(pred.mean / Math.sqrt(pred.variance));
    addScore(sums, prob, g.y, g.margin - pred.mean);
    if (g.eloProb !== null) addScore(s.elo!, prob, g.y, g.margin - pred.mean);
  });
  if (j < S - 1) {
    s.filter = { mean: Array.from(state.mean), cov: Array.from(state.cov) };
    return;
  }
  const n = state.mean.length, T = SS_TEAMS.length;
  s.done.push({
    cfg, seasons: s.seasons!, elo: s.elo!, smoothed: null,
    final: {
      season: season.season, ratings: ratingsOf(state, season.plays),
      hfa: round(n > T ? state.mean[T] : cfg.hfa, 6), hfaSd: round(n > T ? Math.sqrt(state.cov[T * n + T]) : 0, 6),
    },
  });
  s.filter = s.seasons = s.elo = null;
}

const withSeason = (season: number, sc: Scores): SeasonScores => ({ season, ...sc });

function benchmarks(p: StateSpaceParams, table: readonly TableGame[]): Omit<StateSpaceOutput, 'configs' | 'loyo' | 'fixed' | 'seasonFrom' | 'seasonTo' | 'evalFrom' | 'evalTo' | 'cv' | 'includePlayoffs'> {
  const scored = table.filter((g) => isScored(g, p));
  const seasons = Array.from({ length: p.evalTo - p.evalFrom + 1 }, (_, i) => p.evalFrom + i);
  const bySeason = seasons.map((s) => scored.filter((g) => g.season === s));
  const spreadSums = (games: readonly TableGame[], sigma: number) => {
    const sums = emptySums();
    for (const g of games) addScore(sums, spreadProb(g.homeLine!, sigma), g.y, g.margin + g.homeLine!);
    return sums;
  };
  const spreadSeasons = bySeason.map((games, i) => withSeason(seasons[i], scoresOf(spreadSums(games, p.spreadSigma))));
  let spreadLoyo: StateSpaceOutput['spreadLoyo'] = null;
  if (p.cv === 'loyo') {
    const groups = bySeason.map((games) => groupByLine(games));
    const loyo = seasons.map((season, i) => {
      const sigma = round(fitSpreadSigma(mergeLineGroups(groups.filter((_, k) => k !== i))), 6);
      return { ...withSeason(season, scoresOf(spreadSums(bySeason[i], sigma))), sigma };
    });
    const all = emptySums();
    for (const [i, games] of bySeason.entries()) {
      const s = spreadSums(games, loyo[i].sigma);
      all.n += s.n; all.logLoss += s.logLoss; all.brier += s.brier; all.sq += s.sq;
    }
    spreadLoyo = { sigmaAll: round(fitSpreadSigma(mergeLineGroups(groups)), 6), pooled: scoresOf(all), seasons: loyo };
  }
  const withElo = scored.filter((g) => g.eloProb !== null);
  let elo: StateSpaceOutput['elo'] = null;
  if (withElo.length > 0) {
    const e = emptySums();
    for (const g of withElo) addScore(e, g.eloProb!, g.y, g.margin - 16 * Math.log10(g.eloProb! / (1 - g.eloProb!)));
    elo = { n: withElo.length, elo: scoresOf(e), spread: scoresOf(spreadSums(withElo, p.spreadSigma)) };
  }
  return {
    games: scored.length, ties: scored.filter((g) => g.y === 0.5).length,
    spread: { sigma: p.spreadSigma, pooled: scoresOf(spreadSums(scored, p.spreadSigma)), seasons: spreadSeasons },
    spreadLoyo, elo,
  };
}

export const stateSpace: Kernel<StateSpaceParams, State, StateSpaceOutput> = {
  name: 'ratings.state_space',
  version: 1,
  title: 'Kalman-filter team ratings (random walk / AR(1) with home field), scored against the closing line and 538 Elo',
  paramsSchema: StateSpaceParams,
  capabilities: { gpu: 'none', minMemoryMb: 128 },
  datasets: () => [...GAME_TABLE_DATASETS],
  costEstimate(p) {
    const seasons = p.seasonTo - p.seasonFrom + 1, configs = configsOf(p).length;
    const filter = seasons * GAMES_PER_SEASON * FLOPS_PER_GAME;
    const perConfig = filter + (p.smooth ? filter + seasons * WEEKS_PER_SEASON * FLOPS_PER_SMOOTHED_WEEK : 0);
    return FLOPS_SETUP + configs * perConfig;
  },
  totalSteps: (p) => configsOf(p).length * (p.seasonTo - p.seasonFrom + 1 + (p.smooth ? 1 : 0)),
  init: (p, _seed, data) => {
    schedule(p, data);
    return { params: p, step: 0, filter: null, seasons: null, elo: null, done: [] };
  },
  step(s, data) {
    runSeason(s, data);
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => jsonCopy(s),
  restore: (p, snap) => restoreOwnSnapshot<State>('ratings.state_space', p, snap, (s) => !Array.isArray(s.done)),
  finish(s, data) {
    const p = s.params;
    const configs: SsConfigOutput[] = s.done.map((c) => {
      const seasons = c.seasons.map((x, i) => withSeason(p.evalFrom + i, scoresOf(x)));
      const pooled = emptySums();
      for (const x of c.seasons) { pooled.n += x.n; pooled.logLoss += x.logLoss; pooled.brier += x.brier; pooled.sq += x.sq; }
      return { ...c.cfg, pooled: scoresOf(pooled), seasons, eloGames: c.elo.n ? scoresOf(c.elo) : null, final: c.final, smoothed: c.smoothed };
    });
    return {
      seasonFrom: p.seasonFrom, seasonTo: p.seasonTo, evalFrom: p.evalFrom, evalTo: p.evalTo, cv: p.cv,
      includePlayoffs: p.includePlayoffs, fixed: fixedOf(p),
      ...benchmarks(p, gameTable(data)),
      configs,
      loyo: p.cv === 'loyo' ? selectLoyo(configs) : null,
    };
  },
  /** Equal within 1e-9 relative (outputs are rounded to 6–8 decimals; same-engine reruns are bit-identical). */
  compare: (a, b) => a.configs.length === b.configs.length && nearlyEqual(a, b, 1e-9),
};

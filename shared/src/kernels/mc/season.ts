import { z } from 'zod';
import type { GameRow } from '../../data/spreadspoke';
import { canonicalJson } from '../../hashing/canonical-json';
import { derived } from '../derived-cache';
import { selectPlayoffs } from './nfl-divisions';
import { Rng, type RngState } from '../../math/rng';
import { buildSeasonModel, type SeasonModel } from './season-model';
import { histogramQuantile, histogramTail, summariseHistogram } from '../../stats/histogram';
import { nearlyEqual } from '../../math/nearly-equal';
import { round } from '../../math/round';
import type { Kernel, KernelData } from '../types';

/*
 * mc.season@1: Monte Carlo of one NFL regular season on its real schedule (spreadspoke.games).
 * Ratings come from the previous regular season (ridge least squares on margins, see
 * ../ratings/least-squares.ts), shrunk toward 0 by `shrink`. Each game is a tie with probability
 * `tieProb` (half a win each; 2002–2024 had 14 ties in 5,951 games, 0.24 %), otherwise the home
 * margin is Normal(r_home − r_away + hfa, sigma) and its sign decides the game. From 2002 on,
 * division winners and playoff teams are picked by win percentage with coin-flip tiebreakers.
 * Steps are chunks of `simsPerStep` simulations; the state holds integer counts and the RNG.
 */

export const McSeasonParams = z.strictObject({
  season: z.number().int().min(1967).max(2024),
  nSims: z.number().int().min(10).max(500_000).default(10_000),
  simsPerStep: z.number().int().min(10).max(100_000).default(1000),
  sigma: z.number().min(1).max(30).default(13.5),
  /** Where ratings come from; only the previous regular season so far. */
  ratings: z.literal('previous_season').default('previous_season'),
  /** Fraction of each fitted rating removed before the season (regression to the mean). */
  shrink: z.number().min(0).max(1).default(0.35),
  /** Ridge penalty λ on ratings in the fit (in units of squared points per squared point). */
  ridge: z.number().min(0).max(1000).default(1),
  /** Home-field advantage in points; fitted on the previous season when absent. */
  hfa: z.number().min(-10).max(10).optional(),
  tieProb: z.number().min(0).max(0.05).default(0.0024),
});
export type McSeasonParams = z.infer<typeof McSeasonParams>;

interface State {
  params: McSeasonParams;
  step: number;
  done: number;
  rng: RngState;
  /** hist[t][k]: simulations in which team t won k/2 games. */
  hist: number[][];
  division: number[];
  playoff: number[];
}

export interface McSeasonTeam {
  team: string;
  rating: number;
  games: number;
  meanWins: number;
  sdWins: number;
  pWins10: number;
  winQuantiles: { p05: number; p25: number; p50: number; p75: number; p95: number };
  /** null before 2002 (no alignment table). */
  pDivision: number | null;
  pPlayoffs: number | null;
  /** Simulations in which the team won its division / made the playoffs: exact, mergeable. */
  divisionCount: number | null;
  playoffCount: number | null;
  /** Simulations by half-wins: index k counts seasons with k/2 wins. Exact, mergeable across WUs. */
  winsHistogram: number[];
}

export interface McSeasonOutput {
  season: number;
  nSims: number;
  sigma: number;
  shrink: number;
  ridge: number;
  tieProb: number;
  hfa: number;
  playoffTeamsPerConference: number | null;
  teams: McSeasonTeam[];
}

const SPREADSPOKE = 'spreadspoke.games';

function model(p: McSeasonParams, data: KernelData): SeasonModel {
  return derived(data, 'mc.season', { season: p.season, shrink: p.shrink, ridge: p.ridge, hfa: p.hfa ?? null },
    () => buildSeasonModel(data.dataset<GameRow[]>(SPREADSPOKE), p));
}

/** Regular-season games in a season (for cost estimates, which see no data). */
export function approxRegularSeasonGames(season: number): number {
  if (season >= 2021) return 272;
  if (season >= 2002) return 256;
  if (season >= 1999) return 248;
  if (season >= 1995) return 240;
  if (season >= 1978) return 224;
  return 196;
}

/**
 * Calibrated so that cost / 1e9 ≈ seconds on a 2-core laptop-class VM with Node 20: about 70 ns
 * per simulated game and 2.5 µs per simulated season of tallying and playoff selection.
 */
const FLOPS_PER_GAME = 70;
const FLOPS_PER_SIM = 2500;

function simulate(s: State, m: SeasonModel, n: number): void {
  const p = s.params;
  const rng = Rng.fromState(s.rng);
  const T = m.teams.length, G = m.mean.length;
  const hw = new Int32Array(T), coin = new Uint32Array(T);
  const divWin = new Uint8Array(T), inPlayoffs = new Uint8Array(T);
  for (let sim = 0; sim < n; sim++) {
    hw.fill(0);
    for (let g = 0; g < G; g++) {
      if (p.tieProb > 0 && rng.next() < p.tieProb) {
        hw[m.home[g]]++;
        hw[m.away[g]]++;
      } else if (m.mean[g] + p.sigma * rng.normal() > 0) {
        hw[m.home[g]] += 2;
      } else {
        hw[m.away[g]] += 2;
      }
    }
    for (let t = 0; t < T; t++) s.hist[t][hw[t]]++;
    if (m.alignment) {
      for (let t = 0; t < T; t++) coin[t] = rng.nextU32();
      selectPlayoffs(m.alignment, hw, m.games, coin, divWin, inPlayoffs);
      for (let t = 0; t < T; t++) { s.division[t] += divWin[t]; s.playoff[t] += inPlayoffs[t]; }
    }
  }
  s.rng = rng.exportState();
  s.done += n;
}

function copyState(s: State): State {
  return JSON.parse(JSON.stringify(s)) as State;
}

export const mcSeason: Kernel<McSeasonParams, State, McSeasonOutput> = {
  name: 'mc.season',
  version: 1,
  title: 'Monte Carlo NFL season: win totals, division and playoff odds',
  paramsSchema: McSeasonParams,
  capabilities: { gpu: 'none', minMemoryMb: 64 },
  datasets: () => ['teams.crosswalk', SPREADSPOKE],
  costEstimate: (p) => p.nSims * (approxRegularSeasonGames(p.season) * FLOPS_PER_GAME + FLOPS_PER_SIM),
  totalSteps: (p) => Math.ceil(p.nSims / p.simsPerStep),
  init(p, seed, data) {
    const m = model(p, data);
    return {
      params: p, step: 0, done: 0,
      rng: Rng.create(seed >>> 0, 0).exportState(),
      hist: m.teams.map((_, t) => new Array<number>(2 * m.games[t] + 1).fill(0)),
      division: new Array<number>(m.teams.length).fill(0),
      playoff: new Array<number>(m.teams.length).fill(0),
    };
  },
  step(s, data) {
    const n = Math.min(s.params.simsPerStep, s.params.nSims - s.done);
    if (n > 0) simulate(s, model(s.params, data), n);
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => copyState(s),
  restore(p, snap, data) {
    const s = copyState(snap as State);
    if (!s || typeof s.step !== 'number' || !Array.isArray(s.hist) || canonicalJson(s.params) !== canonicalJson(p)) {
      throw new Error('mc.season: snapshot does not belong to these params');
    }
    const m = model(p, data);
    if (s.hist.length !== m.teams.length) throw new Error('mc.season: snapshot has the wrong teams');
    return s;
  },
  finish(s, data) {
    const p = s.params;
    const m = model(p, data);
    const aligned = m.alignment !== null;
    const prob = (c: number) => round(c / s.done, 6);
    return {
      season: p.season, nSims: s.done, sigma: p.sigma, shrink: p.shrink, ridge: p.ridge, tieProb: p.tieProb,
      hfa: round(m.hfa, 4),
      playoffTeamsPerConference: m.alignment?.playoffTeams ?? null,
      teams: m.teams.map((team, t) => {
        const h = s.hist[t];
        const sum = summariseHistogram(h, 0.5);
        const q = (pct: number) => histogramQuantile(h, pct, 0.5);
        return {
          team, rating: round(m.ratings[t], 4), games: m.games[t],
          meanWins: round(sum.mean, 6), sdWins: round(sum.sd, 6),
          pWins10: round(histogramTail(h, 20), 6),
          winQuantiles: { p05: q(5), p25: q(25), p50: q(50), p75: q(75), p95: q(95) },
          pDivision: aligned ? prob(s.division[t]) : null,
          pPlayoffs: aligned ? prob(s.playoff[t]) : null,
          divisionCount: aligned ? s.division[t] : null,
          playoffCount: aligned ? s.playoff[t] : null,
          winsHistogram: [...h],
        };
      }),
    };
  },
  compare: (a, b) => a.teams.length === b.teams.length
    && a.teams.every((t, i) => t.team === b.teams[i].team)
    && nearlyEqual(a, b, 1e-9),
};

import type { McSeasonOutput } from '../kernels/mc/season';
import type { Rng } from '../math/rng';
import { histogramQuantile, histogramTail, summariseHistogram } from '../stats/histogram';
import { binomial, multinomial } from '../stats/binomial';
import type { Interval } from './intervals';

/*
 * mc.season@1 across work units: per team, the win histograms and the division and playoff counts
 * add up exactly. Every figure is recomputed from the sums with the kernel's definitions (wins are
 * half-wins / 2; quantiles by the inverse empirical CDF). The bootstrap resamples simulations;
 * each team's figures depend only on its own histogram, so a resample of them is a multinomial
 * draw over its bins, and a resampled proportion x/n is Binomial(n, x/n) / n — the exact
 * bootstrap distributions, without the simulations themselves.
 */

export interface PooledTeam {
  team: string;
  rating: number;
  games: number;
  /** Simulations by half-wins, summed over WUs. */
  hist: number[];
  division: number | null;
  playoff: number | null;
}

export interface PooledSeason {
  season: number;
  n: number;
  playoffTeamsPerConference: number | null;
  teams: PooledTeam[];
}

const WIN_PCTS = [5, 25, 50, 75, 95] as const;
/** Per team: mean, sd, P(≥ 10 wins), five quantiles, P(division), P(playoffs). */
const TEAM_WIDTH = 10;
const TEN_WINS = 20; // in half-wins

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Why this output cannot be pooled with `ref` (the group's first pooled output, or null), or null. */
export function checkSeasonOutput(o: unknown, ref: McSeasonOutput | null): string | null {
  const out = o as Partial<McSeasonOutput> | null;
  if (!out || typeof out !== 'object' || !Array.isArray(out.teams) || !isCount(out.nSims)) return 'not an mc.season output';
  for (const t of out.teams) {
    if (!Array.isArray(t.winsHistogram) || !t.winsHistogram.every(isCount)) return `team ${t.team}: winsHistogram is not a list of counts`;
    if (t.winsHistogram.reduce((a, c) => a + c, 0) !== out.nSims) return `team ${t.team}: winsHistogram does not add up to nSims`;
    if (t.pDivision !== null && !(isCount(t.divisionCount) && isCount(t.playoffCount))) {
      return 'no exact division and playoff counts (an output from before they were reported)';
    }
  }
  if (ref && (out.teams.length !== ref.teams.length || out.teams.some((t, i) => t.team !== ref.teams[i]!.team
    || t.winsHistogram.length !== ref.teams[i]!.winsHistogram.length || (t.divisionCount === null) !== (ref.teams[i]!.divisionCount === null)))) {
    return 'teams or schedule differ from the other work units of these params';
  }
  return null;
}

export function poolSeason(outputs: readonly McSeasonOutput[]): PooledSeason {
  const first = outputs[0]!;
  return {
    season: first.season,
    n: outputs.reduce((a, o) => a + o.nSims, 0),
    playoffTeamsPerConference: first.playoffTeamsPerConference,
    teams: first.teams.map((t, i) => {
      const hist = new Array<number>(t.winsHistogram.length).fill(0);
      let division: number | null = t.divisionCount === null ? null : 0;
      let playoff: number | null = t.playoffCount === null ? null : 0;
      for (const o of outputs) {
        const u = o.teams[i]!;
        u.winsHistogram.forEach((c, k) => { hist[k] += c; });
        if (division !== null) division += u.divisionCount!;
        if (playoff !== null) playoff += u.playoffCount!;
      }
      return { team: t.team, rating: t.rating, games: t.games, hist, division, playoff };
    }),
  };
}

export const seasonWidth = (p: PooledSeason): number => p.teams.length * TEAM_WIDTH;

/** One team's figures from its histogram and counts (null counts: no alignment, NaN). */
function teamStatistics(hist: ArrayLike<number>, division: number | null, playoff: number | null, n: number, out: Float64Array, at: number): void {
  const s = summariseHistogram(hist, 0.5);
  out[at] = s.mean;
  out[at + 1] = s.sd;
  out[at + 2] = histogramTail(hist, TEN_WINS);
  WIN_PCTS.forEach((pct, j) => { out[at + 3 + j] = histogramQuantile(hist, pct, 0.5); });
  out[at + 8] = division === null ? NaN : division / n;
  out[at + 9] = playoff === null ? NaN : playoff / n;
}

export function seasonEstimates(p: PooledSeason): Float64Array {
  const out = new Float64Array(seasonWidth(p));
  p.teams.forEach((t, i) => teamStatistics(t.hist, t.division, t.playoff, p.n, out, i * TEAM_WIDTH));
  return out;
}

export function seasonReplicates(p: PooledSeason, rng: Rng, count: number): Float64Array {
  const width = seasonWidth(p);
  const out = new Float64Array(count * width);
  const draw = new Int32Array(Math.max(...p.teams.map((t) => t.hist.length)));
  for (let b = 0; b < count; b++) {
    p.teams.forEach((t, i) => {
      const bins = draw.subarray(0, t.hist.length);
      multinomial(rng, p.n, t.hist, bins);
      const div = t.division === null ? null : binomial(rng, p.n, t.division / p.n);
      const po = t.playoff === null ? null : binomial(rng, p.n, t.playoff / p.n);
      teamStatistics(bins, div, po, p.n, out, b * width + i * TEAM_WIDTH);
    });
  }
  return out;
}

export interface SeasonTeamFigures {
  team: string;
  /** The rating the simulations used (the same in every WU of these params). */
  rating: number;
  games: number;
  meanWins: Interval;
  sdWins: Interval;
  pWins10: Interval;
  winQuantiles: { p05: Interval; p25: Interval; p50: Interval; p75: Interval; p95: Interval };
  /** null before 2002 (no alignment table). */
  pDivision: Interval | null;
  pPlayoffs: Interval | null;
  divisionCount: number | null;
  playoffCount: number | null;
  winsHistogram: number[];
}

export interface SeasonFigures {
  kind: 'mc.season';
  season: number;
  simulations: number;
  playoffTeamsPerConference: number | null;
  teams: SeasonTeamFigures[];
}

export function seasonFigures(p: PooledSeason, interval: (j: number) => Interval): SeasonFigures {
  return {
    kind: 'mc.season',
    season: p.season,
    simulations: p.n,
    playoffTeamsPerConference: p.playoffTeamsPerConference,
    teams: p.teams.map((t, i) => {
      const at = i * TEAM_WIDTH;
      const q = (j: number) => interval(at + 3 + j);
      return {
        team: t.team, rating: t.rating, games: t.games,
        meanWins: interval(at), sdWins: interval(at + 1), pWins10: interval(at + 2),
        winQuantiles: { p05: q(0), p25: q(1), p50: q(2), p75: q(3), p95: q(4) },
        pDivision: t.division === null ? null : interval(at + 8),
        pPlayoffs: t.playoff === null ? null : interval(at + 9),
        divisionCount: t.division, playoffCount: t.playoff,
        winsHistogram: t.hist,
      };
    }),
  };
}

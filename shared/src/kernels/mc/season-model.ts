import type { GameRow } from '../../data/spreadspoke';
import { alignmentFor, type Alignment } from './nfl-divisions';
import { fitRatings } from '../ratings/least-squares';

/*
 * What mc.season derives from params + data before simulating: the season's regular-season
 * schedule as team indices with each game's expected home margin, fitted from the previous
 * season. Rebuilt from the data on restore rather than checkpointed, and cached per KernelData.
 */

export interface SeasonModelParams {
  season: number;
  shrink: number;
  ridge: number;
  hfa?: number;
}

export interface SeasonModel {
  /** Franchise ids in sorted order; every array below is indexed like this. */
  teams: string[];
  /** Pre-season ratings (points above average), after shrinkage. */
  ratings: number[];
  /** Home-field advantage used (points). */
  hfa: number;
  /** Regular-season games per team. */
  games: number[];
  home: Int32Array;
  away: Int32Array;
  /** Expected home margin of each game: r_home − r_away + hfa (no hfa at neutral sites). */
  mean: Float64Array;
  alignment: Alignment | null;
}

export function buildSeasonModel(rows: readonly GameRow[], p: SeasonModelParams): SeasonModel {
  const regular = (s: number) => rows.filter((g) => g.season === s && !g.playoff);
  const current = regular(p.season);
  const previous = regular(p.season - 1);
  if (current.length === 0) throw new Error(`no regular-season games for ${p.season}`);
  if (previous.length === 0) throw new Error(`no regular-season games for ${p.season - 1} to rate teams from`);

  const teams = [...new Set(current.flatMap((g) => [g.home, g.away]))].sort();
  const prevTeams = [...new Set(previous.flatMap((g) => [g.home, g.away]))].sort();
  const prevIndex = new Map(prevTeams.map((t, i) => [t, i]));
  const fit = fitRatings(prevTeams.length, previous.map((g) => ({
    home: prevIndex.get(g.home)!, away: prevIndex.get(g.away)!, margin: g.homeScore - g.awayScore, neutral: g.neutral,
  })), { ridge: p.ridge, hfa: p.hfa });
  // teams new this season (expansion) start at the average, 0
  const ratings = teams.map((t) => {
    const i = prevIndex.get(t);
    return i === undefined ? 0 : (1 - p.shrink) * fit.ratings[i];
  });

  const index = new Map(teams.map((t, i) => [t, i]));
  const n = current.length;
  const home = new Int32Array(n), away = new Int32Array(n), mean = new Float64Array(n);
  const games = new Array<number>(teams.length).fill(0);
  current.forEach((g, k) => {
    home[k] = index.get(g.home)!;
    away[k] = index.get(g.away)!;
    mean[k] = ratings[home[k]] - ratings[away[k]] + (g.neutral ? 0 : fit.hfa);
    games[home[k]]++;
    games[away[k]]++;
  });
  return { teams, ratings, hfa: fit.hfa, games, home, away, mean, alignment: alignmentFor(p.season, teams) };
}

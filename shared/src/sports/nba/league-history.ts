import type { NbaGameRow } from '../../data/oddsportal-nba';
import { nbaResultOf } from './build-table';
import { NbaFeatureState, type NbaFixture, type NbaResult } from './features';

/*
 * The league's results as a source of pre-game features for any (home, away, date): the state is
 * walked over every game strictly before the date, so a game asked about on a date it was played
 * is featurised exactly as the table featurised it. States are kept per date (a slate shares one);
 * a new date starts from a copy of the latest kept state before it and walks on from there.
 */

/** A state is a few kilobytes (ratings and the last week's games of 30 sides). */
const CACHED_DATES = 2048;

/** The season a date falls in, by its starting year (an NBA season starts in October). */
export function nbaSeasonOf(isoDate: string): number {
  const y = Number(isoDate.slice(0, 4)), m = Number(isoDate.slice(5, 7));
  return m >= 8 ? y : y - 1;
}

export interface NbaMatchup {
  home: string;
  away: string;
  date: string;
}

export class NbaLeagueHistory {
  private readonly results: NbaResult[];
  private readonly byKey = new Map<string, NbaResult>();
  private readonly states = new Map<string, NbaFeatureState>();

  constructor(rows: NbaGameRow[]) {
    this.results = rows.map(nbaResultOf).filter((g): g is NbaResult => g !== null).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (const g of this.results) this.byKey.set(`${g.date}:${g.away}@${g.home}`, g);
  }

  get firstDate(): string {
    return this.results[0]!.date;
  }

  get lastDate(): string {
    return this.results.at(-1)!.date;
  }

  /** The game as played when the data has it (playoff, neutral, venue); else a regular-season home game. */
  fixture(m: NbaMatchup): NbaFixture {
    const known = this.byKey.get(`${m.date}:${m.away}@${m.home}`);
    if (known) return { season: known.season, date: known.date, home: known.home, away: known.away, neutral: known.neutral, playoff: known.playoff, venue: known.venue };
    return { season: nbaSeasonOf(m.date), date: m.date, home: m.home, away: m.away, neutral: false, playoff: false, venue: m.home };
  }

  /** Pre-game feature vectors, in NBA_FEATURES order, from the games before each one's date. */
  features(games: readonly NbaMatchup[]): number[][] {
    return games.map((m) => this.stateBefore(m.date).features(this.fixture(m)));
  }

  /** Index of the first result on or after the date (binary search). */
  private firstIndexOn(date: string): number {
    let lo = 0, hi = this.results.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.results[mid]!.date < date) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private stateBefore(date: string): NbaFeatureState {
    const hit = this.states.get(date);
    if (hit) {
      this.states.delete(date);
      this.states.set(date, hit);
      return hit;
    }
    let from = '';
    for (const d of this.states.keys()) if (d < date && d > from) from = d;
    const s = from ? this.states.get(from)!.clone() : new NbaFeatureState(false);
    for (let i = from ? this.firstIndexOn(from) : 0; i < this.results.length; i++) {
      const g = this.results[i]!;
      if (g.date >= date) break;
      s.record(g);
    }
    this.states.set(date, s);
    if (this.states.size > CACHED_DATES) this.states.delete(this.states.keys().next().value!);
    return s;
  }
}

import type { NbaGameRow } from '../data/oddsportal-nba';

/*
 * Walk-forward Elo ratings of NBA teams from results alone, as FiveThirtyEight described its NBA
 * Elo ("How We Calculate NBA Elo Ratings", 2015): K = 20, home court worth 100 points, a
 * margin-of-victory multiplier ((MOV + 3)^0.8 / (7.5 + 0.006 · winner's edge)), and 75% of a
 * rating carried into the next season (the rest regressed to 1505). The constants are theirs,
 * not fitted here, so no season of ours chose them.
 *
 * The scheduler's probability source until a trained win-probability model serves it, and the
 * ratings of its evaluation (pre-season and week-ahead). Regular season, play-in and playoffs
 * count; pre-season and all-star games do not.
 */

const K = 20, HOME_EDGE = 100, CARRY = 0.75, MEAN = 1505;

export const eloWinProbability = (homeRating: number, awayRating: number, neutral = false): number =>
  1 / (1 + 10 ** (-(homeRating - awayRating + (neutral ? 0 : HOME_EDGE)) / 400));

/** Ratings by team id, as they stood before a given date's games. */
export type Ratings = ReadonlyMap<string, number>;

interface Snapshot {
  /** First date these ratings hold for (YYYY-MM-DD). */
  from: string;
  ratings: Ratings;
}

export class EloTimeline {
  private readonly snapshots: Snapshot[] = [];

  constructor(rows: readonly NbaGameRow[]) {
    const games = rows
      .filter((r) => r.home !== null && r.away !== null && r.seasonType !== 'preseason' && r.seasonType !== 'allstar')
      .sort((a, b) => a.date.localeCompare(b.date));
    const ratings = new Map<string, number>();
    const rating = (t: string) => ratings.get(t) ?? MEAN;
    let season: number | null = null;
    for (let i = 0; i < games.length;) {
      const date = games[i]!.date;
      if (season !== null && games[i]!.season !== season) for (const [t, r] of ratings) ratings.set(t, MEAN + CARRY * (r - MEAN));
      season = games[i]!.season;
      this.snapshots.push({ from: date, ratings: new Map(ratings) });
      // one day's games are rated from the ratings before that day
      const before = new Map(ratings);
      for (; i < games.length && games[i]!.date === date; i++) {
        const g = games[i]!;
        const h = before.get(g.home!) ?? MEAN, a = before.get(g.away!) ?? MEAN;
        const p = eloWinProbability(h, a, g.neutral);
        const won = g.homeScore > g.awayScore ? 1 : 0;
        const edge = (h - a + (g.neutral ? 0 : HOME_EDGE)) * (won ? 1 : -1);
        const mov = Math.abs(g.homeScore - g.awayScore);
        const shift = K * ((mov + 3) ** 0.8 / (7.5 + 0.006 * edge)) * (won - p);
        ratings.set(g.home!, rating(g.home!) + shift);
        ratings.set(g.away!, rating(g.away!) - shift);
      }
    }
    const last = games.at(-1);
    if (last) this.snapshots.push({ from: nextDay(last.date), ratings: new Map(ratings) });
  }

  /** The ratings before `date`'s games (from every game on earlier dates); a new season's are regressed. */
  before(date: string): Ratings {
    let lo = 0, hi = this.snapshots.length - 1, found: Snapshot | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.snapshots[mid]!.from <= date) {
        found = this.snapshots[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found?.ratings ?? new Map();
  }

  /** Home win probability of a game on `date` from the ratings before that date. */
  probability(home: string, away: string, date: string, neutral = false): number {
    const r = this.before(date);
    return eloWinProbability(r.get(home) ?? MEAN, r.get(away) ?? MEAN, neutral);
  }
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

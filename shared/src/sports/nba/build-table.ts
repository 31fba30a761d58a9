import type { NbaGameRow } from '../../data/oddsportal-nba';
import { devigHomeProbability } from '../../data/oddsportal-nba';
import type { GameTable, GameTableRow } from '../game-table';
import { NBA_FEATURES, NBA_SEQUENCE_FEATURES, NbaFeatureState, type NbaResult } from './features';

/*
 * oddsportal.nba as a GameTable: regular season, play-in and playoffs (no preseason, no all-star
 * games), in date order. All games of a date are featurised before any of them is recorded, so no
 * game's x can see a result from its own day or later.
 */

/** The 2020 restart was played in the Orlando bubble: no home court, every game at Orlando. */
const BUBBLE = { season: 2019, from: '2020-07-30', venue: 'ORL' } as const;

/** Where the game is played and whether it is neutral. International neutral games (London, Paris,
 *  Mexico City) have no venue in the data; the designated home city stands in for travel. */
export function nbaResultOf(r: NbaGameRow): NbaResult | null {
  if (r.home === null || r.away === null) return null;
  if (r.seasonType !== 'regular' && r.seasonType !== 'playoff' && r.seasonType !== 'playin') return null;
  const bubble = r.season === BUBBLE.season && r.date >= BUBBLE.from;
  return {
    season: r.season,
    date: r.date,
    home: r.home,
    away: r.away,
    neutral: r.neutral || bubble,
    playoff: r.seasonType !== 'regular',
    venue: bubble ? BUBBLE.venue : r.home,
    homeScore: r.homeScore,
    awayScore: r.awayScore,
  };
}

export function buildNbaTable(rows: NbaGameRow[]): GameTable {
  const games = rows
    .map((r) => ({ r, g: nbaResultOf(r) }))
    .filter((x): x is { r: NbaGameRow; g: NbaResult } => x.g !== null)
    .sort((a, b) => (a.g.date < b.g.date ? -1 : a.g.date > b.g.date ? 1 : 0));
  const state = new NbaFeatureState();
  const out: GameTableRow[] = [];
  for (let i = 0; i < games.length;) {
    let j = i;
    while (j < games.length && games[j]!.g.date === games[i]!.g.date) j++;
    const day = games.slice(i, j);
    for (const { r, g } of day) {
      out.push({
        id: `${g.date}:${g.away}@${g.home}`,
        season: g.season,
        date: g.date,
        home: g.home,
        away: g.away,
        playoff: g.playoff,
        x: state.features(g),
        homeWin: g.homeScore > g.awayScore ? 1 : g.homeScore < g.awayScore ? 0 : 0.5,
        homeMargin: g.homeScore - g.awayScore,
        market: devigHomeProbability(r.homeMoneyline, r.awayMoneyline),
      });
    }
    for (const { g } of day) state.record(g);
    i = j;
  }
  return {
    sport: 'nba',
    features: [...NBA_FEATURES],
    rows: out,
    sequenceFeatures: [...NBA_SEQUENCE_FEATURES],
    teamHistory: (team, beforeDate, n) => state.teamHistory(team, beforeDate, n),
  };
}

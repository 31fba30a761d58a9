import { DatasetParseError } from '../csv';
import { columnIndex, intRequired, numRequired, scanPlainCsv } from './scan';

/*
 * gamestate.games: data/nfl_gamestate/nflgame_games_2009_2019.csv.gz, one row per game of the
 * nflgame feeds (2009–2019, 2,926 games), with spreadspoke's closing line already joined.
 *
 * Who is the favourite. `home_spread_line` is the home team's closing line: negative means the
 * home side gives points, so the home team is the favourite; positive means the away team is.
 * `line` is what the favourite gives, |home_spread_line| > 0. A line of 0 is a pick'em: there is
 * no favourite, `favorite` is null, and "the favourite covers" has no meaning for that game, so
 * its plays are dropped (reason `pickem`; 16 games).
 *
 * The cover target. The favourite's final margin m (overtime included) against the line:
 * m > line covers (1), m < line does not (0), m = line is a push. Seed 004 labels a finished game
 * 1 or 0 and nothing in between, so a push gets no label and its plays are dropped (reason
 * `push`), rather than scored as 0 or 0.5.
 */

export const GAMES_DATASET = 'gamestate.games';

export type CoverOutcome = 'cover' | 'miss' | 'push' | 'pickem';

export interface StateGame {
  /** GSIS eid, `YYYYMMDDnn`. */
  gameId: string;
  season: number;
  playoff: boolean;
  week: number;
  /** Feed abbreviations, as in the plays' `posteam` (JAC, SD, STL, OAK …). */
  home: string;
  away: string;
  homeFranchise: string;
  awayFranchise: string;
  homeScore: number;
  awayScore: number;
  /** The plays reproduce the feed's line score; when false the hand-over left the plays out. */
  validated: boolean;
  /** Home team's closing line: negative = home favoured. */
  homeLine: number;
  /** null for a pick'em. */
  favorite: 'home' | 'away' | null;
  /** Points the favourite gives (≥ 0; 0 only for a pick'em). */
  line: number;
  /** Favourite's final score minus the underdog's (null for a pick'em). */
  favoriteMargin: number | null;
  outcome: CoverOutcome;
}

const COLS = ['game_id', 'season', 'season_type', 'week', 'home_team', 'away_team', 'home_franchise', 'away_franchise',
  'home_score', 'away_score', 'score_validated', 'home_spread_line'] as const;

/** Favourite, line and cover outcome from the home line and the final score. */
export function coverOf(homeLine: number, homeScore: number, awayScore: number):
  Pick<StateGame, 'favorite' | 'line' | 'favoriteMargin' | 'outcome'> {
  if (homeLine === 0) return { favorite: null, line: 0, favoriteMargin: null, outcome: 'pickem' };
  const favorite = homeLine < 0 ? 'home' : 'away';
  const line = Math.abs(homeLine);
  const favoriteMargin = favorite === 'home' ? homeScore - awayScore : awayScore - homeScore;
  const outcome = favoriteMargin > line ? 'cover' : favoriteMargin < line ? 'miss' : 'push';
  return { favorite, line, favoriteMargin, outcome };
}

export function parseStateGames(bytes: Uint8Array, dataset = GAMES_DATASET): StateGame[] {
  const { header, rows } = scanPlainCsv(dataset, bytes, COLS);
  const c = columnIndex(header, COLS);
  return rows.map((f, i) => {
    const row = i + 1;
    const type = f[c.season_type];
    if (type !== 'REG' && type !== 'POST') throw new DatasetParseError(dataset, row, `season_type '${type}'`);
    const validated = f[c.score_validated];
    if (validated !== '0' && validated !== '1') throw new DatasetParseError(dataset, row, `score_validated '${validated}'`);
    const homeScore = intRequired(dataset, row, 'home_score', f[c.home_score]);
    const awayScore = intRequired(dataset, row, 'away_score', f[c.away_score]);
    const homeLine = numRequired(dataset, row, 'home_spread_line', f[c.home_spread_line]);
    return {
      gameId: f[c.game_id], season: intRequired(dataset, row, 'season', f[c.season]), playoff: type === 'POST',
      week: intRequired(dataset, row, 'week', f[c.week]), home: f[c.home_team], away: f[c.away_team],
      homeFranchise: f[c.home_franchise], awayFranchise: f[c.away_franchise], homeScore, awayScore,
      validated: validated === '1', homeLine, ...coverOf(homeLine, homeScore, awayScore),
    };
  });
}

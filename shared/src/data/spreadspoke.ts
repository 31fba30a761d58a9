import { bool, DatasetParseError, field, int, isoFromMdy, numOrNull, readGzipCsv } from './csv';
import { CROSSWALK_SOURCES, crosswalkMap, type CrosswalkRow } from './teams';

/*
 * spreadspoke.games: data/nfl_spreadspoke/spreadspoke_scores.csv.gz, NFL games 1966–2025 with the
 * closing spread and total, normalised to franchise ids and the home team's line. Unplayed rows
 * (blank scores, 2025 week 5) are dropped; the documented defects are fixed here (data/README.md).
 */

export interface GameRow {
  season: number;
  /** 1–18 in the regular season; playoffs 19 wild card, 20 divisional, 21 conference, 22 Super Bowl. */
  week: number;
  /** Local US date, `YYYY-MM-DD`. */
  date: string;
  playoff: boolean;
  neutral: boolean;
  /** Franchise ids (designated home team at a neutral site). */
  home: string;
  away: string;
  /** Final score, overtime included. */
  homeScore: number;
  awayScore: number;
  /**
   * The home team's closing line: negative = home favoured (-7 = home gives 7), positive = home
   * is the underdog, 0 = pick'em, null = no line. Home covers iff homeScore - awayScore + homeLine > 0.
   */
  homeLine: number | null;
  /** Closing over/under, or null. */
  total: number | null;
}

const PLAYOFF_WEEKS: Record<string, number> = { Wildcard: 19, Division: 20, Conference: 21, Superbowl: 22 };

/** Week given to playoff rows whose schedule_week is a number (1967–68), as the divisional round. */
const PRE_MERGER_PLAYOFF_WEEK = 20;

/** team_favorite_id typos in the source (data/README.md): fixed before the crosswalk lookup. */
const FAVORITE_TYPOS: Record<string, string> = { LV: 'LVR', NJY: 'NYJ' };

/** One wrong score in the source; the true result is in 538, OddsPortal and the NFL feed. */
const SCORE_FIXES = [{ date: '2017-10-01', home: 'SEA', away: 'IND', from: [46, 17], to: [46, 18] }];

const NAME = 'spreadspoke.games';

export function parseSpreadspoke(bytes: Uint8Array, crosswalk: CrosswalkRow[]): GameRow[] {
  const teams = crosswalkMap(crosswalk, CROSSWALK_SOURCES.spreadspokeTeam);
  const favorites = crosswalkMap(crosswalk, CROSSWALK_SOURCES.spreadspokeFavorite);
  const franchiseOf = (i: number, name: string): string => {
    const f = teams.get(name);
    if (!f) throw new DatasetParseError(NAME, i + 1, `team '${name}' is not in the crosswalk`);
    return f;
  };
  const out: GameRow[] = [];
  readGzipCsv(bytes).forEach((r, i) => {
    if (field(NAME, r, i, 'score_home').trim() === '' || field(NAME, r, i, 'score_away').trim() === '') return;
    const weekText = field(NAME, r, i, 'schedule_week').trim();
    const playoff = bool(NAME, r, i, 'schedule_playoff');
    let week = PLAYOFF_WEEKS[weekText] ?? Number(weekText);
    // three 1967–68 NFL conference playoff games are labelled week 15 with playoff=TRUE
    if (playoff && week <= 18) week = PRE_MERGER_PLAYOFF_WEEK;
    if (!Number.isInteger(week) || week < 1 || week > 22 || playoff !== week >= 19) {
      throw new DatasetParseError(NAME, i + 1, `week '${weekText}' does not fit playoff=${playoff}`);
    }
    const g: GameRow = {
      season: int(NAME, r, i, 'schedule_season'),
      week,
      date: isoFromMdy(NAME, i, field(NAME, r, i, 'schedule_date')),
      playoff,
      neutral: bool(NAME, r, i, 'stadium_neutral'),
      home: franchiseOf(i, field(NAME, r, i, 'team_home')),
      away: franchiseOf(i, field(NAME, r, i, 'team_away')),
      homeScore: int(NAME, r, i, 'score_home'),
      awayScore: int(NAME, r, i, 'score_away'),
      homeLine: null,
      total: numOrNull(NAME, r, i, 'over_under_line'),
    };
    g.homeLine = homeLineOf(i, g, field(NAME, r, i, 'team_favorite_id').trim(), numOrNull(NAME, r, i, 'spread_favorite'), favorites);
    for (const fix of SCORE_FIXES) {
      if (g.date === fix.date && g.home === fix.home && g.away === fix.away && g.homeScore === fix.from[0] && g.awayScore === fix.from[1]) {
        [g.homeScore, g.awayScore] = fix.to;
      }
    }
    out.push(g);
  });
  return out;
}

/**
 * spread_favorite is the favourite's handicap (always ≤ 0). The home line is that number when
 * the favourite is at home, its negation when the favourite is away, and 0 for PICK.
 */
function homeLineOf(i: number, g: GameRow, favId: string, spread: number | null, favorites: Map<string, string | null>): number | null {
  if (favId === '') return null;
  if (spread === null) throw new DatasetParseError(NAME, i + 1, `favorite '${favId}' without a spread`);
  if (spread > 0) throw new DatasetParseError(NAME, i + 1, `spread_favorite ${spread} is positive`);
  if (favId === 'PICK') return 0;
  const fav = FAVORITE_TYPOS[favId] ?? favorites.get(favId) ?? favId;
  if (fav === g.home) return spread;
  if (fav === g.away) return spread === 0 ? 0 : -spread;
  throw new DatasetParseError(NAME, i + 1, `favorite '${favId}' is neither ${g.home} nor ${g.away}`);
}

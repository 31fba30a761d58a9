import { bool, DatasetParseError, field, int, isoFromDmy, readGzipCsv } from './csv';
import { nbaTeamByName } from './nba-teams';
import { impliedProbability, type OddsSeasonType } from './oddsportal';

/*
 * oddsportal.nba: data/odds_oddsportal/oddsportal_nba.csv.gz, NBA results 2008-09 .. 2024-25 with
 * the average closing American moneylines. team_1 is the (designated) home team. Play-in games
 * (`Promotion - Play Offs`) are kept as their own type; all-star sides (East, Team LeBron, …)
 * have null team ids.
 */

export type NbaSeasonType = OddsSeasonType | 'playin';

export interface NbaGameRow {
  /** Season by its starting year, from the page path (`nba-2016-2017` → 2016). */
  season: number;
  date: string;
  seasonType: NbaSeasonType;
  neutral: boolean;
  homeName: string;
  awayName: string;
  home: string | null;
  away: string | null;
  homeScore: number;
  awayScore: number;
  homeMoneyline: number | null;
  awayMoneyline: number | null;
}

const NAME = 'oddsportal.nba';
const SEASON_TYPES: Record<string, NbaSeasonType> = {
  Regular: 'regular', 'Play Offs': 'playoff', 'Pre-season': 'preseason', 'All Stars': 'allstar', 'Promotion - Play Offs': 'playin',
};

export function parseOddsportalNba(bytes: Uint8Array): NbaGameRow[] {
  return readGzipCsv(bytes).map((r, i) => {
    const moneyline = (col: string): number | null => {
      const s = field(NAME, r, i, col).trim();
      if (s === '-' || s === '') return null;
      const m = Number(s);
      if (!Number.isFinite(m) || Math.abs(m) < 100) throw new DatasetParseError(NAME, i + 1, `bad moneyline ${col} '${s}'`);
      return m;
    };
    let type = SEASON_TYPES[field(NAME, r, i, 'season_type').trim()];
    if (!type) throw new DatasetParseError(NAME, i + 1, `season_type '${r.season_type}'`);
    const url = field(NAME, r, i, 'game_url');
    const sm = /\/nba-(\d{4})-(\d{4})\//.exec(url);
    if (!sm) throw new DatasetParseError(NAME, i + 1, `no season in url '${url}'`);
    const homeName = field(NAME, r, i, 'team_1').trim();
    const awayName = field(NAME, r, i, 'team_2').trim();
    const home = nbaTeamByName(homeName)?.id ?? null, away = nbaTeamByName(awayName)?.id ?? null;
    if (home === null || away === null) {
      if (type !== 'allstar') throw new DatasetParseError(NAME, i + 1, `team '${home === null ? homeName : awayName}' is not an NBA franchise`);
      type = 'allstar';
    }
    return {
      season: Number(sm[1]),
      date: isoFromDmy(NAME, i, field(NAME, r, i, 'date')),
      seasonType: type,
      neutral: bool(NAME, r, i, 'neutral'),
      homeName,
      awayName,
      home,
      away,
      homeScore: int(NAME, r, i, 'points_1'),
      awayScore: int(NAME, r, i, 'points_2'),
      homeMoneyline: moneyline('moneyline_1'),
      awayMoneyline: moneyline('moneyline_2'),
    };
  });
}

/**
 * The market's home win probability with the vig removed: each side's implied probability
 * divided by their sum (the multiplicative, "proportional" de-vig). Null when a side is missing.
 */
export function devigHomeProbability(homeMoneyline: number | null, awayMoneyline: number | null): number | null {
  if (homeMoneyline === null || awayMoneyline === null) return null;
  const h = impliedProbability(homeMoneyline), a = impliedProbability(awayMoneyline);
  return h / (h + a);
}

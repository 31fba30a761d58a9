import { bool, DatasetParseError, field, int, isoFromDmy, readGzipCsv } from './csv';
import { CROSSWALK_SOURCES, crosswalkMap, type CrosswalkRow } from './teams';

/*
 * oddsportal.nfl: data/odds_oddsportal/oddsportal_nfl.csv.gz, NFL results 2008-09 .. 2024-25 with
 * the average closing American moneylines. team_1 is the (designated) home team; names are
 * today's franchise names for every season.
 */

export type OddsSeasonType = 'regular' | 'playoff' | 'preseason' | 'allstar';

export interface OddsGameRow {
  /** Season year, taken from the page path (`nfl-2016-2017` → 2016). */
  season: number;
  date: string;
  seasonType: OddsSeasonType;
  neutral: boolean;
  homeName: string;
  awayName: string;
  /** Franchise ids; null for Pro Bowl sides. */
  home: string | null;
  away: string | null;
  homeScore: number;
  awayScore: number;
  /** American moneylines (+124, -145); null where the source has `-`. */
  homeMoneyline: number | null;
  awayMoneyline: number | null;
}

const NAME = 'oddsportal.nfl';
const SEASON_TYPES: Record<string, OddsSeasonType> = {
  Regular: 'regular', 'Play Offs': 'playoff', 'Pre-season': 'preseason', 'All Stars': 'allstar',
};

export function parseOddsportal(bytes: Uint8Array, crosswalk: CrosswalkRow[]): OddsGameRow[] {
  const names = crosswalkMap(crosswalk, CROSSWALK_SOURCES.oddsportal);
  return readGzipCsv(bytes).map((r, i) => {
    const franchise = (name: string): string | null => {
      const f = names.get(name);
      if (f === undefined) throw new DatasetParseError(NAME, i + 1, `team '${name}' is not in the crosswalk`);
      return f;
    };
    const moneyline = (col: string): number | null => {
      const s = field(NAME, r, i, col).trim();
      if (s === '-' || s === '') return null;
      const m = Number(s);
      // American odds are never inside (-100, 100); a value there means a misread column
      if (!Number.isFinite(m) || Math.abs(m) < 100) throw new DatasetParseError(NAME, i + 1, `bad moneyline ${col} '${s}'`);
      return m;
    };
    let type = SEASON_TYPES[field(NAME, r, i, 'season_type').trim()];
    if (!type) throw new DatasetParseError(NAME, i + 1, `season_type '${r.season_type}'`);
    const url = field(NAME, r, i, 'game_url');
    const sm = /\/nfl-(\d{4})-(\d{4})\//.exec(url);
    if (!sm) throw new DatasetParseError(NAME, i + 1, `no season in url '${url}'`);
    const homeName = field(NAME, r, i, 'team_1').trim();
    const awayName = field(NAME, r, i, 'team_2').trim();
    const home = franchise(homeName), away = franchise(awayName);
    // the 2009 and 2010 Pro Bowls (AFC v NFC) are labelled `Regular` in the source
    if (home === null || away === null) type = 'allstar';
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

/** Implied win probability of an American moneyline, vig included. */
export function impliedProbability(moneyline: number): number {
  return moneyline < 0 ? -moneyline / (-moneyline + 100) : 100 / (moneyline + 100);
}

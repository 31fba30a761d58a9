import { bool, DatasetParseError, field, int, isoDate, num, readGzipCsv } from './csv';
import { CROSSWALK_SOURCES, crosswalkMap, type CrosswalkRow } from './teams';

/*
 * elo538.games: data/nfl_538_elo/nfl_games.csv.gz, every NFL game 1920–2020 with FiveThirtyEight's
 * pre-game Elo ratings and win probability. team1 is the (designated) home team.
 */

export interface EloGameRow {
  season: number;
  date: string;
  neutral: boolean;
  playoff: boolean;
  /** 538's own team codes (WSH, OAK, ...), kept for the pre-1966 games. */
  homeCode: string;
  awayCode: string;
  /** Franchise ids via the crosswalk, which covers 1966 on; null for earlier seasons. */
  home: string | null;
  away: string | null;
  eloHome: number;
  eloAway: number;
  /** 538's pre-game probability that the home team wins. */
  eloProbHome: number;
  homeScore: number;
  awayScore: number;
  /** 1 home win, 0 home loss, 0.5 tie. */
  homeResult: number;
}

const NAME = 'elo538.games';

export function parseElo538(bytes: Uint8Array, crosswalk: CrosswalkRow[]): EloGameRow[] {
  const codes = crosswalkMap(crosswalk, CROSSWALK_SOURCES.elo538);
  return readGzipCsv(bytes).map((r, i) => {
    const season = int(NAME, r, i, 'season');
    const homeCode = field(NAME, r, i, 'team1').trim();
    const awayCode = field(NAME, r, i, 'team2').trim();
    const franchise = (code: string): string | null => {
      if (season < 1966) return null;
      const f = codes.get(code);
      if (!f) throw new DatasetParseError(NAME, i + 1, `538 code '${code}' is not in the crosswalk`);
      return f;
    };
    const homeResult = num(NAME, r, i, 'result1');
    if (homeResult !== 0 && homeResult !== 0.5 && homeResult !== 1) {
      throw new DatasetParseError(NAME, i + 1, `result1 ${homeResult}`);
    }
    return {
      season,
      date: isoDate(NAME, i, field(NAME, r, i, 'date')),
      neutral: bool(NAME, r, i, 'neutral'),
      playoff: bool(NAME, r, i, 'playoff'),
      homeCode,
      awayCode,
      home: franchise(homeCode),
      away: franchise(awayCode),
      eloHome: num(NAME, r, i, 'elo1'),
      eloAway: num(NAME, r, i, 'elo2'),
      eloProbHome: num(NAME, r, i, 'elo_prob1'),
      homeScore: int(NAME, r, i, 'score1'),
      awayScore: int(NAME, r, i, 'score2'),
      homeResult,
    };
  });
}

import { DatasetParseError, field, readGzipCsv } from './csv';

/*
 * teams.crosswalk: data/nfl_spreadspoke/nfl_team_crosswalk.csv, a hand-made map from every team
 * string in the shipped files to one franchise id (the 32 ids spreadspoke uses for favorites).
 */

export interface CrosswalkRow {
  /** Which file and column the value comes from, e.g. `spreadspoke.team_home/team_away`. */
  source: string;
  value: string;
  /** null for strings that are not a franchise (`PICK`, Pro Bowl sides). */
  franchise: string | null;
  note: string;
}

/** The `source_field` values of the crosswalk, by the file they describe. */
export const CROSSWALK_SOURCES = {
  spreadspokeTeam: 'spreadspoke.team_home/team_away',
  spreadspokeFavorite: 'spreadspoke.team_favorite_id',
  elo538: 'fivethirtyeight.team1/team2 (1966+)',
  oddsportal: 'oddsportal_nfl.team_1/team_2',
  nflgame: 'nflgame.home_team/away_team/posteam',
} as const;

/** The franchise ids; a franchise keeps its id through moves and renames (Oilers → TEN). */
export const FRANCHISES = [
  'ARI', 'ATL', 'BAL', 'BUF', 'CAR', 'CHI', 'CIN', 'CLE', 'DAL', 'DEN', 'DET', 'GB', 'HOU', 'IND', 'JAX', 'KC',
  'LAC', 'LAR', 'LVR', 'MIA', 'MIN', 'NE', 'NO', 'NYG', 'NYJ', 'PHI', 'PIT', 'SEA', 'SF', 'TB', 'TEN', 'WAS',
] as const;
const FRANCHISE_SET = new Set<string>(FRANCHISES);

export function parseCrosswalk(bytes: Uint8Array): CrosswalkRow[] {
  const name = 'teams.crosswalk';
  return readGzipCsv(bytes).map((r, i) => {
    const franchise = field(name, r, i, 'franchise_id').trim();
    if (franchise !== '' && !FRANCHISE_SET.has(franchise)) {
      throw new DatasetParseError(name, i + 1, `unknown franchise id '${franchise}'`);
    }
    return {
      source: field(name, r, i, 'source_field'),
      value: field(name, r, i, 'value'),
      franchise: franchise === '' ? null : franchise,
      note: field(name, r, i, 'note'),
    };
  });
}

/** value → franchise (or null) for one source; values not in the crosswalk are absent. */
export function crosswalkMap(rows: CrosswalkRow[], source: string): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const r of rows) if (r.source === source) m.set(r.value, r.franchise);
  if (m.size === 0) throw new Error(`crosswalk has no rows for source '${source}'`);
  return m;
}

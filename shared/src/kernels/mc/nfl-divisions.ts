/*
 * NFL division alignment since the 2002 realignment, by franchise id (the crosswalk's ids, so the
 * Rams, Chargers and Raiders keep their divisions through their moves). It has not changed from
 * 2002 through 2024. Written from public knowledge of the league's structure.
 *
 * Playoff field per conference: 12 teams (6 per conference: 4 division winners + 2 wild cards)
 * from 2002 through 2019, 14 teams (7: 4 + 3) from 2020 on.
 */

const FIRST_ALIGNED_SEASON = 2002;

export const DIVISIONS: Readonly<Record<string, readonly string[]>> = {
  'AFC East': ['BUF', 'MIA', 'NE', 'NYJ'],
  'AFC North': ['BAL', 'CIN', 'CLE', 'PIT'],
  'AFC South': ['HOU', 'IND', 'JAX', 'TEN'],
  'AFC West': ['DEN', 'KC', 'LAC', 'LVR'],
  'NFC East': ['DAL', 'NYG', 'PHI', 'WAS'],
  'NFC North': ['CHI', 'DET', 'GB', 'MIN'],
  'NFC South': ['ATL', 'CAR', 'NO', 'TB'],
  'NFC West': ['ARI', 'LAR', 'SEA', 'SF'],
};

/** Playoff teams per conference in a season, or null before the 2002 alignment. */
export function playoffTeamsPerConference(season: number): number | null {
  if (season < FIRST_ALIGNED_SEASON) return null;
  return season >= 2020 ? 7 : 6;
}

export interface Alignment {
  /** Team indices of each division, in DIVISIONS order. */
  divisions: number[][];
  /** Division indices of each conference (AFC, NFC). */
  conferences: number[][];
  playoffTeams: number;
}

/**
 * The alignment over a team list (indices into `teams`), or null for seasons before 2002.
 * Throws if the list is not exactly the 32 aligned franchises.
 */
export function alignmentFor(season: number, teams: readonly string[]): Alignment | null {
  const playoffTeams = playoffTeamsPerConference(season);
  if (playoffTeams === null) return null;
  const index = new Map(teams.map((t, i) => [t, i]));
  const names = Object.keys(DIVISIONS);
  const divisions = names.map((d) => DIVISIONS[d].map((t) => {
    const i = index.get(t);
    if (i === undefined) throw new Error(`season ${season}: ${t} (${d}) has no games`);
    return i;
  }));
  if (teams.length !== 32) throw new Error(`season ${season}: expected 32 teams, got ${teams.length}`);
  const conferences = [0, 1].map((c) => names.map((_, i) => i).filter((i) => names[i].startsWith(c === 0 ? 'AFC' : 'NFC')));
  return { divisions, conferences, playoffTeams };
}

/**
 * Ranks two teams by win percentage, comparing halfWins[a]/games[a] with halfWins[b]/games[b]
 * by cross-multiplication (exact integers; 2022 BUF and CIN played 16 games, the rest 17); ties go
 * to the larger coin-flip draw. Returns true when a ranks above b.
 */
function above(a: number, b: number, halfWins: ArrayLike<number>, games: ArrayLike<number>, coin: ArrayLike<number>): boolean {
  const x = halfWins[a] * games[b], y = halfWins[b] * games[a];
  if (x !== y) return x > y;
  if (coin[a] !== coin[b]) return coin[a] > coin[b];
  return a < b;
}

/**
 * Division winners and playoff teams of one simulated season. Ties are broken by coin flip only
 * (`coin` holds one uniform draw per team); the NFL's head-to-head, division and strength-of-
 * schedule tiebreakers are not modelled. Writes 1 into divisionWin / playoff for the chosen teams.
 */
export function selectPlayoffs(
  al: Alignment, halfWins: ArrayLike<number>, games: ArrayLike<number>, coin: ArrayLike<number>,
  divisionWin: Uint8Array, playoff: Uint8Array,
): void {
  divisionWin.fill(0);
  playoff.fill(0);
  for (const conf of al.conferences) {
    const rest: number[] = [];
    for (const d of conf) {
      const div = al.divisions[d];
      let best = div[0];
      for (let i = 1; i < div.length; i++) if (above(div[i], best, halfWins, games, coin)) best = div[i];
      divisionWin[best] = 1;
      playoff[best] = 1;
      for (const t of div) if (t !== best) rest.push(t);
    }
    for (let k = conf.length; k < al.playoffTeams; k++) {
      let best = -1;
      for (const t of rest) if (!playoff[t] && (best < 0 || above(t, best, halfWins, games, coin))) best = t;
      playoff[best] = 1;
    }
  }
}

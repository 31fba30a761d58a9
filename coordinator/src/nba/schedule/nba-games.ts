import type { DatasetRows } from '@nfl-grid/shared/data/datasets';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import type { SlateGame } from '@nfl-grid/shared/nba-schedule/problem';

/*
 * The stored NBA games (dataset oddsportal.nba from the coordinator's inputs folder), read once
 * per folder on first use: the slates of stored dates.
 */

/** Win probabilities of the home sides of a slate, in order. */
export type WinProbabilities = (games: readonly SlateGame[]) => Promise<number[]>;

export interface NbaGames {
  /** Games that can be national (not pre-season, not all-star), by date. */
  slate(from: string, days: number): SlateGame[];
  first: string;
  last: string;
}

const loaded = new Map<string, NbaGames>();

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function nbaGames(inputsDir: string): NbaGames {
  const cached = loaded.get(inputsDir);
  if (cached) return cached;
  const rows = loadLocalKernelData(inputsDir, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
  const playable = rows.filter((r) => r.home !== null && r.away !== null && r.seasonType !== 'preseason' && r.seasonType !== 'allstar')
    .sort((a, b) => a.date.localeCompare(b.date));
  const games: NbaGames = {
    first: playable[0]!.date,
    last: playable.at(-1)!.date,
    slate(from, days) {
      const to = addDays(from, days - 1);
      return playable.filter((r) => r.date >= from && r.date <= to).map((r) => ({ home: r.home!, away: r.away!, date: r.date }));
    },
  };
  loaded.set(inputsDir, games);
  return games;
}

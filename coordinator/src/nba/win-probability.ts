import type { NbaGame } from '@nfl-grid/shared/api/nba';
import type { Grid } from '../grid';
import { NbaWinServer } from './win-server';

/*
 * The NBA win-probability service's in-process entry point, for the HTTP route and for callers
 * inside the coordinator (the primetime scheduler): one server per grid, so every caller's
 * requests share its loaded model and its batches.
 */

const servers = new WeakMap<Grid, NbaWinServer>();

export function nbaWinServer(grid: Grid): NbaWinServer {
  let s = servers.get(grid);
  if (!s) {
    s = new NbaWinServer(grid);
    servers.set(grid, s);
  }
  return s;
}

/** P(home wins) for each game, in order. Throws BadRequest naming `games.N.field` for an unknown team or date. */
export function nbaWinProbabilities(grid: Grid, games: readonly NbaGame[]): Promise<number[]> {
  return nbaWinServer(grid).probabilities(games);
}

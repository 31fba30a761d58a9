import type { EloGameRow } from '../../data/elo538';
import type { GameRow } from '../../data/spreadspoke';
import { derived } from '../derived-cache';
import type { KernelData } from '../types';

/*
 * The game table the forecast-scoring kernels share (calibration.*, ratings.state_space): every
 * played spreadspoke game with its outcome, closing line, total, rest days, and FiveThirtyEight's
 * pre-game Elo where 538 has the game.
 *
 * - Outcome y is 1 for a home win, 0 for a loss and 0.5 for a tie (ties count half in Brier and
 *   log loss, as 538's result1 does).
 * - The Elo join is on (date, home, away) by franchise id. Where 538 designated the other team as
 *   home (32 neutral-site games 1979–2020, all Super Bowls or similar), the row matches with the
 *   sides swapped and its probability and Elo difference are flipped. 538 ends with the 2020
 *   season (Super Bowl LV), so later games have eloProb null.
 * - Rest is days since the team's previous game of the same season (null for its first game).
 */

export const GAME_TABLE_DATASETS = ['teams.crosswalk', 'spreadspoke.games', 'elo538.games'];

export interface TableGame {
  season: number;
  week: number;
  date: string;
  playoff: boolean;
  neutral: boolean;
  home: string;
  away: string;
  /** Home score − away score. */
  margin: number;
  /** 1 home win, 0.5 tie, 0 home loss. */
  y: number;
  /** Home team's closing line (negative = home favoured), or null. */
  homeLine: number | null;
  total: number | null;
  /** 538's pre-game home win probability, or null where 538 has no such game. */
  eloProb: number | null;
  /** 538's pre-game Elo of home minus away (no home-field term), or null. */
  eloDiff: number | null;
  restHome: number | null;
  restAway: number | null;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function buildGameTable(games: readonly GameRow[], elo: readonly EloGameRow[]): TableGame[] {
  const key = (d: string, h: string | null, a: string | null) => `${d}|${h}|${a}`;
  const eloBy = new Map<string, EloGameRow>();
  for (const e of elo) if (e.home !== null && e.away !== null) eloBy.set(key(e.date, e.home, e.away), e);
  const sorted = [...games].sort((a, b) => cmpStr(a.date, b.date) || cmpStr(a.home, b.home) || cmpStr(a.away, b.away));
  const lastPlayed = new Map<string, number>(); // `${season}|${team}` → day number
  return sorted.map((g) => {
    const day = dayNumber(g.date);
    const rest = (team: string): number | null => {
      const k = `${g.season}|${team}`;
      const prev = lastPlayed.get(k);
      lastPlayed.set(k, day);
      return prev === undefined ? null : day - prev;
    };
    const restHome = rest(g.home), restAway = rest(g.away);
    let eloProb: number | null = null, eloDiff: number | null = null;
    const same = eloBy.get(key(g.date, g.home, g.away));
    const swapped = same ? undefined : eloBy.get(key(g.date, g.away, g.home));
    if (same) {
      eloProb = same.eloProbHome;
      eloDiff = same.eloHome - same.eloAway;
    } else if (swapped) {
      eloProb = 1 - swapped.eloProbHome;
      eloDiff = swapped.eloAway - swapped.eloHome;
    }
    const margin = g.homeScore - g.awayScore;
    return {
      season: g.season, week: g.week, date: g.date, playoff: g.playoff, neutral: g.neutral, home: g.home, away: g.away,
      margin, y: margin > 0 ? 1 : margin < 0 ? 0 : 0.5,
      homeLine: g.homeLine, total: g.total, eloProb, eloDiff, restHome, restAway,
    };
  });
}

/** The game table of this KernelData, built once and shared (read-only). */
export function gameTable(data: KernelData): TableGame[] {
  return derived(data, 'game-table', 1, () =>
    buildGameTable(data.dataset<GameRow[]>('spreadspoke.games'), data.dataset<EloGameRow[]>('elo538.games')));
}

import type { EloGameRow } from '../../data/elo538';
import type { OddsGameRow } from '../../data/oddsportal';
import type { GameRow } from '../../data/spreadspoke';

/*
 * The games a backtest walks through: spreadspoke.games (scores, closing spread and total), with
 * OddsPortal's average closing moneylines (2008–2024) and FiveThirtyEight's pre-game Elo win
 * probability (through 2020) joined where they exist. A join needs the same two franchises within
 * a day of each other (OddsPortal dates can be a day off) and the same final score; a source that
 * lists the teams the other way round (neutral sites) is flipped.
 */

/** A spreadspoke game (its fields and sign conventions) with the joined odds and Elo. */
export interface BacktestGame extends Omit<GameRow, 'neutral'> {
  homeMoneyline: number | null;
  awayMoneyline: number | null;
  /** FiveThirtyEight's pre-game probability that the home team wins. */
  eloProbHome: number | null;
}

export interface JoinStats {
  games: number;
  withMoneyline: number;
  withElo: number;
  /** Candidate rows (same teams, ±1 day) whose score disagreed, so they were not joined. */
  scoreMismatches: number;
}

const dayNumber = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;

interface Keyed<T> { day: number; home: string; away: string; homeScore: number; awayScore: number; row: T }

function index<T>(rows: Array<Keyed<T>>): Map<string, Array<Keyed<T>>> {
  const m = new Map<string, Array<Keyed<T>>>();
  for (const r of rows) {
    const k = [r.home, r.away].sort().join('|');
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(r);
  }
  return m;
}

/** The row for game g, and whether it lists the teams the other way round; counts mismatches. */
function match<T>(idx: Map<string, Array<Keyed<T>>>, g: GameRow, stats: { mismatches: number }): { row: T; flipped: boolean } | null {
  const day = dayNumber(g.date);
  let mismatch = false;
  for (const c of idx.get([g.home, g.away].sort().join('|')) ?? []) {
    if (Math.abs(c.day - day) > 1) continue;
    const flipped = c.home !== g.home;
    const [hs, as] = flipped ? [c.awayScore, c.homeScore] : [c.homeScore, c.awayScore];
    if (hs === g.homeScore && as === g.awayScore) return { row: c.row, flipped };
    mismatch = true;
  }
  if (mismatch) stats.mismatches++;
  return null;
}

/** Sorted by season, week, date, home. */
export function buildBacktestGames(
  games: readonly GameRow[], sources: { odds?: readonly OddsGameRow[]; elo?: readonly EloGameRow[] } = {},
): { games: BacktestGame[]; stats: JoinStats } {
  const stats = { mismatches: 0 };
  const oddsIdx = sources.odds && index(sources.odds.filter((o) => o.home && o.away && o.seasonType !== 'preseason').map((o) => ({
    day: dayNumber(o.date), home: o.home!, away: o.away!, homeScore: o.homeScore, awayScore: o.awayScore, row: o,
  })));
  const eloIdx = sources.elo && index(sources.elo.filter((e) => e.home && e.away).map((e) => ({
    day: dayNumber(e.date), home: e.home!, away: e.away!, homeScore: e.homeScore, awayScore: e.awayScore, row: e,
  })));
  const out: BacktestGame[] = games.map((g) => {
    const b: BacktestGame = {
      season: g.season, week: g.week, date: g.date, playoff: g.playoff, home: g.home, away: g.away,
      homeScore: g.homeScore, awayScore: g.awayScore, homeLine: g.homeLine, total: g.total,
      homeMoneyline: null, awayMoneyline: null, eloProbHome: null,
    };
    const o = oddsIdx && match(oddsIdx, g, stats);
    if (o && o.row.homeMoneyline !== null && o.row.awayMoneyline !== null) {
      [b.homeMoneyline, b.awayMoneyline] = o.flipped ? [o.row.awayMoneyline, o.row.homeMoneyline] : [o.row.homeMoneyline, o.row.awayMoneyline];
    }
    const e = eloIdx && match(eloIdx, g, stats);
    if (e) b.eloProbHome = e.flipped ? 1 - e.row.eloProbHome : e.row.eloProbHome;
    return b;
  });
  out.sort((a, b) => a.season - b.season || a.week - b.week || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || (a.home < b.home ? -1 : a.home > b.home ? 1 : 0));
  return {
    games: out,
    stats: {
      games: out.length, withMoneyline: out.filter((g) => g.homeMoneyline !== null).length,
      withElo: out.filter((g) => g.eloProbHome !== null).length, scoreMismatches: stats.mismatches,
    },
  };
}

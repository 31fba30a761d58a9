import { nbaTeam, travelKm } from '../../data/nba-teams';

/*
 * Each side's recent schedule as known before a game: when and where it last played, and its
 * trips of the last days. Rest, back-to-backs, travel and density are all read from dates and
 * home cities alone, so they are known at scheduling time, long before tip-off.
 */

/** Rest is counted in full days off (a back-to-back is 0) and capped: beyond it, more rest is the same. */
export const REST_CAP = 4;
const WEEK_DAYS = 7;
/** A gap longer than this is an off-season (or a stoppage): the side sets out from home again. */
const BREAK_DAYS = 21;
const DAY_MS = 86_400_000;

export interface SideSchedule {
  /** Days off since the side's last game, 0..REST_CAP (REST_CAP for a side's first game). */
  rest: number;
  backToBack: boolean;
  /** Km from the last game's city to this one's. */
  travelKm: number;
  /** Km travelled over the last 7 days, this trip included. */
  travelWeekKm: number;
  /** Games played in the 7 days before this one. */
  gamesWeek: number;
}

interface Played {
  day: number;
  at: string;
}

export function dayNumber(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

function km(fromTeam: string, toTeam: string): number {
  const a = nbaTeam(fromTeam), b = nbaTeam(toTeam);
  if (!a || !b) throw new Error(`unknown NBA venue ${!a ? fromTeam : toTeam}`);
  return travelKm(a, b);
}

export class ScheduleState {
  private readonly played = new Map<string, Played[]>();

  clone(): ScheduleState {
    const c = new ScheduleState();
    for (const [k, v] of this.played) c.played.set(k, v.map((g) => ({ ...g })));
    return c;
  }

  /** `at` is the team whose home city hosts the game. */
  before(team: string, isoDate: string, at: string): SideSchedule {
    const day = dayNumber(isoDate);
    const games = (this.played.get(team) ?? []).filter((g) => g.day < day);
    const last = games.at(-1);
    if (!last || day - last.day > BREAK_DAYS) {
      const leg = km(team, at);
      return { rest: REST_CAP, backToBack: false, travelKm: leg, travelWeekKm: leg, gamesWeek: 0 };
    }
    const daysOff = day - last.day - 1;
    const week = games.filter((g) => g.day >= day - WEEK_DAYS);
    // legs between consecutive games inside the week, then the leg to this game
    let weekKm = 0;
    const firstInWeek = games.length - week.length;
    for (let i = Math.max(1, firstInWeek); i < games.length; i++) weekKm += km(games[i - 1]!.at, games[i]!.at);
    const leg = km(last.at, at);
    return {
      rest: Math.min(REST_CAP, daysOff),
      backToBack: daysOff === 0,
      travelKm: leg,
      travelWeekKm: weekKm + leg,
      gamesWeek: week.length,
    };
  }

  record(team: string, isoDate: string, at: string): void {
    const list = this.played.get(team) ?? [];
    list.push({ day: dayNumber(isoDate), at });
    // a later week never reaches before the last game's week; keep one game before it (its leg in)
    const cutoff = list.at(-1)!.day - WEEK_DAYS;
    while (list.length > 1 && list[1]!.day < cutoff) list.shift();
    this.played.set(team, list);
  }
}

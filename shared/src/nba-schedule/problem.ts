/*
 * The national-TV slot problem, without a solver: which game may fill which slot, the rules a
 * chosen set must keep, and what a game is worth. The MILP (lp-model.ts), the brute force used
 * to check it, and the route all read these, so the rules have one statement.
 *
 * Rules: each slot holds at most one game (exactly one with `fillAll`), each game fills at most
 * one slot, a team appears at most once per window (a slot's `window`, else its date, else the
 * whole slate), and a team's national games are at least two days apart (no national games on
 * the same or consecutive days, i.e. no back-to-back national games).
 */

export interface SlateGame {
  home: string;
  away: string;
  /** YYYY-MM-DD. */
  date: string;
  /** HH:MM tip-off time, when known. */
  tip?: string;
}

export interface Slot {
  /** Only games on this date fit; none: any date of the slate. */
  date?: string;
  /** HH:MM; only games tipping within `windowMinutes` of it fit. None: any tip time. */
  time?: string;
  windowMinutes?: number;
  /** Slots sharing a window share the team-once rule; default the slot's date (or the slate). */
  window?: string;
}

export interface AssignmentProblem {
  games: SlateGame[];
  slots: Slot[];
  /** What filling a slot with game g is worth (e.g. closeness × popularity). */
  values: number[];
  /** Every slot must be filled (else a slot may stay empty). */
  fillAll: boolean;
}

/** Per slot, the index of the game in it, or null. */
export type Assignment = (number | null)[];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function fits(game: SlateGame, slot: Slot): boolean {
  if (slot.date !== undefined && slot.date !== game.date) return false;
  if (slot.time === undefined) return true;
  if (game.tip === undefined) return false;
  return Math.abs(minutes(game.tip) - minutes(slot.time)) <= (slot.windowMinutes ?? 0);
}

export const windowOf = (slot: Slot): string => slot.window ?? slot.date ?? 'slate';

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** How evenly matched a game is from the home side's win probability: 1 at 0.5, 0 at 0 or 1. */
export const closeness = (p: number): number => 1 - Math.abs(2 * p - 1);

/**
 * A game's popularity weight: the mean of its two teams' weights (a team not in the map weighs 1).
 */
export function popularityWeight(game: SlateGame, popularity: Readonly<Partial<Record<string, number>>> = {}): number {
  return ((popularity[game.home] ?? 1) + (popularity[game.away] ?? 1)) / 2;
}

export interface Violation {
  rule: 'slot_fit' | 'slot_empty' | 'game_twice' | 'team_window' | 'team_back_to_back';
  message: string;
}

/** Every rule the assignment breaks (none: it is a valid answer to the problem). */
export function violations(problem: AssignmentProblem, assignment: Assignment): Violation[] {
  const out: Violation[] = [];
  const { games, slots } = problem;
  const used = new Map<number, number>();
  assignment.forEach((g, s) => {
    if (g === null) {
      if (problem.fillAll) out.push({ rule: 'slot_empty', message: `slot ${s} is empty` });
      return;
    }
    if (!fits(games[g]!, slots[s]!)) out.push({ rule: 'slot_fit', message: `game ${g} does not fit slot ${s}` });
    if (used.has(g)) out.push({ rule: 'game_twice', message: `game ${g} fills slots ${used.get(g)} and ${s}` });
    used.set(g, s);
  });
  const appearances: { team: string; window: string; day: number; slot: number }[] = [];
  assignment.forEach((g, s) => {
    if (g === null) return;
    for (const team of [games[g]!.home, games[g]!.away]) appearances.push({ team, window: windowOf(slots[s]!), day: dayNumber(games[g]!.date), slot: s });
  });
  for (let i = 0; i < appearances.length; i++) {
    for (let j = i + 1; j < appearances.length; j++) {
      const a = appearances[i]!, b = appearances[j]!;
      if (a.team !== b.team || a.slot === b.slot) continue;
      if (a.window === b.window) out.push({ rule: 'team_window', message: `${a.team} twice in window ${a.window} (slots ${a.slot}, ${b.slot})` });
      if (Math.abs(a.day - b.day) <= 1) out.push({ rule: 'team_back_to_back', message: `${a.team} in national games on days ${a.day} and ${b.day} (slots ${a.slot}, ${b.slot})` });
    }
  }
  return out;
}

export function objective(problem: AssignmentProblem, assignment: Assignment): number {
  return assignment.reduce<number>((sum, g) => sum + (g === null ? 0 : problem.values[g]!), 0);
}

/*
 * Seed 004's three cases for a cover-probability request, and the game state the models read.
 *
 *   not started  time_sec = 0 and 0–0                              → 0.5
 *   final        the favourite's margin > line → 1, otherwise 0     (a push is not a cover)
 *   in play      the model, from lead, line and the time still to play
 *
 * Telling the end of regulation from overtime with only the elapsed clock:
 *   - `final: true` ends the game at any clock; `final: false` keeps it in play at any clock;
 *   - without `final`: before 3600 s the game is in play; at 3600 s it is over when the scores
 *     differ and goes to overtime when they are level; during 3600–4200 s it is overtime (a
 *     sudden-death score or a tie is only known to the caller, who sends `final: true`); from
 *     4200 s, the end of the 10-minute regular-season overtime, it is over.
 * Time left in overtime is the overtime clock, as in the training data (plays.ts of the data
 * sets): 600 − (elapsed beyond 3600, modulo 600), so each later period (playoffs, with
 * `final: false`) starts a fresh clock. Regulation is 3600 − time_sec.
 */

const REGULATION_SECONDS = 3600;
const OVERTIME_SECONDS = 600;
/** Largest elapsed time accepted: regulation and four playoff-length overtime periods. */
export const MAX_ELAPSED_SECONDS = REGULATION_SECONDS + 4 * 900;

export interface CoverRequest {
  time_sec: number;
  /** Spread relative to the home team; negative when the home team is favoured. */
  hspread: number;
  favorite_points: number;
  underdog_points: number;
  final?: boolean;
}

export type GamePhase = 'not_started' | 'in_play' | 'final';

export interface GameState {
  phase: GamePhase;
  /** Favourite's points − underdog's. */
  lead: number;
  /** Points the favourite gives: |hspread|. */
  line: number;
  /** Time still to play (the overtime clock in overtime). */
  secondsLeft: number;
}

function secondsLeftOf(elapsed: number, tied: boolean): number {
  if (elapsed < REGULATION_SECONDS) return REGULATION_SECONDS - elapsed;
  if (elapsed === REGULATION_SECONDS) return tied ? OVERTIME_SECONDS : 0;
  return OVERTIME_SECONDS - ((elapsed - REGULATION_SECONDS) % OVERTIME_SECONDS);
}

function phaseOf(r: CoverRequest, tied: boolean): GamePhase {
  if (r.final === true) return 'final';
  if (r.time_sec === 0 && r.favorite_points === 0 && r.underdog_points === 0) return 'not_started';
  if (r.final === false) return 'in_play';
  if (r.time_sec < REGULATION_SECONDS) return 'in_play';
  if (r.time_sec === REGULATION_SECONDS) return tied ? 'in_play' : 'final';
  return r.time_sec < REGULATION_SECONDS + OVERTIME_SECONDS ? 'in_play' : 'final';
}

export function gameState(r: CoverRequest): GameState {
  const tied = r.favorite_points === r.underdog_points;
  return {
    phase: phaseOf(r, tied),
    lead: r.favorite_points - r.underdog_points,
    line: Math.abs(r.hspread),
    secondsLeft: secondsLeftOf(r.time_sec, tied),
  };
}

/** The answer the rules fix without a model, or null for a game in play. */
export function ruledProbability(s: GameState): number | null {
  if (s.phase === 'not_started') return 0.5;
  if (s.phase === 'final') return s.lead > s.line ? 1 : 0;
  return null;
}

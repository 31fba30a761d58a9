import { z } from 'zod';

/*
 * POST /api/v1/nba/win-probability: one game, or a slate of them. Teams are the franchise ids of
 * shared/src/data/nba-teams.ts (checked by the coordinator, which names the field of an unknown
 * one); the date is the game's, and features come from results strictly before it.
 */

export const MAX_NBA_SLATE = 500;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a calendar date');
const TeamId = z.string().regex(/^[A-Z]{3}$/, 'a team id such as BOS');

export const NbaGame = z.strictObject({ home: TeamId, away: TeamId, date: IsoDate });
export type NbaGame = z.infer<typeof NbaGame>;

/** Either one game's home, away and date, or `games`; never both. */
export const NbaWinProbabilityBody = z.strictObject({
  home: TeamId.optional(),
  away: TeamId.optional(),
  date: IsoDate.optional(),
  games: z.array(NbaGame).min(1).max(MAX_NBA_SLATE).optional(),
}).superRefine((b, ctx) => {
  if (b.games !== undefined) {
    for (const f of ['home', 'away', 'date'] as const) {
      if (b[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'give one game (home, away, date) or games, not both' });
    }
    return;
  }
  for (const f of ['home', 'away', 'date'] as const) {
    if (b[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'required (or give games)' });
  }
});
export type NbaWinProbabilityBody = z.infer<typeof NbaWinProbabilityBody>;

export interface NbaWinProbability {
  home: string;
  away: string;
  date: string;
  /** P(home side wins). */
  homeWin: number;
}

export interface NbaWinProbabilityAnswer {
  model: string;
  version: string;
  /** One entry per game, in request order. */
  results: NbaWinProbability[];
}

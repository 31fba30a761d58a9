import { z } from 'zod';
import { NBA_TEAMS } from '../data/nba-teams';

/*
 * POST /api/v1/nba/schedule: a slate (given, or the stored games of `date` and the `days` after
 * it), national-TV slots, and the choice of games that maximises closeness (1 − |2p − 1|,
 * optionally × popularity) under the slot rules of shared/src/nba-schedule/problem.ts.
 */

const TEAM_IDS = NBA_TEAMS.map((t) => t.id) as [string, ...string[]];
const TeamId = z.enum(TEAM_IDS, { error: `a team id (${TEAM_IDS.join(', ')})` });

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (24 h)');

const ScheduleGame = z.strictObject({
  home: TeamId,
  away: TeamId,
  date: IsoDate,
  tip: ClockTime.optional().describe('tip-off time; needed for slots with a time'),
  homeWinProbability: z.number().min(0).max(1).optional().describe("the home side's win probability; without it the coordinator's model gives one"),
}).refine((g) => g.home !== g.away, { message: 'home and away are the same team', path: ['away'] });

const ScheduleSlot = z.strictObject({
  date: IsoDate.optional().describe('only games on this date fit'),
  time: ClockTime.optional().describe('only games tipping within windowMinutes of this time fit'),
  windowMinutes: z.number().int().min(0).max(720).optional(),
  window: z.string().min(1).max(40).optional().describe('slots of one window share the team-once rule (default: the slot date, else the whole slate)'),
});

export const MAX_SCHEDULE_GAMES = 200;

export const NbaScheduleBody = z.strictObject({
  date: IsoDate.optional().describe("the slate is the stored NBA games (regular season, play-in, playoffs) of this date and the days after it"),
  days: z.number().int().min(1).max(14).optional().describe('with date: how many days the slate spans (default 1)'),
  games: z.array(ScheduleGame).min(1).max(MAX_SCHEDULE_GAMES).optional().describe('the slate itself, instead of date'),
  slots: z.union([z.number().int().min(1).max(50), z.array(ScheduleSlot).min(1).max(50)])
    .describe('N slots open to any game of the slate, or the slots themselves'),
  popularity: z.partialRecord(TeamId, z.number().positive().max(100)).optional().describe("a team's weight (default 1); a game weighs its teams' mean"),
  fillAll: z.boolean().default(true).describe('every slot must hold a game (else the answer is 422 with the reason)'),
}).refine((b) => (b.date === undefined) !== (b.games === undefined), { message: 'give either date or games', path: ['date'] })
  .refine((b) => b.days === undefined || b.date !== undefined, { message: 'days goes with date', path: ['days'] });
export type NbaScheduleBody = z.infer<typeof NbaScheduleBody>;

export interface NbaScheduleChoice {
  home: string;
  away: string;
  date: string;
  tip?: string;
  homeWinProbability: number;
  closeness: number;
  weight: number;
  value: number;
}

export interface NbaScheduleAnswer {
  slate: { games: number; from: string; to: string };
  /** Where the win probabilities came from. */
  probabilities: 'request' | 'model' | 'request+model';
  objective: number;
  filled: number;
  slots: { slot: number; date?: string; time?: string; window: string; game: NbaScheduleChoice | null }[];
  solver: { name: 'highs'; variables: number; ms: number };
}

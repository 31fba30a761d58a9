import type { NbaScheduleAnswer } from '@nfl-grid/shared/api/nba-schedule';
import { NBA_TEAMS } from '@nfl-grid/shared/data/nba-teams';
import { getJson } from '../api-client';
import { intOption, requiredString } from '../args';
import { type Command, table, UsageError } from '../command';

const TEAM_IDS = new Set(NBA_TEAMS.map((t) => t.id));

/** `LAL=2,BOS=1.5` → { LAL: 2, BOS: 1.5 }. */
function popularityOption(v: string | boolean | undefined): Record<string, number> | undefined {
  if (v === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of String(v).split(',')) {
    const m = /^([A-Z]{3})=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m) throw new UsageError(`--popularity must be TEAM=WEIGHT pairs separated by commas (LAL=2,BOS=1.5): '${part}'`, 'nba schedule');
    if (!TEAM_IDS.has(m[1]!)) throw new UsageError(`--popularity: unknown team ${m[1]} (teams: ${[...TEAM_IDS].join(', ')})`, 'nba schedule');
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * `nfl-grid nba schedule`: the national-TV choice for a stored date (POST /api/v1/nba/schedule):
 * N slots open to any game of the day (or of --days days), filled with the games closest to even.
 */
export const nbaScheduleCommand: Command = {
  path: ['nba', 'schedule'],
  summary: 'choose the national-TV games of a stored NBA date that are closest to even (exact MILP)',
  usage: '--date YYYY-MM-DD --slots N [--days K] [--popularity TEAM=W,...] [--allow-empty]',
  help: [
    '--date YYYY-MM-DD         the slate: stored NBA games of this date (regular season, play-in, playoffs)',
    '--slots N                 national-TV slots to fill (1–50)',
    '--days K                  the slate spans K days from --date (default 1); a team is then national once, never on consecutive days',
    '--popularity TEAM=W,...   team weights (default 1); a game weighs the mean of its two teams',
    '--allow-empty             leave slots empty when the rules cannot fill them (default: fail with the reason)',
  ],
  options: { date: { type: 'string' }, slots: { type: 'string' }, days: { type: 'string' }, popularity: { type: 'string' }, 'allow-empty': { type: 'boolean' } },
  async run(ctx) {
    const date = requiredString(ctx.values, 'date');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date must be YYYY-MM-DD: ${date}`, 'nba schedule');
    if (ctx.values.slots === undefined) throw new UsageError('--slots is required', 'nba schedule');
    const slots = intOption(ctx.values, 'slots', 1, 50)!;
    const days = intOption(ctx.values, 'days', 1, 14);
    const popularity = popularityOption(ctx.values.popularity);
    const api = ctx.api();
    const body = { date, slots, fillAll: ctx.values['allow-empty'] !== true, ...(days ? { days } : {}), ...(popularity ? { popularity } : {}) };
    const a = await getJson(ctx.url, () => api.api.v1.nba.schedule.$post({ json: body })) as NbaScheduleAnswer;
    if (ctx.json) return ctx.io.out(JSON.stringify(a, null, 2));
    ctx.io.out(`${a.slate.games} games ${a.slate.from === a.slate.to ? `on ${a.slate.from}` : `from ${a.slate.from} to ${a.slate.to}`}; probabilities: ${a.probabilities}; ${a.filled} of ${a.slots.length} slots filled (HiGHS, ${a.solver.ms} ms)`);
    ctx.io.out(table(['SLOT', 'DATE', 'GAME', 'P(HOME)', 'CLOSENESS', 'WEIGHT'],
      a.slots.map((s) => (s.game
        ? [s.slot + 1, s.game.date, `${s.game.away} @ ${s.game.home}`, s.game.homeWinProbability.toFixed(3), s.game.closeness.toFixed(3), s.game.weight.toFixed(2)]
        : [s.slot + 1, s.date ?? '-', '(empty)', null, null, null]))));
    ctx.io.out(`total closeness × weight: ${a.objective.toFixed(3)}`);
  },
};

import type { NbaScheduleAnswer, NbaScheduleBody } from '@nfl-grid/shared/api/nba-schedule';
import { closeness, popularityWeight, type SlateGame, type Slot, windowOf } from '@nfl-grid/shared/nba-schedule/problem';
import { AppError, BadRequest } from '../../errors';
import type { NbaGames, WinProbabilities } from './nba-games';
import { ScheduleInfeasibleError, solveSlots } from './solve-slots';

/*
 * One schedule request, start to end: the slate (given or stored), each game's home win
 * probability (given, else the win-probability model), values = closeness × popularity, the exact
 * optimum. An impossible request is a 422 naming the reason.
 */

export class UnprocessableSchedule extends AppError {
  constructor(message: string, code: string, field?: string) {
    super(422, code, message, field);
  }
}

/** The source's error about its k-th game, named by that game's place in the slate. */
function renamed(e: unknown, slateIndex: (k: number) => number, fromStore: boolean): unknown {
  if (!(e instanceof BadRequest) || !e.field) return e;
  const m = /^games\.(\d+)\.(\w+)$/.exec(e.field);
  if (!m) return e;
  if (fromStore) return new UnprocessableSchedule(`the win-probability model cannot rate this slate: ${e.message}`, e.code, 'date');
  return new BadRequest(e.message, `games.${slateIndex(Number(m[1]))}.${m[2]}`, e.code);
}

export async function scheduleSlate(body: NbaScheduleBody, data: () => NbaGames, winProbabilities: WinProbabilities): Promise<NbaScheduleAnswer> {
  let games: (SlateGame & { homeWinProbability?: number })[];
  if (body.games) games = body.games.map((g) => ({ ...g }));
  else {
    const store = data();
    games = store.slate(body.date!, body.days ?? 1);
    if (games.length === 0) {
      throw new UnprocessableSchedule(`no stored NBA games from ${body.date} over ${body.days ?? 1} day(s) (the data spans ${store.first} to ${store.last})`, 'empty_slate', 'date');
    }
  }
  const missing = games.flatMap((g, i) => (g.homeWinProbability === undefined ? [i] : []));
  let fromSource: number[] = [];
  try {
    if (missing.length > 0) fromSource = await winProbabilities(missing.map((i) => games[i]!));
  } catch (e) {
    throw renamed(e, (k) => missing[k]!, !body.games);
  }
  const p = games.map((g) => g.homeWinProbability ?? 0);
  missing.forEach((gi, k) => { p[gi] = fromSource[k]!; });
  const slots: Slot[] = typeof body.slots === 'number' ? Array.from({ length: body.slots }, () => ({})) : body.slots;
  const weights = games.map((g) => popularityWeight(g, body.popularity ?? {}));
  const values = games.map((_, i) => closeness(p[i]!) * weights[i]!);
  let solution;
  try {
    solution = await solveSlots({ games, slots, values, fillAll: body.fillAll });
  } catch (e) {
    if (e instanceof ScheduleInfeasibleError) throw new UnprocessableSchedule(e.reason, e.code, 'slots');
    throw e;
  }
  const dates = games.map((g) => g.date).sort();
  return {
    slate: { games: games.length, from: dates[0]!, to: dates.at(-1)! },
    probabilities: missing.length === 0 ? 'request' : missing.length === games.length ? 'model' : 'request+model',
    objective: solution.objective,
    filled: solution.assignment.filter((g) => g !== null).length,
    slots: slots.map((s, i) => {
      const g = solution.assignment[i];
      const game = g === null || g === undefined ? null : {
        home: games[g]!.home, away: games[g]!.away, date: games[g]!.date, ...(games[g]!.tip ? { tip: games[g]!.tip } : {}),
        homeWinProbability: p[g]!, closeness: closeness(p[g]!), weight: weights[g]!, value: values[g]!,
      };
      return { slot: i, ...(s.date ? { date: s.date } : {}), ...(s.time ? { time: s.time } : {}), window: windowOf(s), game };
    }),
    solver: { name: 'highs', variables: solution.variables, ms: Number(solution.solveMs.toFixed(2)) },
  };
}

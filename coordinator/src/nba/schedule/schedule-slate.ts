import type { NbaScheduleAnswer, NbaScheduleBody } from '@nfl-grid/shared/api/nba-schedule';
import { closeness, popularityWeight, type SlateGame, type Slot, windowOf } from '@nfl-grid/shared/nba-schedule/problem';
import { AppError } from '../../errors';
import type { NbaGames } from './nba-games';
import { ScheduleInfeasibleError, solveSlots } from './solve-slots';

/*
 * One schedule request, start to end: the slate (given or stored), each game's home win
 * probability (given, else the probability source), values = closeness × popularity, the exact
 * optimum. An impossible request is a 422 naming the reason.
 */

export class UnprocessableSchedule extends AppError {
  constructor(message: string, code: string, field?: string) {
    super(422, code, message, field);
  }
}

export async function scheduleSlate(body: NbaScheduleBody, data: () => NbaGames): Promise<NbaScheduleAnswer> {
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
  const fromSource = missing.length > 0 ? await data().eloProbabilities(missing.map((i) => games[i]!)) : [];
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
    probabilities: missing.length === 0 ? 'request' : missing.length === games.length ? 'elo' : 'request+elo',
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

import { Hono } from 'hono';
import { NbaScheduleBody } from '@nfl-grid/shared/api/nba-schedule';
import type { Grid } from '../grid';
import { nbaGames } from '../nba/schedule/nba-games';
import { nbaWinProbabilities } from '../nba/win-probability';
import { scheduleSlate } from '../nba/schedule/schedule-slate';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

/** Seed 002's scheduler: which games of a slate go to the national-TV slots. Public, like the cover service. */
export function nbaScheduleRoutes(grid: Grid) {
  return new Hono()
    .post('/nba/schedule',
      describeRoute({
        summary: 'Choose the national-TV games of an NBA slate that are closest to even (exact MILP)',
        description: 'The slate is `games` (home, away, date, optional tip and homeWinProbability) or the stored games of `date` (and `days`). '
          + '`slots` is a count (slots open to any game) or a list (date, time ± windowMinutes, window). Rules: a slot holds one game, a game one slot, '
          + 'a team at most once per window, a team\'s national games at least two days apart. Maximises Σ closeness (1 − |2p − 1|) × popularity '
          + '(mean of the teams\' weights, default 1); probabilities not given come from the NBA win-probability model (as POST /api/v1/nba/win-probability). '
          + 'A slate that cannot fill every slot (fillAll, default) answers 422 with the reason.',
        auth: { kind: 'none' },
        responses: { 200: 'The chosen game per slot', 422: 'No stored games for the date, or the rules leave a slot empty' },
      }),
      zv('json', NbaScheduleBody),
      async (c) => c.json(await scheduleSlate(c.req.valid('json'), () => nbaGames(grid.config.inputsDir), (games) => nbaWinProbabilities(grid, games))));
}

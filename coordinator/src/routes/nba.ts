import { Hono } from 'hono';
import { NbaWinProbabilityBody, type NbaWinProbabilityAnswer } from '@nfl-grid/shared/api/nba';
import type { Grid } from '../grid';
import { nbaWinServer } from '../nba/win-probability';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const PUBLIC = { kind: 'none' } as const;

/** Seed 002's win-probability service: public, like the cover service. */
export function nbaRoutes(grid: Grid) {
  return new Hono()
    .post('/nba/win-probability',
      describeRoute({
        summary: 'Home win probability of an NBA game, or of a slate of games',
        description: 'Body: {home, away, date} or {games: [{home, away, date}, …]} (at most 500). Teams by id (BOS, LAL, …). Features (Elo ratings, rest, back-to-backs, travel, schedule density) come from results strictly before the date. Concurrent requests are batched into one forward pass.',
        auth: PUBLIC,
      }),
      zv('json', NbaWinProbabilityBody),
      async (c) => {
        const body = c.req.valid('json');
        const server = nbaWinServer(grid);
        const single = body.games === undefined;
        const games = body.games ?? [{ home: body.home!, away: body.away!, date: body.date! }];
        const p = await server.probabilities(games, single ? '' : 'games.');
        const m = await server.model();
        const answer: NbaWinProbabilityAnswer = { model: m.name, version: m.version, results: games.map((g, i) => ({ ...g, homeWin: p[i]! })) };
        return c.json(answer);
      });
}

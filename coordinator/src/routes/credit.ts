import { Hono } from 'hono';
import { LeaderboardQuery } from '@nfl-grid/shared/api/credit';
import { requireAuth } from '../auth/require-auth';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';
import { leaderboard } from './reads/leaderboard';

export function creditRoutes(grid: Grid) {
  return new Hono()
    .get('/credit/leaderboard',
      describeRoute({ summary: 'Top volunteers or hosts by total credit, with recent average credit (7-day half-life)' }),
      requireAuth(grid), zv('query', LeaderboardQuery),
      async (c) => {
        const q = c.req.valid('query');
        return c.json({ by: q.by, rows: await leaderboard(grid, q.by, q.limit) });
      });
}

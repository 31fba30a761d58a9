import { Hono } from 'hono';
import { requireAuth } from '../auth/require-auth';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { queueOverview } from './reads/queue-overview';

export function queueRoutes(grid: Grid) {
  return new Hono()
    .get('/queue',
      describeRoute({ summary: 'Queue overview: work units by state, open batches, CPU and GPU hours, hosts online, what runs now, latest host statistics' }),
      requireAuth(grid),
      async (c) => c.json(await queueOverview(grid, c.get('user'))));
}

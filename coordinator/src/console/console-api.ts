import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/require-auth';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { zv } from '../routes/http/validate';
import type { LiveHub } from './live-hub';
import { dispatchByKernel } from './reads/dispatch';
import { hostsWithWork } from './reads/hosts-detail';
import { hostErrorTrends, problemReplicas } from './reads/validation';

const DispatchQuery = z.object({ minutes: z.coerce.number().int().min(5).max(24 * 60).default(60) });

/** Reads only the console needs (admin): the live snapshot, hosts with their work, validation problems, dispatch history. */
export function consoleApiRoutes(grid: Grid, hub: LiveHub) {
  const admin = requireAuth(grid, ['admin']);
  return new Hono()
    .get('/console/snapshot',
      describeRoute({ summary: 'The compact grid snapshot the live feed sends: queue, hours, throughput, heat, live hosts, open batches (admin)' }),
      admin,
      async (c) => c.json(await hub.latest()))
    .get('/console/hosts',
      describeRoute({ summary: 'Every host with what it is working on now and when its settings last changed (admin)' }),
      admin,
      async (c) => c.json({ hosts: await hostsWithWork(grid, c.get('user')) }))
    .get('/console/validation',
      describeRoute({ summary: 'Invalid, inconclusive and errored replicas, newest first, and hosts with high or rising error rates (admin)' }),
      admin,
      async (c) => {
        const [replicas, hosts] = await Promise.all([problemReplicas(grid), hostErrorTrends(grid)]);
        return c.json({ replicas, hosts });
      })
    .get('/console/dispatch',
      describeRoute({ summary: 'Replicas dispatched per minute by kernel (admin)' }),
      admin, zv('query', DispatchQuery),
      async (c) => c.json(await dispatchByKernel(grid, c.req.valid('query').minutes)));
}

import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { SerialIdParam } from '@nfl-grid/shared/api/ids';
import { requireAuth } from '../auth/require-auth';
import { batches, hosts, replicas, workUnits } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';
import { canSee } from './reads/batch-access';
import { replicaView } from './reads/work-unit-view';

export function replicasRoutes(grid: Grid) {
  return new Hono()
    .get('/replicas/:id',
      describeRoute({ summary: 'One replica (a copy of a work unit sent to one host), with its output' }),
      requireAuth(grid), zv('param', SerialIdParam),
      async (c) => {
        const [row] = await grid.db.orm.select({ r: replicas, hostName: hosts.name, batchId: batches.id, ownerId: batches.ownerId })
          .from(replicas)
          .innerJoin(hosts, eq(hosts.id, replicas.hostId))
          .innerJoin(workUnits, eq(workUnits.id, replicas.wuId))
          .innerJoin(batches, eq(batches.id, workUnits.batchId))
          .where(eq(replicas.id, c.req.valid('param').id)).limit(1);
        if (!row || !canSee(c.get('user'), row.ownerId)) throw new NotFound('replica', 'id');
        return c.json({ ...replicaView(row.r, row.hostName), batchId: row.batchId, output: row.r.output });
      });
}

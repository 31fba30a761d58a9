import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { SerialIdParam } from '@nfl-grid/shared/api/ids';
import { requireAuth } from '../auth/require-auth';
import { batches, workUnits } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';
import { canSee } from './reads/batch-access';
import { replicasOf, workUnitView } from './reads/work-unit-view';

export function workUnitsRoutes(grid: Grid) {
  return new Hono()
    .get('/workunits/:id',
      describeRoute({ summary: 'A work unit with its replicas: host, state, validation, credit, output hash, times' }),
      requireAuth(grid), zv('param', SerialIdParam),
      async (c) => {
        const [row] = await grid.db.orm.select({ w: workUnits, ownerId: batches.ownerId }).from(workUnits)
          .innerJoin(batches, eq(batches.id, workUnits.batchId)).where(eq(workUnits.id, c.req.valid('param').id)).limit(1);
        if (!row || !canSee(c.get('user'), row.ownerId)) throw new NotFound('work unit', 'id');
        return c.json({ ...workUnitView(row.w), replicas: await replicasOf(grid, row.w.id) });
      });
}

import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireAuth } from '../auth/access';
import { Conflict, NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { reprioritiseBatches } from '../queue/reprioritise';
import { recordEvent } from '../auth/audit-log';
import { zv } from '../routes/http/validate';
import { idParam } from '../routes/http/id-param';

/** The same bounds as BatchSpec.priority. */
export const PatchBatchBody = z.strictObject({ priority: z.number().int().min(-1000).max(1000) });

/**
 * `PATCH /batches/:id {priority}` (admin): re-prioritises an open batch and its unfinished work
 * units in one transaction, and records the change. Priority arbitrates between researchers'
 * batches, so it is an admin's call, not the owner's.
 */
export function batchPriorityRoutes(grid: Grid) {
  return new Hono()
    .patch('/batches/:id',
      describeRoute({ summary: "Re-prioritise an open batch: the batch and its unfinished work units' priority (admin)" }),
      requireAuth(grid, ['admin']), idParam(grid, 'batches'), zv('json', PatchBatchBody),
      async (c) => {
        const { id } = c.req.valid('param');
        const { priority } = c.req.valid('json');
        const actor = c.get('user').id;
        const out = await grid.db.transaction(async (tx) => {
          // Lock order: work units, then the batch row (as cancel and the validator do).
          const [batch] = await tx.rows<{ state: string; priority: number }>(sql`SELECT state, priority FROM batches WHERE id = ${id}`);
          if (!batch) throw new NotFound('batch', 'id');
          if (batch.state !== 'open') throw new Conflict(`batch is already ${batch.state}`, 'batch_not_open', 'id');
          const wus = (await reprioritiseBatches(tx, new Map([[id, priority]]))).get(id) ?? 0;
          await recordEvent(tx, 'batch.reprioritised', id, actor, { from: batch.priority, to: priority, wus });
          return { from: batch.priority, wus };
        });
        // Pending work may now outrank what idle hosts were told there is.
        grid.wakeScheduler();
        return c.json({ batchId: id, priority, previousPriority: out.from, workUnitsUpdated: out.wus });
      });
}

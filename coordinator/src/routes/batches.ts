import { and, asc, count, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { ListBatchesQuery, ListWorkUnitsQuery, ResultsQuery } from '@nfl-grid/shared/api/batch-queries';
import { IdParam } from '@nfl-grid/shared/api/ids';
import { requireAuth } from '../auth/require-auth';
import { scienceResults, workUnits } from '../db/schema/index';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { cancelBatch } from '../queue/cancel-batch';
import { submitBatch } from '../queue/submit-batch';
import { flatten, toCsv } from './http/csv';
import { zv } from './http/validate';
import { batchFor } from './reads/batch-access';
import { batchSummary, batchUsage, listBatches, ownerName, wuCounts } from './reads/batch-summaries';
import { workUnitView } from './reads/work-unit-view';

/** Researchers' batches: submit, follow, cancel, download results. Others' batches are 404. */
export function batchesRoutes(grid: Grid) {
  const anyone = requireAuth(grid);
  return new Hono()
    .post('/batches',
      describeRoute({ summary: 'Submit a batch of work units', responses: { 201: 'The batch id, its number of work units and estimated CPU hours' } }),
      requireAuth(grid, ['researcher', 'admin']), zv('json', BatchSpec),
      async (c) => c.json(await submitBatch(grid, c.get('user').id, c.req.valid('json')), 201))
    .get('/batches',
      describeRoute({ summary: 'List your batches (admins: all), newest first' }),
      anyone, zv('query', ListBatchesQuery),
      async (c) => {
        const q = c.req.valid('query');
        const { total, batches } = await listBatches(grid.db, c.get('user'), q);
        return c.json({ batches, total, limit: q.limit, offset: q.offset });
      })
    .get('/batches/:id',
      describeRoute({ summary: 'A batch with its work unit counts by state, progress, credit granted and CPU hours' }),
      anyone, zv('param', IdParam),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const [counts, usage, owner] = await Promise.all([wuCounts(grid.db, [b.id]), batchUsage(grid.db, b.id), ownerName(grid.db, b.ownerId)]);
        return c.json({ ...batchSummary(b, owner, counts.get(b.id)), ...usage, spec: b.spec });
      })
    .post('/batches/:id/cancel',
      describeRoute({ summary: 'Cancel an open batch: its unfinished work units and the replicas out on hosts' }),
      anyone, zv('param', IdParam),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const r = await cancelBatch(grid, b.id, c.get('user').id);
        return c.json({ batchId: b.id, state: 'cancelled' as const, ...r });
      })
    .get('/batches/:id/workunits',
      describeRoute({ summary: "A batch's work units in sequence order" }),
      anyone, zv('param', IdParam), zv('query', ListWorkUnitsQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const q = c.req.valid('query');
        const where = q.state ? and(eq(workUnits.batchId, b.id), eq(workUnits.state, q.state)) : eq(workUnits.batchId, b.id);
        const rows = await grid.db.orm.select().from(workUnits).where(where).orderBy(asc(workUnits.seq)).limit(q.limit).offset(q.offset);
        const [{ total } = { total: 0 }] = await grid.db.orm.select({ total: count() }).from(workUnits).where(where);
        return c.json({ workUnits: rows.map(workUnitView), total: Number(total), limit: q.limit, offset: q.offset });
      })
    .get('/batches/:id/results',
      describeRoute({
        summary: "A batch's validated results in sequence order, as JSON or CSV",
        description: 'CSV flattens params and output into dotted columns (params.season, output.mean); arrays stay whole as JSON in one cell, except arrays of more than 1,000 values (per-scenario lists), which only the JSON carries.',
        produces: ['application/json', 'text/csv'],
      }),
      anyone, zv('param', IdParam), zv('query', ResultsQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const rows = await grid.db.orm.select().from(scienceResults).where(eq(scienceResults.batchId, b.id)).orderBy(asc(scienceResults.seq));
        if (c.req.valid('query').format === 'csv') {
          const flat = rows.map((r) => ({
            seq: r.seq, wu_id: r.wuId, kernel: r.kernel, output_sha256: r.outputSha256,
            ...flatten(r.params, 'params'), ...flatten(r.output, 'output'),
          }));
          return c.body(toCsv(flat, ['seq', 'wu_id', 'kernel', 'output_sha256']), 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="batch-${b.id}.csv"`,
          });
        }
        return c.json({
          batchId: b.id,
          state: b.state,
          count: rows.length,
          results: rows.map((r) => ({ seq: r.seq, wuId: r.wuId, kernel: r.kernel, params: r.params, output: r.output, outputSha256: r.outputSha256, replicaId: r.replicaId, createdAt: r.createdAt })),
        });
      });
}

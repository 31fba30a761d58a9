import { and, asc, count, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { ListBatchesQuery, ListWorkUnitsQuery, ResultsQuery } from '@nfl-grid/shared/api/batch-queries';
import { CombinedQuery } from '@nfl-grid/shared/api/combined';
import type { BatchList, BatchSummary, BatchUsage, CancelledBatch, WorkUnitList, WuCounts } from '@nfl-grid/shared/api/console-types';
import { batchFor, type BatchRow, ownedIn, requireAuth, scopeOf } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import { combinedBatch, combineProgress } from '../combine/combined-batch';
import type { Db } from '../db/index';
import { batches, scienceResults, users, workUnits } from '../db/schema/index';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { cancelBatch } from '../queue/cancel-batch';
import { SOLO } from '../queue/assimilation';
import { submitBatch } from '../queue/submit-batch';
import { csvDownload, flatten, longCsv, toCsv } from './http/csv';
import { longRows } from './http/long-form';
import { zv } from './http/validate';
import { idParam } from './http/id-param';
import { workUnitView } from './workunits';

const ZERO: WuCounts = { pending: 0, running: 0, validating: 0, done: 0, failed: 0, cancelled: 0 };

/** WU counts by state for each batch (one grouped query). */
export async function wuCounts(db: Db, batchIds: string[]): Promise<Map<string, WuCounts>> {
  const out = new Map<string, WuCounts>();
  if (batchIds.length === 0) return out;
  const rows = await db.rows<{ batch_id: string; state: keyof WuCounts; n: number }>(sql`
    SELECT batch_id, state, count(*)::int AS n FROM work_units
     WHERE batch_id IN ${batchIds} GROUP BY batch_id, state`);
  for (const r of rows) {
    const c = out.get(r.batch_id) ?? { ...ZERO };
    c[r.state] = Number(r.n);
    out.set(r.batch_id, c);
  }
  return out;
}

/** Finished WUs (done, failed or cancelled) and their share of the batch, in percent. */
function progressOf(c: WuCounts, wuCount: number): { finished: number; percent: number } {
  const finished = c.done + c.failed + c.cancelled;
  return { finished, percent: wuCount > 0 ? Math.round((finished / wuCount) * 1000) / 10 : 100 };
}

export function batchSummary(b: BatchRow, ownerName: string, c: WuCounts = ZERO): BatchSummary {
  return {
    id: b.id,
    name: b.name,
    kernel: `${b.kernel}@${b.kernelVersion}`,
    state: b.state,
    priority: b.priority,
    owner: { id: b.ownerId, name: ownerName },
    wuCount: b.wuCount,
    estimatedHours: b.estimatedHours,
    createdAt: b.createdAt,
    finishedAt: b.finishedAt,
    counts: c,
    progress: progressOf(c, b.wuCount),
  };
}

/** The user's batches (an admin's: everyone's, unless `ownOnly`), newest first. */
export async function listBatches(db: Db, user: AuthUser, q: { state?: BatchRow['state']; limit: number; offset: number }, opts: { ownOnly?: boolean } = {}) {
  const conds: SQL[] = [];
  conds.push(opts.ownOnly ? eq(batches.ownerId, user.id) : ownedIn(scopeOf(user), batches.ownerId));
  if (q.state) conds.push(eq(batches.state, q.state));
  const where = conds.length ? and(...conds) : undefined;
  const rows = await db.orm.select({ b: batches, ownerName: users.name }).from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId)).where(where)
    .orderBy(desc(batches.createdAt), desc(batches.id)).limit(q.limit).offset(q.offset);
  const [{ total } = { total: 0 }] = await db.orm.select({ total: count() }).from(batches).where(where);
  const counts = await wuCounts(db, rows.map((r) => r.b.id));
  return { total: Number(total), batches: rows.map((r) => batchSummary(r.b, r.ownerName, counts.get(r.b.id))) };
}

/** Credit granted and compute spent on a batch's replicas: CPU hours of its valid ones only. */
export async function batchUsage(db: Db, batchId: string): Promise<BatchUsage> {
  const [r] = await db.rows<{ credit: number; cpu: number; gpu: number; n: number }>(sql`
    SELECT coalesce(sum(r.granted_credit), 0)::float8 AS credit,
           (coalesce(sum(r.cpu_seconds) FILTER (WHERE r.validate_state = 'valid'), 0) / 3600)::float8 AS cpu,
           (coalesce(sum(r.elapsed_seconds) FILTER (WHERE r.validate_state = 'valid' AND r.backend = 'tfjs-node-gpu'), 0) / 3600)::float8 AS gpu,
           count(r.id)::int AS n
      FROM work_units w
      JOIN replicas r ON r.wu_id = w.id
     WHERE w.batch_id = ${batchId}`);
  const [alone] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM work_units w WHERE w.batch_id = ${batchId} AND ${SOLO}`);
  return {
    creditGranted: Number(r?.credit ?? 0), cpuHours: Number(r?.cpu ?? 0), gpuHours: Number(r?.gpu ?? 0), replicas: Number(r?.n ?? 0),
    validatedAlone: Number(alone?.n ?? 0),
  };
}

export async function ownerName(db: Db, userId: string): Promise<string> {
  const [u] = await db.orm.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  return u?.name ?? '?';
}

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
        return c.json({ batches, total, limit: q.limit, offset: q.offset } satisfies BatchList);
      })
    .get('/batches/:id',
      describeRoute({ summary: 'A batch with its work unit counts by state, progress, credit granted and CPU hours, and a staged batch\'s plan state (a halving batch\'s rungs)' }),
      anyone, idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const [counts, usage, owner] = await Promise.all([wuCounts(grid.db, [b.id]), batchUsage(grid.db, b.id), ownerName(grid.db, b.ownerId)]);
        return c.json({ ...batchSummary(b, owner, counts.get(b.id)), ...usage, spec: b.spec, planState: b.planState ?? null });
      })
    .post('/batches/:id/cancel',
      describeRoute({ summary: 'Cancel an open batch: its unfinished work units and the replicas out on hosts' }),
      anyone, idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const r = await cancelBatch(grid, b.id, c.get('user').id);
        return c.json({ batchId: b.id, state: 'cancelled' as const, ...r } satisfies CancelledBatch);
      })
    .get('/batches/:id/workunits',
      describeRoute({ summary: "A batch's work units in sequence order" }),
      anyone, idParam(grid, 'batches'), zv('query', ListWorkUnitsQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const q = c.req.valid('query');
        const where = q.state ? and(eq(workUnits.batchId, b.id), eq(workUnits.state, q.state)) : eq(workUnits.batchId, b.id);
        const rows = await grid.db.orm.select().from(workUnits).where(where).orderBy(asc(workUnits.seq)).limit(q.limit).offset(q.offset);
        const [{ total } = { total: 0 }] = await grid.db.orm.select({ total: count() }).from(workUnits).where(where);
        return c.json({ workUnits: rows.map(workUnitView), total: Number(total), limit: q.limit, offset: q.offset } satisfies WorkUnitList);
      })
    .get('/batches/:id/results',
      describeRoute({
        summary: "A batch's validated results in sequence order, as JSON or CSV",
        description: 'CSV is long by default: one row per work unit × item (a team of mc.season, a scenario of mc.bankroll), with the params '
          + '(params.season), the output\'s scalars (output.nSims), `item` (the table, e.g. teams), `index` and the item\'s fields (teams.meanWins); '
          + 'no JSON in any cell. `shape=wide` is one row per work unit, arrays whole as JSON in one cell (over 1,000 values: only in the JSON).',
        produces: ['application/json', 'text/csv'],
      }),
      anyone, idParam(grid, 'batches'), zv('query', ResultsQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const rows = await grid.db.orm.select().from(scienceResults).where(and(eq(scienceResults.batchId, b.id), isNull(scienceResults.withdrawnAt))).orderBy(asc(scienceResults.seq));
        const { format, shape } = c.req.valid('query');
        if (format === 'csv') {
          const lead = ['seq', 'wu_id', 'kernel', 'output_sha256'];
          const leadOf = (r: (typeof rows)[number]) => ({ seq: r.seq, wu_id: r.wuId, kernel: r.kernel, output_sha256: r.outputSha256 });
          const text = shape === 'wide'
            ? toCsv(rows.map((r) => ({ ...leadOf(r), ...flatten(r.params, 'params'), ...flatten(r.output, 'output') })), lead)
            : longCsv(rows.map((r) => longRows(leadOf(r), r.params, r.output)), lead);
          return csvDownload(c, text, `batch-${b.id}.csv`);
        }
        return c.json({
          batchId: b.id,
          state: b.state,
          count: rows.length,
          results: rows.map((r) => ({ seq: r.seq, wuId: r.wuId, kernel: r.kernel, params: r.params, output: r.output, outputSha256: r.outputSha256, replicaId: r.replicaId, createdAt: r.createdAt })),
        });
      });
}

/**
 * `GET /batches/:id/combined`: the work units of an mc.bankroll or mc.season batch merged into
 * batch-level figures with bootstrap confidence intervals. The same access as other batch reads:
 * the owner or an admin; another researcher's batch is 404. Mounted under /api/v1.
 */
export function combinedRoutes(grid: Grid) {
  return new Hono()
    .get('/batches/:id/combined',
      describeRoute({
        summary: "A batch's work units merged into batch-level figures with bootstrap confidence intervals",
        description: 'mc.bankroll@1 (scenarios pooled: final bankroll, VaR95, CVaR95, drawdown, per-bet Sharpe, ruin) and mc.season@1 '
          + '(win histograms and division / playoff counts pooled per team). Work units of the same params (seed and size params aside) '
          + 'form one group. Intervals are percentile bootstrap intervals over `resamples` resamples of scenarios or simulations, '
          + 'reproducible from `seed`. A partial batch is merged too: `included` of `wuCount` work units, `complete` once all are. '
          + 'The result is cached until the batch has new results. 409 when the kernel has no merge or there are no results yet.',
        produces: ['application/json', 'text/csv'],
        responses: { 200: 'The merged figures per group of work units (csv: one row per group × item, as results\' long form)', 409: 'Nothing to merge (not_mergeable, no_results, no_mergeable_results)' },
      }),
      requireAuth(grid), idParam(grid, 'batches'), zv('query', CombinedQuery),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const { format, ...options } = c.req.valid('query');
        const r = await combinedBatch(grid, b, options);
        if (format === 'json') return c.json(r);
        const groups = r.groups.map((g, i) => longRows({ group: i, kernel: g.kernel, work_units: g.workUnits }, g.params, g.figures));
        return csvDownload(c, longCsv(groups, ['group', 'kernel', 'work_units']), `batch-${b.id}-combined.csv`);
      })
    .get('/batches/:id/combined/progress',
      describeRoute({ summary: "How far this coordinator's merge of the batch is (phase, resample chunks done of all, elapsed), while one runs" }),
      requireAuth(grid), idParam(grid, 'batches'),
      async (c) => {
        const b = await batchFor(grid, c.get('user'), c.req.valid('param').id);
        const p = combineProgress(grid, b.id);
        return c.json(p ? { running: true as const, ...p } : { running: false as const });
      });
}

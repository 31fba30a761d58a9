import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AuthUser } from '../../auth/api-keys';
import type { Db } from '../../db/index';
import { batches, users } from '../../db/schema/index';
import type { BatchRow } from './batch-access';

export interface WuCounts { pending: number; running: number; validating: number; done: number; failed: number; cancelled: number }

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
export function progressOf(c: WuCounts, wuCount: number): { finished: number; percent: number } {
  const finished = c.done + c.failed + c.cancelled;
  return { finished, percent: wuCount > 0 ? Math.round((finished / wuCount) * 1000) / 10 : 100 };
}

export function batchSummary(b: BatchRow, ownerName: string, c: WuCounts = ZERO) {
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
export type BatchSummary = ReturnType<typeof batchSummary>;

/** The user's batches (an admin's: everyone's, unless `ownOnly`), newest first. */
export async function listBatches(db: Db, user: AuthUser, q: { state?: BatchRow['state']; limit: number; offset: number }, opts: { ownOnly?: boolean } = {}) {
  const conds: SQL[] = [];
  if (user.role !== 'admin' || opts.ownOnly) conds.push(eq(batches.ownerId, user.id));
  if (q.state) conds.push(eq(batches.state, q.state));
  const where = conds.length ? and(...conds) : undefined;
  const rows = await db.orm.select({ b: batches, ownerName: users.name }).from(batches)
    .innerJoin(users, eq(users.id, batches.ownerId)).where(where)
    .orderBy(desc(batches.createdAt), desc(batches.id)).limit(q.limit).offset(q.offset);
  const [{ total } = { total: 0 }] = await db.orm.select({ total: count() }).from(batches).where(where);
  const counts = await wuCounts(db, rows.map((r) => r.b.id));
  return { total: Number(total), batches: rows.map((r) => batchSummary(r.b, r.ownerName, counts.get(r.b.id))) };
}

/** Credit granted and compute spent on a batch's replicas. */
export async function batchUsage(db: Db, batchId: string): Promise<{ creditGranted: number; cpuHours: number; gpuHours: number; replicas: number }> {
  const [r] = await db.rows<{ credit: number; cpu: number; gpu: number; n: number }>(sql`
    SELECT coalesce(sum(r.granted_credit), 0)::float8 AS credit,
           (coalesce(sum(r.cpu_seconds), 0) / 3600)::float8 AS cpu,
           (coalesce(sum(r.cpu_seconds) FILTER (WHERE h.gpu), 0) / 3600)::float8 AS gpu,
           count(r.id)::int AS n
      FROM work_units w
      JOIN replicas r ON r.wu_id = w.id
      JOIN hosts h ON h.id = r.host_id
     WHERE w.batch_id = ${batchId}`);
  return { creditGranted: Number(r?.credit ?? 0), cpuHours: Number(r?.cpu ?? 0), gpuHours: Number(r?.gpu ?? 0), replicas: Number(r?.n ?? 0) };
}

export async function ownerName(db: Db, userId: string): Promise<string> {
  const [u] = await db.orm.select({ name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  return u?.name ?? '?';
}

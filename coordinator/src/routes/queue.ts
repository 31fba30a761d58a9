import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { WuTotals } from '@nfl-grid/shared/api/console-types';
import { ownedIn, requireAuth, scopeOf } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { visibleHosts } from './hosts';

/** WU totals by state over the whole grid. */
export async function wuTotals(grid: Grid): Promise<WuTotals> {
  const rows = await grid.db.rows<{ state: string; n: number }>(sql`SELECT state, count(*)::int AS n FROM work_units GROUP BY state`);
  const t: WuTotals = { total: 0, pending: 0, running: 0, validating: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const r of rows) {
    const key = (r.state === 'done' ? 'completed' : r.state) as keyof WuTotals;
    t[key] = Number(r.n);
    t.total += Number(r.n);
  }
  return t;
}

/**
 * CPU hours of valid replicas (their bounded claims), and GPU hours: the wall time of valid
 * replicas that ran on a GPU backend (the backend each result names, not whether the host has a
 * GPU). Work not (yet) judged valid is left out, so an invalid or unchecked claim never moves
 * the totals.
 */
export async function computeHours(grid: Grid): Promise<{ cpuHours: number; gpuHours: number }> {
  const [r] = await grid.db.rows<{ cpu: number; gpu: number }>(sql`
    SELECT (coalesce(sum(r.cpu_seconds), 0) / 3600)::float8 AS cpu,
           (coalesce(sum(r.elapsed_seconds) FILTER (WHERE r.backend = 'tfjs-node-gpu'), 0) / 3600)::float8 AS gpu
      FROM replicas r
     WHERE r.validate_state = 'valid' AND r.cpu_seconds IS NOT NULL`);
  return { cpuHours: Number(r?.cpu ?? 0), gpuHours: Number(r?.gpu ?? 0) };
}

export async function hostCounts(grid: Grid): Promise<{ total: number; online: number; gpu: number }> {
  const rows = await grid.db.rows<{ id: string; online: boolean; gpu: boolean }>(sql`SELECT id, online, gpu FROM hosts WHERE status <> 'banned'`);
  const local = new Set(grid.agents.onlineHostIds());
  return { total: rows.length, online: rows.filter((h) => h.online || local.has(h.id)).length, gpu: rows.filter((h) => h.gpu).length };
}

/** Open batches with WUs out on hosts right now, with their share finished: the user's scope, or (null) all for public counts. */
export async function runningNow(grid: Grid, user: AuthUser | null, limit = 10) {
  const mine = user ? sql`AND ${ownedIn(scopeOf(user), sql`b.owner_id`)}` : sql``;
  const rows = await grid.db.rows<{ id: string; name: string; kernel: string; kernel_version: number; priority: number; wu_count: number; owner: string; finished: number; active: number }>(sql`
    SELECT b.id, b.name, b.kernel, b.kernel_version, b.priority, b.wu_count, u.name AS owner,
           count(*) FILTER (WHERE w.state IN ('done', 'failed', 'cancelled'))::int AS finished,
           count(*) FILTER (WHERE w.state IN ('running', 'validating'))::int AS active
      FROM batches b
      JOIN users u ON u.id = b.owner_id
      JOIN work_units w ON w.batch_id = b.id
     WHERE b.state = 'open' ${mine}
     GROUP BY b.id, u.name
    HAVING count(*) FILTER (WHERE w.state IN ('running', 'validating')) > 0
     ORDER BY b.priority DESC, b.created_at
     LIMIT ${limit}`);
  return rows.map((r) => ({
    id: r.id, name: r.name, kernel: `${r.kernel}@${r.kernel_version}`, priority: r.priority, owner: r.owner,
    wuCount: r.wu_count, running: Number(r.active), finished: Number(r.finished),
    percentDone: r.wu_count > 0 ? Math.round((Number(r.finished) / r.wu_count) * 1000) / 10 : 100,
  }));
}

/** Everything `GET /queue` and `nfl-grid status` show. Batch and host detail is limited to what the user may see. */
async function queueOverview(grid: Grid, user: AuthUser) {
  const [workUnits, hours, hosts, [open], running, latest] = await Promise.all([
    wuTotals(grid),
    computeHours(grid),
    hostCounts(grid),
    grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM batches WHERE state = 'open'`),
    runningNow(grid, user),
    visibleHosts(grid, user, { limit: 10 }),
  ]);
  return {
    workUnits,
    batchesOpen: Number(open?.n ?? 0),
    cpuHours: hours.cpuHours,
    gpuHours: hours.gpuHours,
    hosts,
    runningNow: running,
    latestHosts: latest.map((h) => ({
      id: h.id, name: h.name, owner: h.owner.name, online: h.online, status: h.status, intensity: h.intensity,
      lastContact: h.lastContact, gpu: h.gpu, readings: h.readings, rac: h.credit.rac, totalCredit: h.credit.total,
    })),
  };
}

export function queueRoutes(grid: Grid) {
  return new Hono()
    .get('/queue',
      describeRoute({ summary: 'Queue overview: work units by state, open batches, CPU and GPU hours, hosts online, what runs now, latest host statistics' }),
      requireAuth(grid),
      async (c) => c.json(await queueOverview(grid, c.get('user'))));
}

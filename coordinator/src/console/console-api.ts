import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ConsoleHistory, ConsoleHosts, CurrentWork, Dispatch, HostDetail, HostErrorTrend, HostHistory, MyCredit, ProblemReplica, ValidationProblems } from '@nfl-grid/shared/api/console-types';
import { canSee, requireAuth } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { visibleHosts } from '../routes/hosts';
import { zv } from '../routes/http/validate';
import { flaggedPairs } from './flagged-pairs';
import { gridHistory, hostHistory, myCredit } from './history';
import type { LiveHub } from './live-hub';

/*
 * The console's validation view: replicas that disagreed with their quorum or failed the
 * coordinator's check of their output (invalid, with the check's reason), that have
 * not been settled yet (inconclusive), or that errored, newest first; and the hosts whose error
 * rate is high or rising (their share of bad replicas in the last hour against their lifetime).
 */

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
/** A new host starts at this error rate (the hosts table default). */
const PRIOR_ERROR_RATE = 0.1;

export async function problemReplicas(grid: Grid, limit = 100): Promise<ProblemReplica[]> {
  const rows = await grid.db.rows<{
    id: number; wu_id: number; seq: number; batch_id: string; batch_name: string; kernel: string; kernel_version: number; wu_state: string;
    host_id: string; host_name: string; owner: string; state: string; validate_state: string; error_code: string | null; error_message: string | null;
    output_sha256: string | null; reported_at: Date | string | null;
  }>(sql`
    SELECT r.id, r.wu_id, w.seq, b.id AS batch_id, b.name AS batch_name, w.kernel, w.kernel_version, w.state AS wu_state,
           h.id AS host_id, h.name AS host_name, u.name AS owner, r.state, r.validate_state,
           -- an output that failed the coordinator's check shows as such, with why
           coalesce(r.error_code, CASE WHEN r."check"->>'ok' = 'false' THEN 'failed_check' END) AS error_code,
           coalesce(r.error_message, r."check"->>'reason') AS error_message,
           r.output_sha256, r.reported_at
      FROM replicas r
      JOIN work_units w ON w.id = r.wu_id
      JOIN batches b ON b.id = w.batch_id
      JOIN hosts h ON h.id = r.host_id
      JOIN users u ON u.id = h.owner_id
     WHERE r.validate_state IN ('invalid', 'inconclusive') OR r.state = 'errored'
     ORDER BY r.id DESC
     LIMIT ${limit}`);
  return rows.map((r) => ({
    id: r.id, wuId: r.wu_id, seq: r.seq, batchId: r.batch_id, batchName: r.batch_name, kernel: `${r.kernel}@${r.kernel_version}`, wuState: r.wu_state,
    host: { id: r.host_id, name: r.host_name, owner: r.owner },
    state: r.state, validateState: r.validate_state, errorCode: r.error_code, errorMessage: r.error_message,
    outputSha256: r.output_sha256, reportedAt: iso(r.reported_at),
  }));
}

async function hostErrorTrends(grid: Grid, limit = 20): Promise<HostErrorTrend[]> {
  const hosts = await grid.db.rows<{
    id: string; name: string; owner: string; status: string; online: boolean; error_rate: number; valid_count: number; invalid_count: number;
    error_count: number; timeout_count: number; consecutive_valid: number;
  }>(sql`
    SELECT h.id, h.name, u.name AS owner, h.status, h.online, h.error_rate, h.valid_count, h.invalid_count, h.error_count, h.timeout_count, h.consecutive_valid
      FROM hosts h JOIN users u ON u.id = h.owner_id
     WHERE h.invalid_count + h.error_count + h.timeout_count > 0 OR h.error_rate > ${PRIOR_ERROR_RATE}
     ORDER BY h.error_rate DESC, h.invalid_count + h.error_count + h.timeout_count DESC
     LIMIT ${limit}`);
  if (hosts.length === 0) return [];
  const recent = await grid.db.rows<{ host_id: string; bad: number; total: number }>(sql`
    SELECT host_id,
           count(*) FILTER (WHERE validate_state = 'invalid' OR state IN ('errored', 'timed_out'))::int AS bad,
           count(*)::int AS total
      FROM replicas
     WHERE host_id IN ${hosts.map((h) => h.id)}
       AND state IN ('reported', 'errored', 'timed_out')
       AND coalesce(reported_at, deadline) > now() - interval '1 hour'
     GROUP BY host_id`);
  const byHost = new Map(recent.map((r) => [r.host_id, { bad: Number(r.bad), total: Number(r.total) }]));
  const local = new Set(grid.agents.onlineHostIds());
  return hosts.map((h) => {
    const bad = h.invalid_count + h.error_count + h.timeout_count;
    const lifetime = bad + h.valid_count;
    const lifetimeBadShare = lifetime > 0 ? bad / lifetime : 0;
    const r = byHost.get(h.id) ?? { bad: 0, total: 0 };
    return {
      id: h.id, name: h.name, owner: h.owner, status: h.status, online: h.status !== 'banned' && (local.has(h.id) || h.online),
      errorRate: Number(h.error_rate), validCount: h.valid_count, invalidCount: h.invalid_count, errorCount: h.error_count,
      timeoutCount: h.timeout_count, consecutiveValid: h.consecutive_valid,
      recent: r, lifetimeBadShare,
      rising: r.bad > 0 && (r.bad / r.total > lifetimeBadShare || Number(h.error_rate) > PRIOR_ERROR_RATE),
    };
  });
}

/**
 * Every host the user may see (admins: all), with what each is working on now. A volunteer sees
 * the kernel and progress of work on their hosts, but not the name of another researcher's batch.
 */
async function hostsWithWork(grid: Grid, user: AuthUser, limit = 1000): Promise<HostDetail[]> {
  const hosts = await visibleHosts(grid, user, { limit });
  if (hosts.length === 0) return [];
  const ids = hosts.map((h) => h.id);
  const [work, changes] = await Promise.all([
    grid.db.rows<{ host_id: string; id: number; wu_id: number; seq: number; kernel: string; kernel_version: number; batch_id: string; batch_name: string; owner_id: string; progress: number; sent_at: Date | string }>(sql`
      SELECT r.host_id, r.id, r.wu_id, w.seq, w.kernel, w.kernel_version, b.id AS batch_id, b.name AS batch_name, b.owner_id, r.progress, r.sent_at
        FROM replicas r
        JOIN work_units w ON w.id = r.wu_id
        JOIN batches b ON b.id = w.batch_id
       WHERE r.state = 'in_progress' AND r.host_id IN ${ids}
       ORDER BY r.id`),
    grid.db.rows<{ subject: string; at: Date | string }>(sql`
      SELECT DISTINCT ON (subject) subject, created_at AS at FROM events
       WHERE kind = 'host.updated' AND subject IN ${ids}
       ORDER BY subject, created_at DESC`),
  ]);
  const byHost = new Map<string, CurrentWork[]>();
  for (const r of work) {
    const list = byHost.get(r.host_id) ?? [];
    const own = canSee(user, r.owner_id);
    list.push({
      replicaId: r.id, wuId: r.wu_id, seq: r.seq, kernel: `${r.kernel}@${r.kernel_version}`, batchId: own ? r.batch_id : null, batchName: own ? r.batch_name : 'a researcher\'s batch',
      percent: Number(r.progress), sentAt: new Date(r.sent_at).toISOString(),
    });
    byHost.set(r.host_id, list);
  }
  const changed = new Map(changes.map((c) => [c.subject, new Date(c.at).toISOString()]));
  return hosts.map((h) => ({ ...h, current: byHost.get(h.id) ?? [], changedAt: changed.get(h.id) ?? null }));
}

/**
 * Replicas handed out per minute, by kernel, over the last `minutes`: what the scheduler actually
 * dispatched, whatever strategy chose it. Oldest minute first; kernels by total, largest first.
 */
async function dispatchByKernel(grid: Grid, minutes = 60, now = Date.now()): Promise<Dispatch> {
  const rows = await grid.db.rows<{ m: number; kernel: string; n: number }>(sql`
    SELECT extract(epoch FROM date_trunc('minute', r.sent_at))::float8 AS m, w.kernel || '@' || w.kernel_version AS kernel, count(*)::int AS n
      FROM replicas r JOIN work_units w ON w.id = r.wu_id
     WHERE r.sent_at > now() - make_interval(mins => ${minutes})
     GROUP BY 1, 2`);
  const last = Math.floor(now / 60_000) * 60;
  const axis = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * 60);
  const index = new Map(axis.map((m, i) => [m, i]));
  const byKernel = new Map<string, number[]>();
  for (const r of rows) {
    const i = index.get(Number(r.m));
    if (i === undefined) continue;
    const counts = byKernel.get(r.kernel) ?? new Array<number>(minutes).fill(0);
    counts[i] = Number(r.n);
    byKernel.set(r.kernel, counts);
  }
  const kernels = [...byKernel].map(([kernel, counts]) => ({ kernel, counts }))
    .sort((a, b) => b.counts.reduce((s, x) => s + x, 0) - a.counts.reduce((s, x) => s + x, 0));
  return { minutes: axis, kernels };
}

const DispatchQuery = z.object({ minutes: z.coerce.number().int().min(5).max(24 * 60).default(60) });
const HistoryQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(7 * 24).default(24) });
const CreditQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) });
const HostIdParam = z.object({ id: z.string().uuid('expected a host id') });

/**
 * Reads only the console needs. Admins: the live snapshot, validation problems, dispatch and the
 * grid's history. Anyone signed in: hosts with their work, a host's history and their own credit,
 * each limited to the caller's own hosts unless they are an admin.
 */
export function consoleApiRoutes(grid: Grid, hub: LiveHub) {
  const admin = requireAuth(grid, ['admin']);
  const anyone = requireAuth(grid);
  return new Hono()
    .get('/console/snapshot',
      describeRoute({ summary: 'The compact grid snapshot the live feed sends: queue, hours, throughput, heat, live hosts, open batches (admin)' }),
      admin,
      async (c) => c.json(await hub.latest()))
    .get('/console/hosts',
      describeRoute({ summary: 'Your hosts (admins: every host) with what each is working on now and when its settings last changed' }),
      anyone,
      async (c) => c.json({ hosts: await hostsWithWork(grid, c.get('user')) } satisfies ConsoleHosts))
    .get('/console/hosts/:id/history',
      describeRoute({ summary: "One host's sampled CPU load, temperatures, intensity and running replicas (your hosts; admins: any)" }),
      anyone, zv('param', HostIdParam), zv('query', HistoryQuery),
      async (c) => {
        const h = await hostHistory(grid, c.get('scope'), c.req.valid('param').id, c.req.valid('query').hours);
        if (!h) throw new NotFound('host', 'id');
        return c.json(h satisfies HostHistory);
      })
    .get('/console/my-credit',
      describeRoute({ summary: 'Your credit: total, recent average, hosts, and credit granted per day' }),
      anyone, zv('query', CreditQuery),
      async (c) => c.json(await myCredit(grid, c.get('user'), c.req.valid('query').days) satisfies MyCredit))
    .get('/console/history',
      describeRoute({ summary: 'The grid over time: work units done and replicas reported, mean CPU load, hosts online by intensity, credit per day (admin)' }),
      admin, zv('query', HistoryQuery),
      async (c) => c.json(await gridHistory(grid, c.req.valid('query').hours) satisfies ConsoleHistory))
    .get('/console/validation',
      describeRoute({ summary: 'Invalid, inconclusive and errored replicas, newest first, hosts with high or rising error rates, and flagged host pairs (admin)' }),
      admin,
      async (c) => {
        const [replicas, hosts, pairs] = await Promise.all([problemReplicas(grid), hostErrorTrends(grid), flaggedPairs(grid)]);
        return c.json({ replicas, hosts, pairs } satisfies ValidationProblems);
      })
    .get('/console/dispatch',
      describeRoute({ summary: 'Replicas dispatched per minute by kernel (admin)' }),
      admin, zv('query', DispatchQuery),
      async (c) => c.json(await dispatchByKernel(grid, c.req.valid('query').minutes)));
}

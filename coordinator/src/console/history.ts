import { sql, type SQL } from 'drizzle-orm';
import type { ConsoleHistory, HostHistory, Intensity, MyCredit } from '@nfl-grid/shared/api/console-types';
import { ownedIn, type Scope } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import type { Grid } from '../grid';
import { racNow } from '../routes/hosts';

/*
 * The console's charts over time: throughput (work units done, replicas reported), achieved heat
 * (mean CPU load the hosts report), hosts online by intensity (from host_samples), credit granted
 * per day (credit_ledger), and one host's CPU and temperature history. Each series is one GROUP BY
 * over epoch buckets; empty buckets are zero (or null for a mean).
 */

const INTENSITIES: Intensity[] = ['low', 'medium', 'high', 'inferno'];
const DAY = 86_400;

/** About 60 buckets over the window, never under a minute (the sampling interval). */
export function bucketFor(hours: number): number {
  return Math.max(60, Math.ceil((hours * 3600) / 60 / 60) * 60);
}

function axis(fromSec: number, toSec: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(fromSec / step) * step; t <= toSec; t += step) out.push(t);
  return out;
}

/** Places rows keyed by bucket start onto the axis, filling gaps. */
function align<T>(buckets: number[], rows: { b: number; v: T }[], empty: T): T[] {
  const index = new Map(buckets.map((b, i) => [b, i]));
  const out = buckets.map(() => empty);
  for (const r of rows) {
    const i = index.get(Number(r.b));
    if (i !== undefined) out[i] = r.v;
  }
  return out;
}

const bucketOf = (col: SQL, step: number) => sql`(floor(extract(epoch FROM ${col}) / ${step}) * ${step})::float8`;

/** Credit granted per UTC day over the last `days` days, for everyone or for one user's hosts. */
async function creditPerDay(grid: Grid, days: number, nowSec: number, userId?: string): Promise<{ days: number[]; granted: number[] }> {
  const who = userId ? sql`AND user_id = ${userId}` : sql``;
  const rows = await grid.db.rows<{ b: number; v: number }>(sql`
    SELECT ${bucketOf(sql`created_at`, DAY)} AS b, sum(granted)::float8 AS v
      FROM credit_ledger
     WHERE created_at >= to_timestamp(${(Math.floor(nowSec / DAY) - days + 1) * DAY}) ${who}
     GROUP BY 1`);
  const axisDays = axis((Math.floor(nowSec / DAY) - days + 1) * DAY, nowSec, DAY);
  return { days: axisDays, granted: align(axisDays, rows.map((r) => ({ b: r.b, v: Number(r.v) })), 0) };
}

export async function gridHistory(grid: Grid, hours: number, now = Date.now()): Promise<ConsoleHistory> {
  const step = bucketFor(hours);
  const nowSec = Math.floor(now / 1000);
  const fromSec = nowSec - hours * 3600;
  const buckets = axis(fromSec, nowSec, step);
  const since = sql`to_timestamp(${buckets[0]!})`;
  const [done, reported, heat, online, credit] = await Promise.all([
    grid.db.rows<{ b: number; v: number }>(sql`
      SELECT ${bucketOf(sql`finished_at`, step)} AS b, count(*)::int AS v
        FROM work_units WHERE state = 'done' AND finished_at >= ${since} GROUP BY 1`),
    grid.db.rows<{ b: number; v: number }>(sql`
      SELECT ${bucketOf(sql`reported_at`, step)} AS b, count(*)::int AS v
        FROM replicas WHERE reported_at >= ${since} GROUP BY 1`),
    grid.db.rows<{ b: number; v: number | null }>(sql`
      SELECT ${bucketOf(sql`at`, step)} AS b, avg(cpu_load)::float8 AS v
        FROM host_samples WHERE at >= ${since} GROUP BY 1`),
    // A host that changed intensity within a bucket counts at the last intensity it reported there.
    grid.db.rows<{ b: number; intensity: Intensity; v: number }>(sql`
      WITH s AS (
        SELECT host_id, at, intensity, ${bucketOf(sql`at`, step)} AS b FROM host_samples WHERE at >= ${since})
      SELECT b, intensity, count(*)::int AS v
        FROM (SELECT DISTINCT ON (host_id, b) b, intensity FROM s ORDER BY host_id, b, at DESC) last
       GROUP BY b, intensity`),
    creditPerDay(grid, 30, nowSec),
  ]);
  return {
    bucketSeconds: step,
    buckets,
    wusDone: align(buckets, done.map((r) => ({ b: r.b, v: Number(r.v) })), 0),
    replicasReported: align(buckets, reported.map((r) => ({ b: r.b, v: Number(r.v) })), 0),
    cpuLoad: align<number | null>(buckets, heat.map((r) => ({ b: r.b, v: r.v === null ? null : Number(r.v) })), null),
    online: Object.fromEntries(INTENSITIES.map((i) => [i,
      align(buckets, online.filter((r) => r.intensity === i).map((r) => ({ b: r.b, v: Number(r.v) })), 0)])) as Record<Intensity, number[]>,
    credit,
  };
}

/** A host's samples over the last `hours`, oldest first (null: no such host, or not the caller's). */
export async function hostHistory(grid: Grid, scope: Scope, hostId: string, hours: number): Promise<HostHistory | null> {
  const [host] = await grid.db.rows<{ name: string }>(sql`SELECT name FROM hosts WHERE id = ${hostId} AND ${ownedIn(scope, sql`owner_id`)}`);
  if (!host) return null;
  const rows = await grid.db.rows<{ at: number; cpu_load: number | null; cpu_temp: number | null; gpu_temp: number | null; running: number; intensity: Intensity }>(sql`
    SELECT extract(epoch FROM at)::float8 AS at, cpu_load, cpu_temp, gpu_temp, running, intensity
      FROM host_samples
     WHERE host_id = ${hostId} AND at >= now() - make_interval(hours => ${hours})
     ORDER BY at`);
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    hostId, name: host.name,
    at: rows.map((r) => Math.floor(Number(r.at))),
    cpuLoad: rows.map((r) => n(r.cpu_load)), cpuTemp: rows.map((r) => n(r.cpu_temp)), gpuTemp: rows.map((r) => n(r.gpu_temp)),
    running: rows.map((r) => Number(r.running)), intensity: rows.map((r) => r.intensity),
  };
}

/** The caller's credit: totals from user_credit, hosts owned, and credit per day over `days`. */
export async function myCredit(grid: Grid, user: AuthUser, days: number, now = Date.now()): Promise<MyCredit> {
  const [[row], perDay] = await Promise.all([
    grid.db.rows<{ total: number; rac: number; rac_time: Date | string | null; hosts: number }>(sql`
      SELECT coalesce(c.total_credit, 0)::float8 AS total, coalesce(c.rac, 0)::float8 AS rac, c.rac_time,
             (SELECT count(*)::int FROM hosts h WHERE h.owner_id = ${user.id}) AS hosts
        FROM (SELECT 1) one LEFT JOIN user_credit c ON c.user_id = ${user.id}`),
    creditPerDay(grid, days, Math.floor(now / 1000), user.id),
  ]);
  return {
    totalCredit: Number(row?.total ?? 0),
    rac: racNow(Number(row?.rac ?? 0), row?.rac_time ? new Date(row.rac_time) : null, now),
    hosts: Number(row?.hosts ?? 0),
    ...perDay,
  };
}

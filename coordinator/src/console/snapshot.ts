import { sql } from 'drizzle-orm';
import type { BatchLive, HostLive, Intensity, Snapshot } from '@nfl-grid/shared/api/console-types';
import type { Grid } from '../grid';
import { computeHours, hostCounts, wuTotals } from '../routes/queue';

/*
 * The console's compact picture of the grid, sent over the live stream every few seconds and
 * served at GET /api/v1/console/snapshot for a first paint: queue counts, compute hours, hosts
 * online, WUs validated per minute, the heat meter, each host's live state and every open batch's
 * progress. One query each, computed once per interval for all watching consoles.
 */

const THROUGHPUT_MINUTES = 60;
const LIVE_HOSTS = 200;
const LIVE_BATCHES = 100;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** WUs validated per minute over the last hour, oldest first, with empty minutes as zero. */
async function throughputSeries(grid: Grid, now = Date.now()): Promise<Snapshot['throughput']> {
  const rows = await grid.db.rows<{ m: number; n: number }>(sql`
    SELECT extract(epoch FROM date_trunc('minute', finished_at))::float8 AS m, count(*)::int AS n
      FROM work_units
     WHERE state = 'done' AND finished_at > now() - make_interval(mins => ${THROUGHPUT_MINUTES})
     GROUP BY 1`);
  const byMinute = new Map(rows.map((r) => [Number(r.m), Number(r.n)]));
  const last = Math.floor(now / 60_000) * 60;
  const minutes: number[] = [];
  const validated: number[] = [];
  for (let i = THROUGHPUT_MINUTES - 1; i >= 0; i--) {
    const m = last - i * 60;
    minutes.push(m);
    validated.push(byMinute.get(m) ?? 0);
  }
  return { minutes, validated, at: new Date(now).toISOString() };
}

export async function hostsLive(grid: Grid): Promise<HostLive[]> {
  const rows = await grid.db.rows<{
    id: string; name: string; owner: string; online: boolean; status: HostLive['status']; intensity: Intensity;
    last_contact: Date | string | null; readings: Record<string, unknown> | null; progress: unknown; gpu: boolean;
  }>(sql`
    SELECT h.id, h.name, u.name AS owner, h.online, h.status, h.intensity, h.last_contact, h.readings, h.progress, h.gpu
      FROM hosts h JOIN users u ON u.id = h.owner_id
     ORDER BY h.last_contact DESC NULLS LAST, h.created_at DESC
     LIMIT ${LIVE_HOSTS}`);
  const local = new Set(grid.agents.onlineHostIds());
  return rows.map((h) => {
    // a banned host gets no work, so it is neither online nor working, even while its agent stays connected
    const online = h.status !== 'banned' && (local.has(h.id) || h.online);
    const items = online && Array.isArray(h.progress)
      ? (h.progress as { replicaId?: unknown; percent?: unknown }[]).map((p) => ({ replicaId: Number(p.replicaId), percent: num(p.percent) ?? 0 }))
      : [];
    return {
      id: h.id, name: h.name, owner: h.owner, online, status: h.status, intensity: h.intensity, lastContact: iso(h.last_contact), gpu: h.gpu,
      cpuTemp: num(h.readings?.cpuTemp), gpuTemp: num(h.readings?.gpuTemp), cpuLoad: num(h.readings?.cpuLoad), items,
    };
  });
}

async function openBatchesLive(grid: Grid): Promise<BatchLive[]> {
  const rows = await grid.db.rows<{ id: string; name: string; kernel: string; kernel_version: number; priority: number; wu_count: number; state: string | null; n: number }>(sql`
    WITH open AS (
      SELECT id, name, kernel, kernel_version, priority, wu_count, created_at FROM batches
       WHERE state = 'open' ORDER BY created_at DESC LIMIT ${LIVE_BATCHES})
    SELECT o.id, o.name, o.kernel, o.kernel_version, o.priority, o.wu_count, w.state, count(w.id)::int AS n
      FROM open o LEFT JOIN work_units w ON w.batch_id = o.id
     GROUP BY o.id, o.name, o.kernel, o.kernel_version, o.priority, o.wu_count, o.created_at, w.state
     ORDER BY o.created_at DESC`);
  const out = new Map<string, BatchLive>();
  for (const r of rows) {
    const b = out.get(r.id) ?? {
      id: r.id, name: r.name, kernel: `${r.kernel}@${r.kernel_version}`, priority: r.priority, wuCount: r.wu_count, percent: 0,
      counts: { pending: 0, running: 0, validating: 0, done: 0, failed: 0, cancelled: 0 },
    };
    if (r.state) b.counts[r.state as keyof BatchLive['counts']] = Number(r.n);
    out.set(r.id, b);
  }
  for (const b of out.values()) {
    const finished = b.counts.done + b.counts.failed + b.counts.cancelled;
    b.percent = b.wuCount > 0 ? Math.round((finished / b.wuCount) * 1000) / 10 : 100;
  }
  return [...out.values()];
}

function heatOf(hosts: HostLive[]): Snapshot['heat'] {
  const byIntensity: Record<Intensity, number> = { low: 0, medium: 0, high: 0, inferno: 0 };
  let paused = 0;
  let banned = 0;
  let hottestCpu: number | null = null;
  let hottestGpu: number | null = null;
  for (const h of hosts) {
    if (h.status === 'banned') banned++;
    else if (h.status === 'paused') paused++;
    else if (h.online) byIntensity[h.intensity]++;
    if (!h.online) continue;
    if (h.cpuTemp !== null) hottestCpu = Math.max(hottestCpu ?? -Infinity, h.cpuTemp);
    if (h.gpuTemp !== null) hottestGpu = Math.max(hottestGpu ?? -Infinity, h.gpuTemp);
  }
  return { byIntensity, paused, banned, hottestCpu, hottestGpu };
}

/** The costly parts (scans of finished work and of every replica), which callers cache for a while. */
export interface SlowParts { throughput: Snapshot['throughput']; cpuHours: number; gpuHours: number }

export async function slowParts(grid: Grid): Promise<SlowParts> {
  const [throughput, hours] = await Promise.all([throughputSeries(grid), computeHours(grid)]);
  return { throughput, ...hours };
}

/** The whole snapshot; pass `slow` when it is cached. */
export async function buildSnapshot(grid: Grid, slow?: SlowParts): Promise<Snapshot> {
  const [workUnits, hosts, [open], live, batches, s] = await Promise.all([
    wuTotals(grid),
    hostCounts(grid),
    grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM batches WHERE state = 'open'`),
    hostsLive(grid),
    openBatchesLive(grid),
    slow ? Promise.resolve(slow) : slowParts(grid),
  ]);
  return {
    at: new Date().toISOString(),
    workUnits,
    batchesOpen: Number(open?.n ?? 0),
    cpuHours: s.cpuHours,
    gpuHours: s.gpuHours,
    hosts,
    throughput: s.throughput,
    heat: heatOf(live),
    hostsLive: live,
    openBatches: batches,
  };
}

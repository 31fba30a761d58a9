import { desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AuthUser } from '../../auth/api-keys';
import { hosts, users } from '../../db/schema/index';
import type { Grid } from '../../coordinator';
import { racNow } from './rac';

export type HostRow = typeof hosts.$inferSelect;

/** Online if its socket is on this coordinator, or another coordinator says so in the row. */
export function isHostOnline(grid: Grid, h: Pick<HostRow, 'id' | 'online'>): boolean {
  return grid.agents.isOnline(h.id) || h.online;
}

export function hostView(grid: Grid, h: HostRow, ownerName: string, now = Date.now()) {
  return {
    id: h.id,
    name: h.name,
    owner: { id: h.ownerId, name: ownerName },
    status: h.status,
    intensity: h.intensity,
    online: isHostOnline(grid, h),
    lastContact: h.lastContact,
    gpu: h.gpu,
    memoryMb: h.memoryMb,
    hardware: h.hardware,
    backend: h.backend,
    agentVersion: h.agentVersion,
    benchmarkFlops: h.benchmarkFlops,
    kernels: h.kernels,
    reliability: {
      consecutiveValid: h.consecutiveValid,
      validCount: h.validCount,
      invalidCount: h.invalidCount,
      errorCount: h.errorCount,
      timeoutCount: h.timeoutCount,
      errorRate: h.errorRate,
    },
    credit: { total: h.totalCredit, rac: racNow(h.rac, h.racTime, now) },
    cpuHours: h.cpuSeconds / 3600,
    readings: h.readings,
    progress: h.progress,
    createdAt: h.createdAt,
  };
}
export type HostView = ReturnType<typeof hostView>;

/** Hosts the user may see (an admin: all; anyone else: their own), most recently heard from first. */
export async function visibleHosts(grid: Grid, user: AuthUser, opts: { limit?: number; offset?: number; where?: SQL } = {}): Promise<HostView[]> {
  const mine = user.role === 'admin' ? undefined : eq(hosts.ownerId, user.id);
  const where = mine && opts.where ? sql`${mine} AND ${opts.where}` : (mine ?? opts.where);
  const rows = await grid.db.orm.select({ h: hosts, ownerName: users.name }).from(hosts)
    .innerJoin(users, eq(users.id, hosts.ownerId)).where(where)
    .orderBy(sql`${hosts.lastContact} DESC NULLS LAST`, desc(hosts.createdAt))
    .limit(opts.limit ?? 1000).offset(opts.offset ?? 0);
  const now = Date.now();
  return rows.map((r) => hostView(grid, r.h, r.ownerName, now));
}

export async function hostWithOwner(grid: Grid, id: string): Promise<{ h: HostRow; ownerName: string } | undefined> {
  const [row] = await grid.db.orm.select({ h: hosts, ownerName: users.name }).from(hosts)
    .innerJoin(users, eq(users.id, hosts.ownerId)).where(eq(hosts.id, id)).limit(1);
  return row;
}

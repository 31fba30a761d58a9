import { desc, eq, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { PatchHostBody } from '@nfl-grid/shared/api/hosts';
import { Paging } from '@nfl-grid/shared/api/ids';
import type { AgentConfig } from '@nfl-grid/shared/protocol/messages';
import type { HostView } from '@nfl-grid/shared/api/console-types';
import { canSee, ownedIn, requireAuth, scopeOf } from '../auth/access';
import type { AuthUser } from '../auth/api-keys';
import { updateRac } from '../credit/credit-math';
import { hosts, users } from '../db/schema/index';
import { Forbidden, NotFound } from '../errors';
import { relayToHost } from '../gateway/relay';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
import { zv } from './http/validate';
import { idParam } from './http/id-param';

/** A stored recent average credit, decayed (no new credit) from when it was last updated to `now`. */
export function racNow(rac: number, racTime: Date | null, now = Date.now()): number {
  if (!racTime || rac === 0) return rac;
  return updateRac(rac, 0, Math.max(0, (now - racTime.getTime()) / 86_400_000));
}

type HostRow = typeof hosts.$inferSelect;

/** Online if its socket is on this coordinator, or another coordinator says so in the row. */
function isHostOnline(grid: Grid, h: Pick<HostRow, 'id' | 'online'>): boolean {
  return grid.agents.isOnline(h.id) || h.online;
}

function hostView(grid: Grid, h: HostRow, ownerName: string, now = Date.now()): HostView {
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
export type { HostView };

/** Hosts the user may see (an admin: all; anyone else: their own), most recently heard from first. */
export async function visibleHosts(grid: Grid, user: AuthUser, opts: { limit?: number; offset?: number; where?: SQL } = {}): Promise<HostView[]> {
  const mine = ownedIn(scopeOf(user), hosts.ownerId);
  const where = opts.where ? sql`${mine} AND ${opts.where}` : mine;
  const rows = await grid.db.orm.select({ h: hosts, ownerName: users.name }).from(hosts)
    .innerJoin(users, eq(users.id, hosts.ownerId)).where(where)
    .orderBy(sql`${hosts.lastContact} DESC NULLS LAST`, desc(hosts.createdAt))
    .limit(opts.limit ?? 1000).offset(opts.offset ?? 0);
  const now = Date.now();
  return rows.map((r) => hostView(grid, r.h, r.ownerName, now));
}

async function hostWithOwner(grid: Grid, id: string): Promise<{ h: HostRow; ownerName: string } | undefined> {
  const [row] = await grid.db.orm.select({ h: hosts, ownerName: users.name }).from(hosts)
    .innerJoin(users, eq(users.id, hosts.ownerId)).where(eq(hosts.id, id)).limit(1);
  return row;
}

async function hostFor(grid: Grid, user: AuthUser, id: string) {
  const row = await hostWithOwner(grid, id);
  if (!row || !canSee(user, row.h.ownerId)) throw new NotFound('host', 'id');
  return row;
}

/** Owners may change intensity and pause/resume; banning, and anything on a banned host, is for admins. */
function checkPatch(user: AuthUser, host: HostRow, body: PatchHostBody): void {
  if (user.role === 'admin' || body.status === undefined) return;
  if (body.status === 'banned') throw new Forbidden('only an admin may ban a host');
  if (host.status === 'banned') throw new Forbidden('this host is banned; only an admin may change its status');
}

function agentConfigOf(grid: Grid, h: Pick<HostRow, 'intensity' | 'status'>): AgentConfig {
  return {
    intensity: h.intensity,
    paused: h.status !== 'active',
    checkpointIntervalSeconds: grid.config.agentDefaults.checkpointIntervalSeconds,
    progressIntervalSeconds: grid.config.agentDefaults.progressIntervalSeconds,
  };
}

export function hostsRoutes(grid: Grid) {
  const anyone = requireAuth(grid);
  return new Hono()
    .get('/hosts',
      describeRoute({ summary: 'List your hosts (admins: all) with reliability, credit, online state, last contact and intensity' }),
      anyone, zv('query', Paging),
      async (c) => {
        const q = c.req.valid('query');
        return c.json({ hosts: await visibleHosts(grid, c.get('user'), q), limit: q.limit, offset: q.offset });
      })
    .get('/hosts/:id',
      describeRoute({ summary: 'One host' }),
      anyone, idParam(grid, 'hosts'),
      async (c) => {
        const { h, ownerName } = await hostFor(grid, c.get('user'), c.req.valid('param').id);
        return c.json(hostView(grid, h, ownerName));
      })
    .patch('/hosts/:id',
      describeRoute({ summary: "Change a host's intensity or status; the agent gets its new config at once" }),
      anyone, idParam(grid, 'hosts'), zv('json', PatchHostBody),
      async (c) => {
        const user = c.get('user');
        const body = c.req.valid('json');
        const { h, ownerName } = await hostFor(grid, user, c.req.valid('param').id);
        checkPatch(user, h, body);
        const changes = { ...(body.intensity ? { intensity: body.intensity } : {}), ...(body.status ? { status: body.status } : {}) };
        const [updated] = await grid.db.transaction(async (tx) => {
          const rows = await tx.orm.update(hosts).set(changes).where(eq(hosts.id, h.id)).returning();
          await recordEvent(tx, 'host.updated', h.id, user.id, { from: { intensity: h.intensity, status: h.status }, to: changes });
          return rows;
        });
        const config = agentConfigOf(grid, updated!);
        if (!grid.agents.pushConfig(h.id, config)) await relayToHost(grid, h.id, { type: 'config', config });
        grid.events.emit('host.changed', { hostId: h.id });
        return c.json(hostView(grid, updated!, ownerName));
      });
}

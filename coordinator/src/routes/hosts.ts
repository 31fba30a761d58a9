import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AgentConfig } from '@nfl-grid/shared/protocol/messages';
import { PatchHostBody } from '@nfl-grid/shared/api/hosts';
import { IdParam, Paging } from '@nfl-grid/shared/api/ids';
import type { AuthUser } from '../auth/api-keys';
import { requireAuth } from '../auth/require-auth';
import { hosts } from '../db/schema/index';
import { Forbidden, NotFound } from '../errors';
import { relayToHost } from '../gateway/relay';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from './http/record-event';
import { zv } from './http/validate';
import { hostView, hostWithOwner, visibleHosts, type HostRow } from './reads/host-view';

async function hostFor(grid: Grid, user: AuthUser, id: string) {
  const row = await hostWithOwner(grid, id);
  if (!row || (user.role !== 'admin' && row.h.ownerId !== user.id)) throw new NotFound('host', 'id');
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
      anyone, zv('param', IdParam),
      async (c) => {
        const { h, ownerName } = await hostFor(grid, c.get('user'), c.req.valid('param').id);
        return c.json(hostView(grid, h, ownerName));
      })
    .patch('/hosts/:id',
      describeRoute({ summary: "Change a host's intensity or status; the agent gets its new config at once" }),
      anyone, zv('param', IdParam), zv('json', PatchHostBody),
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

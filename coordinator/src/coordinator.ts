import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { createApp } from './app';
import { ensureAdminKey } from './auth/admin-key';
import type { ConfigOverrides } from './config';
import { resolveCoordinatorConfig } from './config';
import type { Db } from './db/index';
import { createDaemonLoop } from './daemons/daemon-loop';
import { createScheduler } from './daemons/scheduler';
import { transitionerPass } from './daemons/transitioner';
import { validatorPass } from './daemons/validator';
import { createAgentGateway } from './gateway/agent-gateway';
import { createHostCpuFlusher } from './gateway/host-cpu-flusher';
import { RELAY_CHANNEL, WORK_CHANNEL } from './gateway/relay';
import { coverServerOf } from './models/cover-server';
import { openGrid, type OpenedGrid } from './open-grid';

/** Largest websocket frame accepted from an agent: a result packet of MAX_RESULT_JWS_CHARS and its envelope. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** Wake-ups for other coordinators are sent at most this often. */
const NOTIFY_GAP_MS = 50;

export interface RunningCoordinator {
  url: string;
  grid: OpenedGrid;
  /** The admin key, when this start created it (first start). */
  adminKey: string | null;
  stop(): Promise<void>;
}

/**
 * The composition root: opens the grid, starts the daemons (scheduler, transitioner, validator
 * with the assimilator), the agent gateway and the HTTP API on one port.
 */
export async function startCoordinator(overrides: ConfigOverrides = {}, opts: { db?: Db } = {}): Promise<RunningCoordinator> {
  const config = resolveCoordinatorConfig(overrides);
  const grid = await openGrid(config, { db: opts.db });
  const adminKey = await ensureAdminKey(grid);
  const coverServer = coverServerOf(grid);
  await coverServer.start();
  const scheduler = createScheduler(grid);
  const validator = createDaemonLoop('validator', config.daemons.validatorIntervalMs, () => validatorPass(grid), grid.log);
  const transitioner = createDaemonLoop('transitioner', config.daemons.transitionerIntervalMs, () => transitionerPass(grid), grid.log);

  // Other coordinators on the same database learn of new work once per burst, not per WU.
  let lastNotify = 0;
  let notifyTimer: NodeJS.Timeout | null = null;
  const notifyOthers = () => {
    if (grid.db.kind !== 'postgres' || notifyTimer) return;
    const wait = Math.max(0, lastNotify + NOTIFY_GAP_MS - Date.now());
    notifyTimer = setTimeout(() => {
      notifyTimer = null;
      lastNotify = Date.now();
      grid.db.notify(WORK_CHANNEL, '').catch((e) => grid.log.warn('notify failed', { error: e as Error }));
    }, wait);
  };
  grid.setWakers({
    scheduler: () => { scheduler.wake(); notifyOthers(); },
    validator: () => validator.wake(),
  });
  const unlisten = [
    await grid.db.listen(WORK_CHANNEL, () => scheduler.wake()),
    await grid.db.listen(RELAY_CHANNEL, (payload) => {
      try {
        const { hostId, msg } = JSON.parse(payload);
        grid.agents.send(hostId, msg);
      } catch (e) {
        grid.log.warn('bad relay payload', { error: e as Error });
      }
    }),
  ];

  const hostCpu = createHostCpuFlusher(grid);
  const gateway = createAgentGateway({ grid, agents: grid.agents, scheduler, hostCpu, wakeTransitioner: () => transitioner.wake() });
  const app = createApp(grid, { agentGateway: gateway });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, websocket: { server: wss } });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  validator.start();
  transitioner.start();
  grid.log.info(`coordinator listening on ${url}`, { database: grid.db.kind, dataDir: config.dataDir });

  let stopping: Promise<void> | null = null;
  return {
    url,
    grid,
    adminKey,
    stop() {
      stopping ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'coordinator stopping');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
        await Promise.all([validator.stop(), transitioner.stop(), hostCpu.stop(), coverServer.stop()]);
        if (notifyTimer) clearTimeout(notifyTimer);
        for (const u of unlisten) await u();
        await grid.close();
        grid.log.info('coordinator stopped');
      })();
      return stopping;
    },
  };
}

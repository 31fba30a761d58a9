import type { ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { JWK } from 'jose';
import { WebSocketServer } from 'ws';
import { datasetFile } from '@nfl-grid/shared/data/datasets';
import type { AgentConfig, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { createLogger, type Logger } from '@nfl-grid/shared/logging/logger';
import { createApp } from './app';
import { ensureAdminKey } from './auth/api-keys';
import { createBandit, type Bandit, type BanditOptions } from './bandit/bandit';
import { resolveCoordinatorConfig, type ConfigOverrides, type CoordinatorConfig } from './config';
import { assimilatorPass } from './daemons/assimilator';
import { createDaemonLoop } from './daemons/daemon-loop';
import { createScheduler } from './daemons/scheduler';
import { transitionerPass } from './daemons/transitioner';
import { validatorPass } from './daemons/validator';
import { createCheckThread } from './checks/check-threads';
import { openPglite, openPostgres, type Db } from './db/index';
import { migrateEmbedded, migrateServer } from './db/migrate';
import { createGridEvents } from './events';
import { createAgentGateway } from './gateway/agent-gateway';
import { createAgentRegistry, type LocalAgentRegistry } from './gateway/agent-registry';
import { openCoordinatorKeys } from './gateway/coordinator-keys';
import { createInputStore } from './gateway/input-store';
import { RELAY_CHANNEL, WORK_CHANNEL } from './gateway/relay';
import type { Grid } from './grid';
import { CoverModelServer } from './models/cover-server';
import { createMetrics } from './ops/metrics';
import { createStatsDaemon } from './ops/stats-routes';

/*
 * The composition root. openGrid builds the parts every role shares (database, signing keys,
 * agent registry, events, inputs, the bandit) into one Grid; startCoordinator adds the four
 * daemons (scheduler, transitioner, validator, assimilator), the agent gateway and the HTTP API
 * on one port. Nothing else in the coordinator builds a part or keeps one in a module.
 */

/**
 * Node's own limits on slow requests, from config: a request must arrive whole within
 * requestTimeout (its headers within headersTimeout), or Node answers 408 and closes the socket;
 * an idle kept-alive socket closes after keepAliveTimeout. Node checks the first two on a timer,
 * every 30 s by default: every quarter of the shorter one here.
 */
function httpServerOptions(config: CoordinatorConfig): ServerOptions {
  const request = config.http.requestTimeoutMs;
  const headers = Math.min(config.http.headersTimeoutMs, request);
  return {
    requestTimeout: request, headersTimeout: headers, keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.round(headers / 4))),
  };
}

type Wakers = { scheduler: () => void; validator: () => void; assimilator: () => void };

export interface OpenedGrid extends Grid {
  readonly agents: LocalAgentRegistry;
  /** Set by the daemons once they start; until then wake-ups are no-ops. */
  setWakers(w: Wakers): void;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), the signing keys, the in-process registries and the
 * bandit. `db` may be given (tests pass a cloned database); otherwise the config decides PGlite
 * or Postgres.
 */
export async function openGrid(config: CoordinatorConfig, opts: { db?: Db; log?: Logger; bandit?: BanditOptions } = {}): Promise<OpenedGrid> {
  const log = opts.log ?? createLogger('coordinator');
  let db = opts.db;
  if (!db) {
    if (config.databaseUrl) {
      await migrateServer(config.databaseUrl);
      db = await openPostgres(config.databaseUrl);
    } else {
      db = await openPglite(`${config.dataDir}/db`);
      await migrateEmbedded(db);
    }
  }
  const keys = await openCoordinatorKeys(db, config.dataDir, { packetSeconds: config.work.packetTtlSeconds, credentialSeconds: config.hostAuth.credentialTtlSeconds });
  const events = createGridEvents();
  let wakers: Wakers = { scheduler: () => {}, validator: () => {}, assimilator: () => {} };
  const ownsDb = !opts.db;
  const theDb = db;
  const checks = createCheckThread(config.inputsDir);
  const agents = createAgentRegistry();
  return {
    config,
    db,
    log,
    keys,
    agents,
    metrics: createMetrics({ db, agents }),
    events,
    inputs: createInputStore(db, config.inputsDir, datasetFile),
    bandit: createBandit({ db, log, events }, opts.bandit),
    checks,
    wakeScheduler: () => wakers.scheduler(),
    wakeValidator: () => wakers.validator(),
    wakeAssimilator: () => wakers.assimilator(),
    setWakers: (w) => { wakers = w; },
    close: async () => {
      await checks.stop();
      if (ownsDb) await theDb.close();
    },
  };
}

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

/** Opens the grid and starts every role on it: daemons, agent gateway, HTTP API. */
export async function startCoordinator(overrides: ConfigOverrides = {}, opts: { db?: Db } = {}): Promise<RunningCoordinator> {
  const config = resolveCoordinatorConfig(overrides);
  const grid = await openGrid(config, { db: opts.db });
  const adminKey = await ensureAdminKey(grid);
  const coverServer = new CoverModelServer(grid);
  await coverServer.start();
  const scheduler = createScheduler(grid);
  const observe = grid.metrics.daemonPass;
  const validator = createDaemonLoop('validator', config.daemons.validatorIntervalMs, () => validatorPass(grid), grid.log, observe);
  const assimilator = createDaemonLoop('assimilator', config.daemons.assimilatorIntervalMs, () => assimilatorPass(grid), grid.log, observe);
  const transitioner = createDaemonLoop('transitioner', config.daemons.transitionerIntervalMs, () => transitionerPass(grid), grid.log, observe);
  const stats = createStatsDaemon(grid, config.ops.statsIntervalMs, grid.log, observe);
  const daemons = [scheduler.loop, validator, assimilator, transitioner, stats];
  grid.metrics.watchDaemons(daemons);

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
    assimilator: () => assimilator.wake(),
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

  const gateway = createAgentGateway({ grid, agents: grid.agents, scheduler, wakeTransitioner: () => transitioner.wake() });
  const app = createApp(grid, { agentGateway: gateway, coverServer, daemons, stats });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, websocket: { server: wss }, serverOptions: httpServerOptions(config) });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  validator.start();
  assimilator.start();
  transitioner.start();
  stats.start();
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
        await Promise.all([scheduler.stop(), validator.stop(), assimilator.stop(), transitioner.stop(), stats.stop(), coverServer.stop()]);
        await grid.bandit.settled();
        if (notifyTimer) clearTimeout(notifyTimer);
        for (const u of unlisten) await u();
        await grid.close();
        grid.log.info('coordinator stopped');
      })();
      return stopping;
    },
  };
}

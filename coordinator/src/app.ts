import { Hono, type MiddlewareHandler } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { batchPriorityRoutes } from './console/batch-priority';
import { consoleApiRoutes } from './console/console-api';
import { consoleRoutes } from './console/console-routes';
import { flaggedPairRoutes } from './console/flagged-pairs';
import { createLiveHub, type LiveHub } from './console/live-hub';
import { liveRoutes } from './console/live-routes';
import { sessionRoutes } from './console/session-routes';
import type { Grid } from './grid';
import { CoverModelServer } from './models/cover-server';
import { nbaRoutes } from './routes/nba';
import { describeRoute } from './openapi/registry';
import { backtestRoutes } from './routes/backtest';
import { banditRoutes } from './routes/bandit';
import { checkpointsRoutes } from './routes/checkpoints';
import { combinedRoutes, batchesRoutes } from './routes/batches';
import { reopenedRoutes } from './routes/reopened';
import { creditRoutes } from './routes/credit';
import { dataPipelineRoutes } from './routes/data-pipeline';
import { enrollmentRoutes } from './routes/enrollment';
import { eventsRoutes } from './routes/events';
import { gameInferenceRoutes } from './routes/game-inference';
import { hostsRoutes } from './routes/hosts';
import type { DaemonLoop } from './daemons/daemon-loop';
import { opsRoutes } from './ops/ops-routes';
import { statsRoutes, type StatsDaemon } from './ops/stats-routes';
import { closeUnreadBodies } from './routes/http/close-unread';
import { countRequests } from './routes/http/count-requests';
import { limitAuthFailures } from './routes/http/limit-auth-failures';
import { limitBodies } from './routes/http/limit-bodies';
import { errorHandler, methodNotAllowedAnswer, notFoundHandler } from './routes/http/on-error';
import { inputsRoutes } from './routes/inputs';
import { keysRoutes, usersRoutes } from './routes/users';
import { kernelsRoutes } from './routes/kernels';
import { systemRoutes, openapiRoutes } from './routes/system';
import { apiReferenceRoutes } from './routes/api-reference';
import { batchReportRoutes } from './routes/batch-report';
import { performanceRoutes } from './routes/performance';
import { queueRoutes } from './routes/queue';
import { replicasRoutes, workUnitsRoutes } from './routes/workunits';
import { modelsRoutes } from './routes/models';
import { nbaScheduleRoutes } from './routes/nba-schedule';
import { sportFeaturesRoutes } from './routes/sport-features';
import { statusPageRoutes } from './routes/status-page';
import { trainingRoutes } from './routes/training';

export interface AppOptions {
  /** The agent websocket upgrade handler, mounted at `GET /agent`. */
  agentGateway?: MiddlewareHandler;
  /** The cover model served at /game (started by the composition root); tests may omit it. */
  coverServer?: CoverModelServer;
  /** The daemons /readyz checks (the composition root's); tests of routes alone may omit them. */
  daemons?: DaemonLoop[];
  /** The statistics export's daemon, whose latest files /stats serves. */
  stats?: StatsDaemon;
}

function restApi(grid: Grid, hub: LiveHub, coverServer: CoverModelServer, routes: () => { method: string; path: string; handler: unknown }[]) {
  return new Hono()
    .route('/', sessionRoutes(grid))
    .route('/', usersRoutes(grid))
    .route('/', keysRoutes(grid))
    .route('/', enrollmentRoutes(grid))
    .route('/', batchesRoutes(grid))
    .route('/', combinedRoutes(grid))
    .route('/', reopenedRoutes(grid))
    .route('/', batchPriorityRoutes(grid))
    .route('/', checkpointsRoutes(grid))
    .route('/', workUnitsRoutes(grid))
    .route('/', replicasRoutes(grid))
    .route('/', hostsRoutes(grid))
    .route('/', creditRoutes(grid))
    .route('/', queueRoutes(grid))
    .route('/', kernelsRoutes(grid))
    .route('/', inputsRoutes(grid))
    .route('/', eventsRoutes(grid))
    .route('/', banditRoutes(grid))
    .route('/', modelsRoutes(grid, coverServer))
    .route('/', nbaScheduleRoutes(grid))
    .route('/', liveRoutes(grid, hub))
    .route('/', consoleApiRoutes(grid, hub))
    .route('/', flaggedPairRoutes(grid))
    .route('/', nbaRoutes(grid))
    .route('/', openapiRoutes(grid, routes));
}

/**
 * The coordinator's HTTP app: REST API under /api/v1 (with the console's session, live feed and
 * reads), the training-queue API under /api/training, the cover-probability service under /game,
 * the agent websocket at /agent, keys, health, the admin console at / and the public status page
 * at /status.
 */
export function createApp(grid: Grid, opts: AppOptions = {}) {
  const app = new Hono();
  // x-request-id in (when well-formed) and out, and in every log line about the request.
  app.use(requestId());
  app.use(countRequests(grid));
  app.use(closeUnreadBodies());
  // A path served for other methods answers 405 with Allow (after the 404 below was chosen).
  app.use(methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedAnswer(grid) }));
  app.use('/api/*', ...limitAuthFailures(grid.config.http.authFailures));
  // Bodies are read after authentication, streamed under a limit (routes/http/limit-bodies.ts).
  app.use('/api/*', limitBodies({ maxBytes: grid.config.http.maxBodyBytes, anonymousBytes: grid.config.http.anonymousBodyBytes }));
  if (opts.agentGateway) app.get('/agent', describeRoute({ summary: 'Agent websocket (upgrade; see the wire protocol in shared/src/protocol)', responses: { 101: 'Switching protocols' } }), opts.agentGateway);
  const coverServer = opts.coverServer ?? new CoverModelServer(grid);
  // A production model withdrawn by re-examination is swapped out here and on the other coordinators.
  grid.events.on('wu.reopened', (e) => { if (e.production) void coverServer.changed(); });
  const training = trainingRoutes(grid), performance = performanceRoutes(grid);
  const routed = app
    .route('/api/v1', restApi(grid, createLiveHub(grid), coverServer, () => app.routes))
    .route('/api/v1', batchReportRoutes(grid))
    .route('/api/v1', apiReferenceRoutes(grid))
    .route('/api/v1/training', training)
    .route('/api/v1', performance)
    // Seed 001's unversioned paths, aliases of the two above (the OpenAPI document lists those).
    .route('/api/training', training)
    .route('/api', performance)
    .route('/api', backtestRoutes(grid))
    .route('/api', sportFeaturesRoutes(grid))
    .route('/api', dataPipelineRoutes(grid, coverServer))
    .route('/game', gameInferenceRoutes(grid, coverServer))
    .route('/', systemRoutes(grid))
    .route('/', opsRoutes(grid, opts.daemons ?? []))
    .route('/', consoleRoutes(grid))
    .route('/status', statusPageRoutes(grid))
    .route('/stats', statsRoutes(opts.stats ?? null));
  app.onError(errorHandler(grid));
  app.notFound(notFoundHandler(grid));
  return routed;
}

export type AppType = ReturnType<typeof createApp>;

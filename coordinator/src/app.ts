import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './errors';
import type { Grid } from './grid';
import { describeRoute } from './openapi/registry';
import { batchesRoutes } from './routes/batches';
import { creditRoutes } from './routes/credit';
import { enrollmentRoutes } from './routes/enrollment';
import { eventsRoutes } from './routes/events';
import { hostsRoutes } from './routes/hosts';
import { errorHandler, notFoundHandler } from './routes/http/on-error';
import { inputsRoutes } from './routes/inputs';
import { keysRoutes } from './routes/keys';
import { kernelsRoutes } from './routes/kernels';
import { openapiRoutes } from './routes/openapi';
import { queueRoutes } from './routes/queue';
import { replicasRoutes } from './routes/replicas';
import { statusPageRoutes } from './routes/status-page';
import { systemRoutes } from './routes/system';
import { trainingRoutes } from './routes/training';
import { usersRoutes } from './routes/users';
import { workUnitsRoutes } from './routes/workunits';

/** Largest request body: a batch of 100k explicit units fits. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface AppOptions {
  /** The agent websocket upgrade handler, mounted at `GET /agent`. */
  agentGateway?: MiddlewareHandler;
}

function restApi(grid: Grid, routes: () => { method: string; path: string; handler: unknown }[]) {
  return new Hono()
    .route('/', usersRoutes(grid))
    .route('/', keysRoutes(grid))
    .route('/', enrollmentRoutes(grid))
    .route('/', batchesRoutes(grid))
    .route('/', workUnitsRoutes(grid))
    .route('/', replicasRoutes(grid))
    .route('/', hostsRoutes(grid))
    .route('/', creditRoutes(grid))
    .route('/', queueRoutes(grid))
    .route('/', kernelsRoutes(grid))
    .route('/', inputsRoutes(grid))
    .route('/', eventsRoutes(grid))
    .route('/', openapiRoutes(grid, routes));
}

/**
 * The coordinator's HTTP app: REST API under /api/v1, the training-queue API under
 * /api/training, the agent websocket at /agent, keys, health and a status page.
 */
export function createApp(grid: Grid, opts: AppOptions = {}) {
  const app = new Hono();
  app.use('/api/*', bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => { throw new AppError(413, 'too_large', `request body is larger than ${MAX_BODY_BYTES} bytes`); },
  }));
  if (opts.agentGateway) app.get('/agent', describeRoute({ summary: 'Agent websocket (upgrade; see the wire protocol in shared/src/protocol)', responses: { 101: 'Switching protocols' } }), opts.agentGateway);
  const routed = app
    .route('/api/v1', restApi(grid, () => app.routes))
    .route('/api/training', trainingRoutes(grid))
    .route('/', systemRoutes(grid))
    .route('/', statusPageRoutes(grid));
  app.onError(errorHandler(grid));
  app.notFound(notFoundHandler(grid));
  return routed;
}

export type AppType = ReturnType<typeof createApp>;

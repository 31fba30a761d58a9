import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AcceptedFollowUp, FollowUpList, ModelTypeList, RebalanceAnswer, SportMatrix, ValueMatrix } from '@nfl-grid/shared/api/console-types';
import {
  CompareBody, FollowUpsQuery, LimitQuery, MatrixQuery, ModelKeyParam, ModelPatchBody, ParametersQuery, RebalanceBody, SettingsBody, SportModelsQuery, SportParam,
} from '@nfl-grid/shared/performance/api';
import { requireAuth } from '../auth/access';
import { performanceModels } from '../db/schema/index';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { backfillPerformance } from '../tracker/track-results';
import { compare } from '../tracker/compare';
import { acceptFollowUp, autoQueueOnValidated, listFollowUps, queueAutoFollowUps, readSettings, rejectFollowUp, writeSettings } from '../tracker/follow-ups';
import { pendingMatrix } from '../tracker/matrix';
import { performanceMatrix } from '../tracker/sport-matrix';
import { sportModels } from '../tracker/sport-models';
import { leaderboard, modelDetail, modelTypes, parameters, trending } from '../tracker/reads';
import { rebalance } from '../tracker/rebalance';
import { zv } from './http/validate';
import { idParam } from './http/id-param';

/**
 * The performance tracker's API, `/api/v1/performance/*` (models, the task value matrix,
 * comparisons, follow-ups, rebalancing; seed 001's `/api/performance/*` is the same app). Reads need
 * any API key and show the caller's scope only (auth/access.ts; admins: everything); decisions (follow-ups, settings, importance, rebalance, backfill) need an admin.
 * Also starts auto-queueing follow-ups after validator passes when the setting is on.
 */
export function performanceRoutes(grid: Grid) {
  autoQueueOnValidated(grid);
  const anyone = requireAuth(grid);
  const admin = requireAuth(grid, ['admin']);
  return new Hono()
    .get('/performance/matrix',
      describeRoute({
        summary: 'The performance matrix (sport × model type: each cell the best registry model by walk-forward log loss, with summary statistics; query sport, days_back) and the task value matrix (cells: pending work ranked by EV)',
      }),
      anyone, zv('query', MatrixQuery),
      async (c) => {
        const q = c.req.valid('query');
        const [cells, figures] = await Promise.all([pendingMatrix(grid.db, c.get('scope')), sportModels(grid.db, c.get('scope'), { sport: q.sport, daysBack: q.days_back })]);
        const { summary, ...matrix } = performanceMatrix(figures);
        return c.json({ generatedAt: new Date().toISOString(), cells, sport: q.sport ?? null, daysBack: q.days_back ?? null, matrix, summary } satisfies ValueMatrix & SportMatrix);
      })
    .get('/performance/sport-models',
      describeRoute({ summary: 'Pre-game registry models per model and version: accuracy, precision, recall, F1, AUC, Brier, log loss, calibration error, the close on the same games, paired differences ± SE, ROI against the close' }),
      anyone, zv('query', SportModelsQuery),
      async (c) => {
        const q = c.req.valid('query');
        return c.json({ models: await sportModels(grid.db, c.get('scope'), { sport: q.sport, modelType: q.model_type, daysBack: q.days_back }) });
      })
    .post('/performance/compare',
      describeRoute({ summary: 'Compare two models or two batches on their metric: test, p-value, effect sizes, confidence interval' }),
      anyone, zv('json', CompareBody),
      async (c) => c.json(await compare(grid, c.get('user'), c.req.valid('json'))))
    .get('/performance/leaderboard/:sport',
      describeRoute({ summary: 'Models of a sport (nfl, nba; any case): tracked kernels ranked by best metric, and registry models ranked by walk-forward log loss with their full figures' }),
      anyone, zv('param', SportParam), zv('query', LimitQuery),
      async (c) => {
        const { sport } = c.req.valid('param'), { limit } = c.req.valid('query');
        const [tracked, registry] = await Promise.all([leaderboard(grid.db, c.get('scope'), sport, limit), sportModels(grid.db, c.get('scope'), { sport })]);
        const ranked = registry.sort((a, b) => (a.metrics.logLoss ?? Infinity) - (b.metrics.logLoss ?? Infinity)).slice(0, limit).map((m, i) => ({ rank: i + 1, ...m }));
        return c.json({ ...tracked, registry: ranked });
      })
    .get('/performance/model-types',
      describeRoute({ summary: 'Kernels and their model metric (direction, unit, tuned parameters), with model counts' }),
      anyone,
      async (c) => c.json({ modelTypes: await modelTypes(grid.db, c.get('scope')) } satisfies ModelTypeList))
    .get('/performance/parameters',
      describeRoute({ summary: 'Per model and tuned parameter: the values tried, their result count, mean and best metric' }),
      anyone, zv('query', ParametersQuery),
      async (c) => c.json({ models: await parameters(grid.db, c.get('scope'), c.req.valid('query')) }))
    .get('/performance/trending',
      describeRoute({ summary: 'Improving and regressing models (bootstrap trend of recent results) and recent breakthroughs and regressions' }),
      anyone, zv('query', LimitQuery),
      async (c) => c.json(await trending(grid.db, c.get('scope'), c.req.valid('query').limit)))
    .get('/performance/models/:key',
      describeRoute({ summary: 'One model: its record, history and milestones' }),
      anyone, zv('param', ModelKeyParam), zv('query', LimitQuery),
      async (c) => c.json(await modelDetail(grid.db, c.get('scope'), c.req.valid('param').key, c.req.valid('query').limit)))
    .patch('/performance/models/:key',
      describeRoute({ summary: "Set a model's importance (its weight in EV)" }),
      admin, zv('param', ModelKeyParam), zv('json', ModelPatchBody),
      async (c) => {
        const rows = await grid.db.orm.update(performanceModels).set({ importance: c.req.valid('json').importance })
          .where(eq(performanceModels.key, c.req.valid('param').key)).returning({ key: performanceModels.key, importance: performanceModels.importance });
        if (!rows.length) throw new NotFound('model', 'key');
        return c.json(rows[0]!);
      })
    .get('/performance/follow-ups',
      describeRoute({ summary: 'Follow-up work suggested for improving models (neighbouring configurations, more seeds)' }),
      anyone, zv('query', FollowUpsQuery),
      async (c) => c.json({ followUps: await listFollowUps(grid, c.get('scope'), c.req.valid('query')) } satisfies FollowUpList))
    .post('/performance/follow-ups/:id/accept',
      describeRoute({ summary: 'Accept a suggestion: submits its batch in your name', responses: { 201: 'The follow-up with its new batch id' } }),
      admin, idParam(grid, 'performance_follow_ups'),
      async (c) => c.json((await acceptFollowUp(grid, c.req.valid('param').id, c.get('user'))) satisfies AcceptedFollowUp, 201))
    .post('/performance/follow-ups/:id/reject',
      describeRoute({ summary: 'Reject a suggestion' }),
      admin, idParam(grid, 'performance_follow_ups'),
      async (c) => c.json(await rejectFollowUp(grid, c.req.valid('param').id, c.get('user'))))
    .get('/performance/settings',
      describeRoute({ summary: 'Tracker settings (auto-queueing of follow-ups)' }),
      anyone,
      async (c) => c.json(await readSettings(grid.db)))
    .put('/performance/settings',
      describeRoute({ summary: 'Turn auto-queueing of follow-ups on or off (on: waiting suggestions are queued at once)' }),
      admin, zv('json', SettingsBody),
      async (c) => {
        const settings = await writeSettings(grid.db, c.req.valid('json'));
        const queued = settings.autoQueueFollowUps ? await queueAutoFollowUps(grid) : [];
        return c.json({ ...settings, queuedBatches: queued });
      })
    .post('/performance/rebalance',
      describeRoute({ summary: 'Re-prioritise open batches by the EV of their pending work (dryRun: only show the changes)' }),
      admin, zv('json', RebalanceBody),
      async (c) => {
        const { dryRun } = c.req.valid('json');
        return c.json({ dryRun, changes: await rebalance(grid, { dryRun, actor: c.get('user').id }) } satisfies RebalanceAnswer);
      })
    .post('/performance/backfill',
      describeRoute({ summary: 'Track science results the tracker has not seen (assimilated before it existed, or skipped after an error)' }),
      admin,
      async (c) => c.json({ points: await backfillPerformance(grid.db) }));
}

import { Hono } from 'hono';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import type { ModelCalibration } from '@nfl-grid/shared/api/model-calibration';
import type { ModelList, ModelView, PromoteAnswer, RollbackAnswer } from '@nfl-grid/shared/api/console-types';
import { requireAuth } from '../auth/access';
import type { Grid } from '../grid';
import type { CoverModelServer } from '../models/cover-server';
import { CalibrationQuery, ListModelsQuery, PromoteBody, RegisterModelBody, RollbackBody } from '../models/api-schemas';
import { modelCalibration } from '../models/calibration';
import { promoteModel, rollback } from '../models/promote';
import { getModel, listModels, loadArtifact, modelView, registerModel } from '../models/registry';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
import { AppError } from '../errors';
import { zv } from './http/validate';
import { idParam } from './http/id-param';

/**
 * The model registry: researchers read the models trained from their batches and the grid's own
 * (no batch), admins all; admins register, promote and roll back.
 */
export function modelsRoutes(grid: Grid, server: CoverModelServer) {
  const readers = requireAuth(grid, ['researcher', 'admin']);
  const admin = requireAuth(grid, ['admin']);
  return new Hono()
    .get('/models',
      describeRoute({ summary: 'Registered models, by name and newest version first (filter by name, state)' }),
      readers, zv('query', ListModelsQuery),
      async (c) => {
        const rows = await listModels(grid.db, c.req.valid('query'), c.get('scope'));
        return c.json({ models: rows.map(modelView), total: rows.length } satisfies ModelList);
      })
    .post('/models',
      describeRoute({
        summary: 'Register a trained model as a candidate',
        description: 'The artifact (nfl-grid.mlp/1 or nfl-grid.cover-normal/1) is stored by the sha256 of its canonical JSON. A network whose features a request cannot provide, or whose last layer is not sigmoid, is refused (400 bad_artifact naming the field).',
        responses: { 201: 'The registered model' },
      }),
      admin, zv('json', RegisterModelBody),
      async (c) => {
        const row = await registerModel(grid.db, c.req.valid('json'), c.get('user').id);
        await recordEvent(grid.db, 'model.registered', row.id, c.get('user').id, { name: row.name, version: row.version, artifactSha256: row.artifactSha256 });
        return c.json(modelView(row) satisfies ModelView, 201);
      })
    .get('/models/:id',
      describeRoute({ summary: 'One model: lineage, metrics, state and its last promotion decision' }),
      readers, idParam(grid, 'models'),
      async (c) => c.json(modelView(await getModel(grid.db, c.req.valid('param').id, c.get('scope'))) satisfies ModelView))
    .get('/models/:id/artifact',
      describeRoute({ summary: "A model's artifact (weights) as JSON" }),
      readers, idParam(grid, 'models'),
      async (c) => {
        const m = await getModel(grid.db, c.req.valid('param').id, c.get('scope'));
        c.header('x-artifact-sha256', m.artifactSha256);
        return c.json(await loadArtifact(grid.db, m.artifactSha256));
      })
    .get('/models/:id/calibration',
      describeRoute({
        summary: "A model's reliability diagram and Δ log loss against the analytic baseline, per season and pooled",
        description: 'The model and the analytic baseline (σ = 18) score the same plays: by default the held-out seasons that have play-by-play data (2009–2019), or `season`. Forecasts fall in 20 bins 0.05 wide, weighted by plays; per bin the plays, the mean forecast and the observed cover rate. The model scores its plays as re-scoring did at registration, so its calibration error is the recorded one. Δ log loss is baseline − model per play (> 0: the model is better), with the standard error of the per-game differences. Computed once per artifact and season, then kept.',
      }),
      readers, idParam(grid, 'models'), zv('query', CalibrationQuery),
      async (c) => {
        const m = await getModel(grid.db, c.req.valid('param').id, c.get('scope'));
        const { season } = c.req.valid('query');
        const seasons = season !== undefined ? [season] : m.heldOutSeasons.filter((s) => (GAMESTATE_SEASONS as readonly number[]).includes(s)).sort((a, b) => a - b);
        const artifact = await loadArtifact(grid.db, m.artifactSha256);
        try {
          return c.json(await modelCalibration(grid.config.inputsDir, m, artifact, seasons) satisfies ModelCalibration);
        } catch (e) {
          grid.log.component('http').warn('calibration plays unavailable', { inputsDir: grid.config.inputsDir, error: e as Error });
          throw new AppError(503, 'no_evaluation_data', `the plays of ${seasons.join(', ')} cannot be read from ${grid.config.inputsDir}`);
        }
      })
    .post('/models/:id/promote',
      describeRoute({
        summary: 'Decide on a candidate: ship, iterate or kill, by a paired test against the production version',
        description: 'Both models score the plays of the evaluation seasons (default: the held-out seasons they share); per game, the mean difference in log loss; a two-sided sign-flip permutation test (10,000 permutations, seed 1). Ship when the candidate is better and p < alpha (default 0.05), kill when it is worse and p < alpha, else iterate. Only ship promotes, unless `override.reason` is given (audit log). The production version is archived.',
      }),
      admin, idParam(grid, 'models'), zv('json', PromoteBody),
      async (c) => c.json(await promoteModel(grid, server, c.req.valid('param').id, c.get('user'), c.req.valid('json')) satisfies PromoteAnswer))
    .post('/models/:id/rollback',
      describeRoute({ summary: 'Roll a production version back: the version it replaced is production again, this one archived' }),
      admin, idParam(grid, 'models'), zv('json', RollbackBody),
      async (c) => c.json(await rollback(grid, server, c.req.valid('param').id, c.get('user'), c.req.valid('json').reason) satisfies RollbackAnswer));
}

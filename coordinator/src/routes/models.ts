import { Hono } from 'hono';
import type { ModelList, ModelView, PromoteAnswer, RollbackAnswer } from '@nfl-grid/shared/api/console-types';
import { requireAuth } from '../auth/access';
import type { Grid } from '../grid';
import type { CoverModelServer } from '../models/cover-server';
import { ListModelsQuery, PromoteBody, RegisterModelBody, RollbackBody } from '../models/api-schemas';
import { promoteModel, rollback } from '../models/promote';
import { getModel, listModels, loadArtifact, modelView, registerModel } from '../models/registry';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
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

import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/access';
import { AppError } from '../errors';
import type { Grid } from '../grid';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { CreateSportModelBody, sportModelPlan } from '../models/create-sport-model';
import { sportFeatures } from '../models/sport-features';
import { submitBatch } from '../queue/submit-batch';
import { describeRoute } from '../openapi/registry';
import { badRequestFromZod, zv } from './http/validate';

const Params = z.strictObject({ sport: z.string().min(1).max(20), model_type: z.string().min(1).max(40) });

/** Seed 001's `GET /api/models/sport-features/:sport/:model_type` and `POST /api/models/create-sport-model`. */
export function sportFeaturesRoutes(grid: Grid) {
  return new Hono()
    .post('/models/create-sport-model',
      describeRoute({
        summary: 'Submit the training batch of a model type the grid can train (NFL cover: the network or the analytic baseline)',
        description: 'One work unit per held-out season (every season 2009–2019, or `test_season`). `model_type` `cover` trains the network of train.mlp@1 (`epochs`, default 10), `cover_baseline` fits the analytic baseline (cover.baseline@1). Each validated fold is registered as a candidate of the model `cover` with its held-out metrics; `model_name` names the batch. Other sports and model types answer 400 naming the field, with what is trainable.',
        responses: { 201: 'The batch id, its work units and estimated CPU hours, and what will be registered' },
      }),
      requireAuth(grid, ['researcher', 'admin']), zv('json', CreateSportModelBody),
      async (c) => {
        const plan = sportModelPlan(c.req.valid('json'));
        const parsed = BatchSpec.safeParse(plan.spec);
        if (!parsed.success) throw badRequestFromZod(parsed.error, 'body');
        const r = await submitBatch(grid, c.get('user').id, parsed.data);
        return c.json({ batch_id: r.batchId, work_units: r.wuCount, estimated_hours: r.estimatedHours, kernel: plan.registers.kernel, registers: plan.registers }, 201);
      })
    .get('/models/sport-features/:sport/:model_type',
      describeRoute({ summary: 'The features and default settings of a model type for a sport (NFL, NBA)' }),
      requireAuth(grid), zv('param', Params),
      (c) => {
        const { sport, model_type } = c.req.valid('param');
        const r = sportFeatures(sport, model_type);
        if (!r.ok) throw new AppError(404, 'not_found', r.message, r.field);
        return c.json(r.body);
      });
}

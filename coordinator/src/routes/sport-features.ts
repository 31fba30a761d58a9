import { Hono } from 'hono';
import { z } from 'zod';
import { requireAuth } from '../auth/access';
import { AppError } from '../errors';
import type { Grid } from '../grid';
import { sportFeatures } from '../models/sport-features';
import { describeRoute } from '../openapi/registry';
import { zv } from './http/validate';

const Params = z.strictObject({ sport: z.string().min(1).max(20), model_type: z.string().min(1).max(40) });

/** Seed 001's `GET /api/models/sport-features/:sport/:model_type`. */
export function sportFeaturesRoutes(grid: Grid) {
  return new Hono()
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

import { Hono } from 'hono';
import type { Grid } from '../grid';
import { CoverBatchBody, CoverInferenceBody, MAX_BATCH_ITEMS } from '../models/api-schemas';
import type { CoverModelServer } from '../models/cover-server';
import { answerCover } from '../models/served-model';
import { describeRoute } from '../openapi/registry';
import { limitBodies } from './http/limit-bodies';
import { badRequestFromZod, zv } from './http/validate';

const PUBLIC = { kind: 'none' } as const;
const MAX_BYTES = 256 * 1024;

/**
 * Seed 004's cover-probability service, public as in the seed (no key): one game state, a batch of
 * them, and which model answers. Every answer comes from the production model held in memory.
 */
export function gameInferenceRoutes(grid: Grid, server: CoverModelServer) {
  const model = async () => server.loaded ?? server.current();
  return new Hono()
    .use('*', limitBodies({ maxBytes: MAX_BYTES, anonymousBytes: MAX_BYTES }))
    .post('/inference',
      describeRoute({
        summary: 'Probability that the favourite covers, from clock, spread and score',
        description: 'time_sec: seconds elapsed (0–7200); hspread: the spread relative to the home team (negative: home favoured); favorite_points, underdog_points: points so far; final (optional): the game is over (true) or still going (false). Not started (0 s, 0–0) → 0.5; over → 1 when the favourite won by more than the line, else 0 (a push is 0); in play → the production model. Without final, a game is over at 3600 s with the scores apart, or at 4200 s (end of overtime).',
        auth: PUBLIC,
      }),
      zv('json', CoverInferenceBody),
      async (c) => c.json(answerCover(c.req.valid('json'), await model())))
    .post('/inference/batch',
      describeRoute({
        summary: `Up to ${MAX_BATCH_ITEMS} game states in one request, answered by one model`,
        description: 'Each item as for /game/inference; the answer lists, in order, a result or an error naming the field (items.N.field) per item.',
        auth: PUBLIC,
      }),
      zv('json', CoverBatchBody),
      async (c) => {
        const m = await model();
        const results = c.req.valid('json').items.map((item, i) => {
          const r = CoverInferenceBody.safeParse(item);
          if (r.success) return answerCover(r.data, m);
          const e = badRequestFromZod(r.error, `items.${i}`);
          return { error: { code: e.code, message: e.message, field: e.field ? `items.${i}.${e.field}` : `items.${i}` } };
        });
        return c.json({ model: m.name, version: m.version, results });
      })
    .get('/model',
      describeRoute({ summary: 'The cover model now served: name, version, registry id, features and load time', auth: PUBLIC }),
      async (c) => {
        const m = await model();
        return c.json({ id: m.id, model: m.name, version: m.version, format: m.predictor.format, features: m.predictor.features, loadMs: m.loadMs, loadedAt: m.loadedAt });
      });
}

import { z } from 'zod';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { MAX_ELAPSED_SECONDS } from './game-rules';

/** Request bodies of the model registry and the cover-probability service. */

const MetricMap = z.record(z.string(), z.number().finite());
const Season = z.number().int().min(1966).max(2100);

export const RegisterModelBody = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, . _ -'),
  kernel: z.string().min(1).max(100),
  sport: z.enum(['nfl', 'nba']).default('nfl'),
  modelType: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, _ -').default('mlp'),
  params: z.record(z.string(), z.unknown()).default({}),
  dataHashes: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex')).default({}),
  batchId: z.uuid().nullable().default(null),
  wuIds: z.array(z.number().int().positive()).max(100_000).default([]),
  metrics: z.strictObject({ overall: MetricMap, seasons: z.record(z.string().regex(/^\d{4}$/), MetricMap).default({}) }),
  heldOutSeasons: z.array(Season).max(100).default([]),
  artifact: z.unknown(),
});
export type RegisterModelBody = z.infer<typeof RegisterModelBody>;

export const ListModelsQuery = z.strictObject({
  name: z.string().min(1).max(64).optional(),
  state: z.enum(['candidate', 'production', 'archived']).optional(),
});


/** One season of play-by-play data (default: the model's held-out seasons). */
export const CalibrationQuery = z.strictObject({
  season: z.coerce.number().int().min(GAMESTATE_SEASONS[0]).max(GAMESTATE_SEASONS[GAMESTATE_SEASONS.length - 1]).optional(),
});

export const PromoteBody = z.strictObject({
  alpha: z.number().gt(0).lt(0.5).optional(),
  seasons: z.array(Season).min(1).max(20).optional(),
  override: z.strictObject({ reason: z.string().trim().min(3).max(1000) }).optional(),
});

export const RollbackBody = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

const points = z.number().int().min(0).max(200);
export const CoverInferenceBody = z.strictObject({
  time_sec: z.number().finite().min(0).max(MAX_ELAPSED_SECONDS),
  hspread: z.number().finite().min(-60).max(60),
  favorite_points: points,
  underdog_points: points,
  final: z.boolean().optional(),
});

export const MAX_BATCH_ITEMS = 1000;
export const CoverBatchBody = z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) });

import { z } from 'zod';

/* Request schemas of /api/performance (shared with the CLI and the console). */

const ModelKey = z.string().min(3).max(200).regex(/^[a-z][a-z0-9_.-]*@[0-9]+~[0-9a-f]{12}$/, 'expected a model key (kernel@version~hash)');

/** A sport as callers write it (`NBA`, `nba`): lower-cased, then checked. */
export const SportName = z.string().max(20).transform((s) => s.toLowerCase()).pipe(z.enum(['nfl', 'nba']));
export const SportParam = z.object({ sport: SportName });
/** Seed 001's matrix query: one sport (default every sport) and models registered in the last `days_back` days. */
export const MatrixQuery = z.strictObject({
  sport: SportName.optional(),
  days_back: z.coerce.number().int().min(1).max(36_500).optional(),
});
export const SportModelsQuery = MatrixQuery.extend({ model_type: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/).optional() });
export const ModelKeyParam = z.object({ key: ModelKey });
export const LimitQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });
export const ParametersQuery = z.object({ model: ModelKey.optional(), kernel: z.string().max(100).optional() });
export const FollowUpsQuery = LimitQuery.extend({
  state: z.enum(['suggested', 'accepted', 'queued', 'rejected', 'superseded', 'failed']).optional(),
  model: ModelKey.optional(),
});

const Side = z.union([z.strictObject({ model: ModelKey }), z.strictObject({ batch: z.uuid('expected a batch uuid') })]);
export const CompareBody = z.strictObject({
  a: Side,
  b: Side,
  test: z.enum(['permutation', 'welch']).default('permutation'),
  level: z.number().gt(0.5).lt(1).default(0.95),
});
export type CompareBody = z.input<typeof CompareBody>;

export const SettingsBody = z.strictObject({ autoQueueFollowUps: z.boolean() });
export const ModelPatchBody = z.strictObject({ importance: z.number().min(0).max(1000) });
export const RebalanceBody = z.strictObject({ dryRun: z.boolean().default(false) });
export const ReportQuery = z.object({ format: z.enum(['md', 'tex']).default('md') });

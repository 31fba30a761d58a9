import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';

/*
 * The performance tracker (coordinator/src/performance). A model is a kernel and a configuration
 * family: the key hashes the kernel ref and its params minus the seed, minus the parameters the
 * family searches over and those that only shape the output (shared/src/performance/metric-specs.ts).
 * Rows are updated only inside the validator's transaction (row locks in key order), so two
 * coordinators on one database never lose an update.
 */
export const performanceModels = pgTable('performance_models', {
  key: text('key').primaryKey(),
  kernel: text('kernel').notNull(),
  sport: text('sport').notNull().default('nfl'),
  /** The params that define the family (what is measured and how). */
  family: jsonb('family').notNull(),
  metric: text('metric').notNull(),
  lowerIsBetter: boolean('lower_is_better').notNull(),
  /** Admin weight in the expected value of pending work (default 1). */
  importance: doublePrecision('importance').notNull().default(1),
  results: integer('results').notNull().default(0),
  computeHours: doublePrecision('compute_hours').notNull().default(0),
  baseline: doublePrecision('baseline'),
  baselineWuId: bigint('baseline_wu_id', { mode: 'number' }),
  current: doublePrecision('current'),
  currentWuId: bigint('current_wu_id', { mode: 'number' }),
  best: doublePrecision('best'),
  bestWuId: bigint('best_wu_id', { mode: 'number' }),
  bestParams: jsonb('best_params'),
  bestAt: ts('best_at'),
  /** best − baseline, signed so that positive is better (metric units). */
  improvement: doublePrecision('improvement').notNull().default(0),
  /** improvement / computeHours (metric units per CPU hour). */
  roi: doublePrecision('roi').notNull().default(0),
  trend: text('trend').notNull().default('new'),
  trendSlope: doublePrecision('trend_slope'),
  trendLower: doublePrecision('trend_lower'),
  trendUpper: doublePrecision('trend_upper'),
  /** Raw p-value of the latest result against the best (null: latest is best, or untestable). */
  regressionP: doublePrecision('regression_p'),
  regressionTest: text('regression_test'),
  /** The WU whose regression was last recorded as a milestone (one milestone per result). */
  regressionWuId: bigint('regression_wu_id', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [index('performance_models_kernel_idx').on(t.kernel)]);

/** One point of a model's history per assimilated result that carries its metric. */
export const performancePoints = pgTable('performance_points', {
  wuId: bigint('wu_id', { mode: 'number' }).primaryKey(),
  modelKey: text('model_key').notNull().references(() => performanceModels.key),
  batchId: uuid('batch_id').notNull(),
  /** 1, 2, … within the model, in the order results were assimilated. */
  ordinal: integer('ordinal').notNull(),
  params: jsonb('params').notNull(),
  seed: bigint('seed', { mode: 'number' }).notNull(),
  value: doublePrecision('value').notNull(),
  /** Per-season / per-fold / per-repeat metric values when the output has them. */
  samples: jsonb('samples').$type<number[] | null>(),
  sampleLabels: jsonb('sample_labels').$type<(string | number)[] | null>(),
  computeHours: doublePrecision('compute_hours').notNull(),
  /** How much this result raised the model's best (metric units, ≥ 0). */
  gain: doublePrecision('gain').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('performance_points_model_ordinal_uq').on(t.modelKey, t.ordinal)]);

/** Breakthroughs and regressions (and each model's first result), with timestamps. */
export const performanceMilestones = pgTable('performance_milestones', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  modelKey: text('model_key').notNull().references(() => performanceModels.key),
  kind: text('kind').notNull(),
  wuId: bigint('wu_id', { mode: 'number' }).notNull(),
  value: doublePrecision('value').notNull(),
  previous: doublePrecision('previous'),
  pValue: doublePrecision('p_value'),
  adjustedP: doublePrecision('adjusted_p'),
  detail: jsonb('detail'),
  createdAt: createdAt(),
}, (t) => [index('performance_milestones_created_idx').on(t.createdAt), index('performance_milestones_model_idx').on(t.modelKey, t.createdAt)]);

/** Suggested follow-up work for improving models: suggested → accepted | queued | rejected | superseded. */
export const performanceFollowUps = pgTable('performance_follow_ups', {
  id: uuid('id').primaryKey().defaultRandom(),
  modelKey: text('model_key').notNull().references(() => performanceModels.key),
  kind: text('kind').notNull(),
  state: text('state').notNull().default('suggested'),
  /** The BatchSpec that accepting submits. */
  spec: jsonb('spec').notNull(),
  specSha256: text('spec_sha256').notNull(),
  reason: text('reason').notNull(),
  sourceWuId: bigint('source_wu_id', { mode: 'number' }).notNull(),
  sourceBatchId: uuid('source_batch_id').notNull(),
  batchId: uuid('batch_id'),
  decidedBy: text('decided_by'),
  decidedAt: ts('decided_at'),
  error: text('error'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('performance_follow_ups_spec_uq').on(t.modelKey, t.specSha256),
  index('performance_follow_ups_state_idx').on(t.state, t.createdAt),
]);

/** Tracker settings shared by every coordinator on the database (e.g. auto-queueing follow-ups). */
export const performanceSettings = pgTable('performance_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

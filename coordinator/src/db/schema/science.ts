import { bigint, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { batches } from './work';

/**
 * The canonical output of each validated WU, as the assimilator stored it. A result whose WU was
 * re-opened is marked withdrawn (with the reason) until the WU is validated again, when the
 * assimilator stores the new canonical output in its place; the withdrawn output stays on record
 * in wu_reopenings.
 */
export const scienceResults = pgTable('science_results', {
  wuId: bigint('wu_id', { mode: 'number' }).primaryKey(),
  batchId: uuid('batch_id').notNull().references(() => batches.id),
  seq: integer('seq').notNull(),
  kernel: text('kernel').notNull(),
  params: jsonb('params').notNull(),
  output: jsonb('output').notNull(),
  outputSha256: text('output_sha256').notNull(),
  replicaId: bigint('replica_id', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
  withdrawnAt: ts('withdrawn_at'),
  withdrawnReason: text('withdrawn_reason'),
}, (t) => [index('science_results_batch_idx').on(t.batchId, t.seq)]);

/**
 * A batch's merged figures (GET /batches/:id/combined), the newest per batch and options. A read
 * serves the row when `fingerprint` (the merge version, the merged results' WU ids and output
 * hashes) still matches the batch's results; otherwise it merges again and replaces the row.
 */
export const combinedResults = pgTable('combined_results', {
  batchId: uuid('batch_id').notNull().references(() => batches.id, { onDelete: 'cascade' }),
  resamples: integer('resamples').notNull(),
  level: doublePrecision('level').notNull(),
  seed: bigint('seed', { mode: 'number' }).notNull(),
  fingerprint: text('fingerprint').notNull(),
  figures: jsonb('figures').notNull(),
  computeMs: integer('compute_ms').notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.batchId, t.resamples, t.level, t.seed] })]);

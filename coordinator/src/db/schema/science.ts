import { bigint, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { batches } from './work';

/** The canonical output of each validated WU, as the assimilator stored it. */
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
}, (t) => [index('science_results_batch_idx').on(t.batchId, t.seq)]);

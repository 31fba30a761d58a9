import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { users } from './users';

/*
 * The play-by-play pipeline (coordinator/src/data): the preprocessing config it runs with, one
 * row per name, and its runs. At most one run is `running` at a time across every coordinator on
 * the database, enforced by a partial unique index.
 */

export const preprocessingConfigs = pgTable('preprocessing_configs', {
  name: text('name').primaryKey(),
  /** The validated config (coordinator/src/data/preprocessing-config.ts). */
  config: jsonb('config').notNull(),
  updatedBy: uuid('updated_by').references(() => users.id),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const pipelineRuns = pgTable('pipeline_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** running → succeeded | failed */
  state: text('state').notNull().default('running'),
  config: jsonb('config').notNull(),
  /** Dataset name → sha256 of the file read. */
  dataHashes: jsonb('data_hashes'),
  /** The quality report and feature summary (null until the run ends). */
  report: jsonb('report'),
  error: text('error'),
  durationMs: integer('duration_ms'),
  startedBy: uuid('started_by').references(() => users.id),
  createdAt: createdAt(),
  finishedAt: ts('finished_at'),
}, (t) => [
  uniqueIndex('pipeline_runs_one_running_idx').on(t.state).where(sql`state = 'running'`),
  index('pipeline_runs_created_idx').on(t.createdAt),
]);

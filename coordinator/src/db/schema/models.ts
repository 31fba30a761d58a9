import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { users } from './users';
import { batches } from './work';

export const modelStateEnum = pgEnum('model_state', ['candidate', 'production', 'archived']);

/**
 * Model weights by content: the canonical JSON of an artifact (shared/src/models) and its sha256.
 * Kept in the database, not the data folder, so that every coordinator on one database can load
 * the same bytes; the body is re-hashed on load.
 */
export const modelArtifacts = pgTable('model_artifacts', {
  sha256: text('sha256').primaryKey(),
  format: text('format').notNull(),
  body: text('body').notNull(),
  bytes: integer('bytes').notNull(),
  createdAt: createdAt(),
});

/**
 * The model registry: one row per trained model version, with where it came from (kernel, params,
 * data hashes, batch and WUs), its metrics and its state. At most one production version per name,
 * enforced by a partial unique index; `replaces_id` is the production version it replaced, which a
 * rollback puts back.
 */
export const models = pgTable('models', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  version: integer('version').notNull(),
  kernel: text('kernel').notNull(),
  /** The sport the model predicts (`nfl`, `nba`) and its family (`mlp`, `logistic`, `gru`, `stacked`, …): the performance matrix's axes. */
  sport: text('sport').notNull().default('nfl'),
  modelType: text('model_type').notNull().default('mlp'),
  params: jsonb('params').notNull(),
  /** Dataset name → sha256 of the file it was trained on. */
  dataHashes: jsonb('data_hashes').notNull(),
  batchId: uuid('batch_id').references(() => batches.id, { onDelete: 'set null' }),
  wuIds: bigint('wu_ids', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  /** `{ overall: {...}, seasons: { "2019": {...} } }` as the training reported them. */
  metrics: jsonb('metrics').notNull(),
  heldOutSeasons: integer('held_out_seasons').array().notNull().default(sql`'{}'::integer[]`),
  artifactSha256: text('artifact_sha256').notNull().references(() => modelArtifacts.sha256),
  state: modelStateEnum('state').notNull().default('candidate'),
  replacesId: uuid('replaces_id'),
  /** The last promotion decision with its numbers. */
  decision: jsonb('decision'),
  createdBy: uuid('created_by').references(() => users.id),
  createdAt: createdAt(),
  promotedAt: ts('promoted_at'),
  archivedAt: ts('archived_at'),
  /** Why the model was withdrawn: a WU it was built on was re-opened (models/withdraw-models.ts). */
  withdrawnReason: text('withdrawn_reason'),
}, (t) => [
  uniqueIndex('models_name_version_idx').on(t.name, t.version),
  uniqueIndex('models_one_production_idx').on(t.name).where(sql`state = 'production'`),
  index('models_created_idx').on(t.createdAt),
  index('models_sport_type_idx').on(t.sport, t.modelType),
]);

/**
 * A pre-game model's walk-forward predictions, one row per game it was scored on (seasons it never
 * trained on), with what the performance figures need: the outcome, the de-vigged close and the
 * price of a bet on each side (decimal odds; null without a price). `home_result` settles a bet on
 * the home side: 1 won, 0.5 pushed, 0 lost (NBA: the moneyline; NFL: the closing spread at −110).
 */
export const modelPredictions = pgTable('model_predictions', {
  modelId: uuid('model_id').notNull().references(() => models.id, { onDelete: 'cascade' }),
  gameId: text('game_id').notNull(),
  season: integer('season').notNull(),
  date: text('date').notNull(),
  p: doublePrecision('p').notNull(),
  homeWin: doublePrecision('home_win').notNull(),
  market: doublePrecision('market'),
  homeOdds: doublePrecision('home_odds'),
  awayOdds: doublePrecision('away_odds'),
  homeResult: doublePrecision('home_result'),
}, (t) => [
  primaryKey({ columns: [t.modelId, t.gameId] }),
  index('model_predictions_date_idx').on(t.modelId, t.date),
]);

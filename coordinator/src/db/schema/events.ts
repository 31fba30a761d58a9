import { bigint, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

/** What happened, for the console's feed and for audit: one row per notable transition or action. */
export const events = pgTable('events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  subject: text('subject'),
  actor: text('actor'),
  data: jsonb('data'),
  createdAt: createdAt(),
}, (t) => [index('events_created_idx').on(t.createdAt), index('events_kind_idx').on(t.kind, t.createdAt)]);

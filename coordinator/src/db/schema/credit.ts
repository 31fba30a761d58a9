import { bigint, doublePrecision, index, pgTable, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { hosts } from './hosts';
import { users } from './users';

/** Append-only: rows are only ever inserted. Totals and RAC on hosts/users are derived views of it. */
export const creditLedger = pgTable('credit_ledger', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  hostId: uuid('host_id').notNull().references(() => hosts.id),
  userId: uuid('user_id').notNull().references(() => users.id),
  replicaId: bigint('replica_id', { mode: 'number' }).notNull().unique(),
  wuId: bigint('wu_id', { mode: 'number' }).notNull(),
  claimed: doublePrecision('claimed').notNull(),
  granted: doublePrecision('granted').notNull(),
  createdAt: createdAt(),
}, (t) => [index('credit_ledger_host_idx').on(t.hostId, t.createdAt), index('credit_ledger_user_idx').on(t.userId, t.createdAt)]);

/** Per-volunteer credit totals (a host's totals live on the host row). */
export const userCredit = pgTable('user_credit', {
  userId: uuid('user_id').primaryKey().references(() => users.id),
  totalCredit: doublePrecision('total_credit').notNull().default(0),
  rac: doublePrecision('rac').notNull().default(0),
  racTime: ts('rac_time').notNull().defaultNow(),
});

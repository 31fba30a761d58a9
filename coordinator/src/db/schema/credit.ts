import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';
import { hosts } from './hosts';
import { users } from './users';

/**
 * Append-only: rows are only ever inserted. Totals and RAC on hosts/users are derived views of it.
 * A replica has at most one grant and one reversal: the reversal (credit/reverse-credit.ts) is a
 * row of negative `granted` that names the grant it undoes and why.
 */
export const creditLedger = pgTable('credit_ledger', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  hostId: uuid('host_id').notNull().references(() => hosts.id),
  userId: uuid('user_id').notNull().references(() => users.id),
  replicaId: bigint('replica_id', { mode: 'number' }).notNull(),
  wuId: bigint('wu_id', { mode: 'number' }).notNull(),
  claimed: doublePrecision('claimed').notNull(),
  granted: doublePrecision('granted').notNull(),
  /** For a reversal: the grant row it undoes. */
  reversesId: bigint('reverses_id', { mode: 'number' }),
  /** For a reversal: why the credit was taken back. */
  reason: text('reason'),
  createdAt: createdAt(),
}, (t) => [
  index('credit_ledger_host_idx').on(t.hostId, t.createdAt), index('credit_ledger_user_idx').on(t.userId, t.createdAt),
  uniqueIndex('credit_ledger_grant_uq').on(t.replicaId).where(sql`${t.reversesId} IS NULL`),
  uniqueIndex('credit_ledger_reversal_uq').on(t.reversesId).where(sql`${t.reversesId} IS NOT NULL`),
]);

/** Per-volunteer credit totals (a host's totals live on the host row). */
export const userCredit = pgTable('user_credit', {
  userId: uuid('user_id').primaryKey().references(() => users.id),
  totalCredit: doublePrecision('total_credit').notNull().default(0),
  rac: doublePrecision('rac').notNull().default(0),
  racTime: ts('rac_time').notNull().defaultNow(),
});

import { index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';

export const roleEnum = pgEnum('role', ['admin', 'researcher', 'volunteer']);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  role: roleEnum('role').notNull(),
  team: text('team'),
  createdAt: createdAt(),
});

/** API keys are stored as sha256 of the key; the key itself is shown once. */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  label: text('label'),
  createdAt: createdAt(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
}, (t) => [index('api_keys_user_idx').on(t.userId)]);

/** Enrollment tokens let a volunteer's agents join; reusable until they expire or run out of uses. */
export const enrollmentTokens = pgTable('enrollment_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: ts('expires_at').notNull(),
  usesLeft: integer('uses_left').notNull().default(100),
  createdAt: createdAt(),
});

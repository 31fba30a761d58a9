import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, ts } from './columns';

/**
 * Public halves of coordinator signing keys, served at /.well-known/jwks.json. Each coordinator
 * keeps its private key in its data folder (mode 0600); every coordinator on the database serves
 * every key that has not been retired, so agents verify work from any of them.
 */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: jsonb('public_jwk').notNull(),
  createdAt: createdAt(),
  retiredAt: ts('retired_at'),
});

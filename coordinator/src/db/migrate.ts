import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db } from './index';

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** An arbitrary fixed key: coordinators starting together take turns migrating. */
const MIGRATION_LOCK = 0x6e666c67;

/** Applies migrations to the embedded database in place. */
export async function migrateEmbedded(db: Db): Promise<void> {
  if (db.kind !== 'pglite') throw new Error('migrateEmbedded needs a PGlite database');
  await migratePglite(db.orm as never, { migrationsFolder });
}

/** Applies migrations to a Postgres server on a connection of their own, closed afterwards. */
export async function migrateServer(url: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzle(client), { migrationsFolder });
    await client`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

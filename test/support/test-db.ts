import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Db } from '../../coordinator/src/db/index';
import { withDatabase } from './global-setup';

export type DbKind = 'pglite' | 'postgres';

/** PGlite always; Postgres too when DATABASE_URL is set (as in CI). */
export function dbKinds(): DbKind[] {
  return inject('pgTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDb {
  db: Db;
  /** A postgres:// URL for child processes (Postgres only). */
  url: string | null;
  drop(): Promise<void>;
}

/** A freshly migrated database of its own: a clone of the run's template. */
export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined, { loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
    return { db, url: null, drop: () => db.close() };
  }
  const base = process.env.DATABASE_URL!;
  const name = `nflgrid_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  const url = withDatabase(base, name);
  const db = await openPostgres(url);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPglite } from '../../coordinator/src/db/index';
import { migrateEmbedded, migrateServer, migrationsFolder } from '../../coordinator/src/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string | null;
  }
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).sort()) h.update(readFileSync(join(migrationsFolder, f)));
  h.update(readFileSync(join(migrationsFolder, 'meta', '_journal.json')));
  return h.digest('hex').slice(0, 16);
}

/**
 * Migrates once per run: a PGlite data-dir dump each test file loads, and (with DATABASE_URL) a
 * Postgres template database each test clones WITH TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const hash = migrationsHash();
  const dump = join(tmpdir(), `nfl-grid-pglite-${hash}.tar`);
  if (!existsSync(dump)) {
    const db = await openPglite();
    await migrateEmbedded(db);
    // Flush to the data folder before dumping it, then publish the file atomically: other test
    // runs may be reading it.
    const [{ n }] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    if (n === 0) throw new Error('migrations produced no tables; not caching an empty template');
    await db.rows(sql`CHECKPOINT`);
    const file = await (db.orm as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client.dumpDataDir('none');
    const tmp = `${dump}.${process.pid}`;
    writeFileSync(tmp, Buffer.from(await file.arrayBuffer()));
    renameSync(tmp, dump);
    await db.close();
  }
  project.provide('pgliteDump', dump);

  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('pgTemplate', null);
    return;
  }
  const template = `nflgrid_tmpl_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
  await admin.unsafe(`CREATE DATABASE ${template}`);
  await migrateServer(withDatabase(url, template));
  project.provide('pgTemplate', template);
  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

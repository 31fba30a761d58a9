import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { DaemonLoop } from '../daemons/daemon-loop';
import { migrationsFolder } from '../db/migrate';
import type { Grid } from '../grid';

/*
 * Whether this coordinator should get traffic from a load balancer: its database answers, the
 * migrations this build ships are all applied (a coordinator of a newer build waits for them),
 * and its daemons are running. Each failed check is named in `reasons`.
 */

export interface Readiness {
  ready: boolean;
  reasons: string[];
  checks: { database: boolean; migrations: boolean; daemons: Record<string, string> };
}

/** The newest migration this build ships (drizzle records each applied one by its `when`). */
function newestMigration(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return Math.max(...journal.entries.map((e) => e.when));
}

export async function readiness(grid: Grid, daemons: DaemonLoop[]): Promise<Readiness> {
  const reasons: string[] = [];
  let database = false;
  let migrations = false;
  try {
    await grid.db.rows(sql`SELECT 1`);
    database = true;
    const [row] = await grid.db.rows<{ newest: number | null }>(sql`SELECT max(created_at)::float8 AS newest FROM drizzle.__drizzle_migrations`);
    migrations = (row?.newest ?? 0) >= newestMigration();
    if (!migrations) reasons.push('database migrations are behind this build');
  } catch (e) {
    reasons.push(database ? `migrations cannot be read: ${(e as Error).message}` : `database does not answer: ${(e as Error).message}`);
  }
  const states: Record<string, string> = {};
  for (const d of daemons) {
    const { state } = d.status();
    states[d.name] = state;
    if (state === 'idle' || state === 'stopped') reasons.push(`daemon ${d.name} is ${state === 'idle' ? 'not started' : 'stopped'}`);
  }
  return { ready: reasons.length === 0, reasons, checks: { database, migrations, daemons: states } };
}

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Grid } from '../coordinator';
import { users } from '../db/schema/index';
import { insertApiKey } from './api-keys';

export const ADMIN_KEY_FILE = 'admin-key';

/**
 * On the first start of a grid (no admin user yet) creates the user `admin` with an API key,
 * writes the key to `<dataDir>/admin-key` (mode 0600) and returns it for main to print once.
 * Otherwise returns null. An advisory lock keeps two coordinators starting together from both
 * creating one; the file is written before commit, so a failed write leaves no keyless admin.
 */
export async function ensureAdminKey(grid: Grid): Promise<string | null> {
  return grid.db.transaction(async (tx) => {
    await tx.rows(sql`SELECT pg_advisory_xact_lock(hashtext('nfl-grid.ensure-admin'))`);
    const [admin] = await tx.orm.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
    if (admin) return null;
    const [user] = await tx.orm.insert(users).values({ name: 'admin', role: 'admin' }).returning({ id: users.id });
    const { key } = await insertApiKey(tx, user!.id, 'first start');
    mkdirSync(grid.config.dataDir, { recursive: true });
    const file = join(grid.config.dataDir, ADMIN_KEY_FILE);
    writeFileSync(file, key + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    await tx.rows(sql`INSERT INTO events (kind, subject, actor) VALUES ('user.created', ${user!.id}, 'system')`);
    grid.log.info('created the admin user', { keyFile: file });
    return key;
  });
}

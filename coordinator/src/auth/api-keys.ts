import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuthUser } from '@nfl-grid/shared/api/console-types';
import type { CreateUserBody } from '@nfl-grid/shared/api/users';
import type { Db, Tx } from '../db/index';
import { apiKeys, users } from '../db/schema/index';
import { Conflict } from '../errors';
import type { Grid } from '../grid';

export const API_KEY_PREFIX = 'ngk_';
/** Characters of the key kept in clear to tell keys apart in listings (`ngk_` + 8). */
export const KEY_PREFIX_CHARS = 12;

export type { AuthUser };

export interface NewApiKey {
  id: string;
  /** The key itself: shown once, never stored. */
  key: string;
  prefix: string;
}

/** Makes an API key for a user and stores its hash. */
export async function insertApiKey(db: Tx, userId: string, label?: string): Promise<NewApiKey> {
  const key = newSecret(API_KEY_PREFIX);
  const prefix = key.slice(0, KEY_PREFIX_CHARS);
  const [row] = await db.orm.insert(apiKeys).values({ userId, prefix, keyHash: hashSecret(key), label }).returning({ id: apiKeys.id });
  return { id: row!.id, key, prefix };
}

const TOUCH_EVERY_MS = 60_000;

/** The user a live (not revoked) key belongs to, or null. Records use at most once a minute. */
export async function userForApiKey(db: Tx, key: string): Promise<AuthUser | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const [row] = await db.orm
    .select({ keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt, id: users.id, name: users.name, role: users.role, team: users.team })
    .from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashSecret(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.orm.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.keyId));
  }
  return { id: row.id, name: row.name, role: row.role, team: row.team };
}

/** Revokes a key; returns its owner, or null when there is no such live key. */
export async function revokeApiKey(db: Tx, keyId: string): Promise<{ userId: string } | null> {
  const [row] = await db.orm.update(apiKeys).set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ userId: apiKeys.userId });
  return row ?? null;
}

/** A bearer secret: `prefix` + base64url of `bytes` random bytes. */
export function newSecret(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their sha256 (hex); they have enough entropy not to need a salt. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The secret from `Authorization: Bearer <secret>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/** Creates a user with a first API key, in one transaction. The key is returned once. */
export async function createUserWithKey(db: Db, input: CreateUserBody): Promise<{ user: AuthUser & { createdAt: Date }; key: string; keyId: string }> {
  return db.transaction(async (tx) => {
    const [taken] = await tx.orm.select({ id: users.id }).from(users).where(eq(users.name, input.name)).limit(1);
    if (taken) throw new Conflict(`user ${input.name} already exists`, 'name_taken', 'name');
    const [user] = await tx.orm.insert(users).values({ name: input.name, role: input.role, team: input.team ?? null })
      .onConflictDoNothing().returning();
    if (!user) throw new Conflict(`user ${input.name} already exists`, 'name_taken', 'name');
    const k = await insertApiKey(tx, user.id, 'first key');
    return { user: { id: user.id, name: user.name, role: user.role, team: user.team, createdAt: user.createdAt }, key: k.key, keyId: k.id };
  });
}

const ADMIN_KEY_FILE = 'admin-key';

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
    grid.log.component('auth').info('created the admin user', { keyFile: file });
    return key;
  });
}

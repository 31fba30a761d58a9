import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '@nfl-grid/shared/api/users';
import type { Tx } from '../db/index';
import { apiKeys, users } from '../db/schema/index';
import { hashSecret, newSecret } from './secrets';

export const API_KEY_PREFIX = 'ngk_';
/** Characters of the key kept in clear to tell keys apart in listings (`ngk_` + 8). */
export const KEY_PREFIX_CHARS = 12;

export interface AuthUser {
  id: string;
  name: string;
  role: Role;
  team: string | null;
}

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

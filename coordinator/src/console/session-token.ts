import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { jwtVerify, SignJWT } from 'jose';
import { type AuthUser, hashSecret } from '../auth/api-keys';
import { apiKeys, users } from '../db/schema/index';
import { Forbidden } from '../errors';
import type { Grid } from '../grid';

/*
 * Console sessions, stateless: an admin signs in with an API key and gets a cookie holding a JWT
 * (HS256) that names the user and the API key it was made from. The HMAC secret is
 * NFL_GRID_SESSION_SECRET when set (coordinators behind one address share it), else
 * `<dataDir>/session-secret` (mode 0600). Every request still reads the key's row, so revoking the
 * key (or demoting the user) ends its sessions at once; nothing is stored per session.
 */

export const SESSION_COOKIE = 'nflgrid_session';
export const SESSION_SECRET_FILE = 'session-secret';
export const SESSION_TTL_SECONDS = 12 * 3600;
const ISSUER = 'nfl-grid-console';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const secrets = new Map<string, Uint8Array>();

/** The configured session secret, else the data folder's (32 random bytes, 0600, made on first use). */
export function sessionSecretOf(config: { sessionSecret: Uint8Array | null; dataDir: string }): Uint8Array {
  return config.sessionSecret ?? sessionSecret(config.dataDir);
}

/** The data folder's session secret, created (32 random bytes, 0600) on first use. */
export function sessionSecret(dataDir: string): Uint8Array {
  const cached = secrets.get(dataDir);
  if (cached) return cached;
  const file = join(dataDir, SESSION_SECRET_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx': another coordinator on this folder may have written it first; then read theirs.
      writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    text = readFileSync(file, 'utf8').trim();
  }
  const key = new Uint8Array(Buffer.from(text, 'base64url'));
  if (key.length < 32) throw new Error(`${file} holds fewer than 32 bytes; delete it to make a new one`);
  secrets.set(dataDir, key);
  return key;
}

/** The live key and its user, for signing in: null when the key is unknown or revoked. */
export async function keyForLogin(grid: Grid, key: string): Promise<{ keyId: string; prefix: string; user: AuthUser } | null> {
  const [row] = await grid.db.orm
    .select({ keyId: apiKeys.id, prefix: apiKeys.prefix, id: users.id, name: users.name, role: users.role, team: users.team })
    .from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashSecret(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  return { keyId: row.keyId, prefix: row.prefix, user: { id: row.id, name: row.name, role: row.role, team: row.team } };
}

export async function signSession(grid: Grid, userId: string, keyId: string): Promise<string> {
  return new SignJWT({ kid: keyId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(sessionSecretOf(grid.config));
}

/** The user of a session cookie, or null when it is forged, expired, or its key was revoked. */
export async function userForSession(grid: Grid, token: string): Promise<AuthUser | null> {
  let sub: string | undefined;
  let kid: unknown;
  try {
    const { payload } = await jwtVerify(token, sessionSecretOf(grid.config), {
      algorithms: ['HS256'], issuer: ISSUER,
    });
    sub = payload.sub;
    kid = payload.kid;
  } catch {
    return null;
  }
  if (!sub || typeof kid !== 'string' || !UUID.test(kid) || !UUID.test(sub)) return null;
  const [row] = await grid.db.orm
    .select({ id: users.id, name: users.name, role: users.role, team: users.team })
    .from(apiKeys).innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.id, kid), eq(apiKeys.userId, sub), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row ?? null;
}

/*
 * Cross-site request forgery guard for cookie-authenticated requests (Bearer keys are never sent
 * by a browser on its own, so they need none). The session cookie is SameSite=Strict; on top of
 * that a request that changes state must carry a custom header, which a cross-origin page cannot
 * add without a CORS preflight this server never grants, and must not come from another origin.
 */

export const CSRF_HEADER = 'x-nfl-grid-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function checkCsrf(c: Context): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  if (!c.req.header(CSRF_HEADER)) {
    throw new Forbidden(`a console request that changes state must carry the ${CSRF_HEADER} header`, 'csrf');
  }
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') throw new Forbidden(`cross-site request refused (sec-fetch-site: ${site})`, 'csrf');
  const origin = c.req.header('origin');
  if (origin) {
    const hosts = [c.req.header('x-forwarded-host'), c.req.header('host')].filter(Boolean);
    let originHost: string | null = null;
    try { originHost = new URL(origin).host; } catch { /* "null" or garbage */ }
    if (!originHost || !hosts.includes(originHost)) throw new Forbidden(`cross-origin request refused (origin ${origin})`, 'csrf');
  }
}

/** checkCsrf as a middleware, for routes that take no credentials (sign-in, sign-out). */
export const csrfGuard: MiddlewareHandler = async function csrfGuard(c, next) {
  checkCsrf(c);
  await next();
};

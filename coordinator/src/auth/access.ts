import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Role } from '@nfl-grid/shared/api/users';
import { checkCsrf, SESSION_COOKIE, userForSession } from '../console/session-token';
import { batches } from '../db/schema/index';
import { Forbidden, NotFound, Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { annotate } from '../openapi/registry';
import { API_KEY_PREFIX, type AuthUser, bearerToken, userForApiKey } from './api-keys';
import { verifyActiveHost } from './host-credentials';

declare module 'hono' {
  interface ContextVariableMap {
    /** The caller, set by requireAuth. */
    user: AuthUser;
    /** How the caller proved who they are: an API key, or the console's session cookie. */
    authVia: 'api-key' | 'session';
    /** What the caller may read (see Scope), set by requireAuth. */
    scope: Scope;
  }
}

/**
 * Requires `Authorization: Bearer <API key>` of a live key, or else the console's session cookie
 * (401 otherwise; a cookie request that changes state must also pass the CSRF check, 403), whose
 * user has one of `roles` when given (403 otherwise), and sets the context variables `user` and
 * `scope` (what the caller may read: every read filters by it).
 */
export function requireAuth(grid: Grid, roles?: readonly Role[]): MiddlewareHandler {
  return annotate(async function requireAuth(c, next) {
    const header = c.req.header('authorization');
    const key = bearerToken(header);
    let user: AuthUser | null;
    if (key) {
      user = await userForApiKey(grid.db, key);
      if (!user) throw new Unauthorized('unknown or revoked API key', 'bad_api_key');
      c.set('authVia', 'api-key');
    } else {
      const session = header === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
      if (!session) throw new Unauthorized('missing API key: send Authorization: Bearer ngk_... (or sign in to the console)', 'missing_api_key');
      user = await userForSession(grid, session);
      if (!user) throw new Unauthorized('the console session has expired or its key was revoked: sign in again', 'bad_session');
      checkCsrf(c);
      c.set('authVia', 'session');
    }
    if (roles && !roles.includes(user.role)) throw new Forbidden(`this needs the role ${roles.join(' or ')}; you are ${user.role}`);
    c.set('user', user);
    c.set('scope', scopeOf(user));
    await next();
  }, { auth: { kind: 'api-key', roles } });
}

/** Lets in an agent (its host credential, a JWT, of a host not banned) or any user (an API key): for input downloads. */
export function requireHostOrKey(grid: Grid): MiddlewareHandler {
  return annotate(async function requireHostOrKey(c, next) {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new Unauthorized('missing credentials: send Authorization: Bearer <host credential or API key>', 'missing_credentials');
    if (token.startsWith(API_KEY_PREFIX)) {
      const user = await userForApiKey(grid.db, token);
      if (!user) throw new Unauthorized('unknown or revoked API key', 'bad_api_key');
      c.set('user', user);
      c.set('scope', scopeOf(user));
    } else {
      await verifyActiveHost(grid, token);
    }
    await next();
  }, { auth: { kind: 'host-or-api-key' } });
}

export type BatchRow = typeof batches.$inferSelect;

/*
 * The one access rule behind every read. A tenant's rows are the batches and hosts it owns;
 * everything else derives from one of them (work units, replicas, results, tracker points and the
 * models folded from them, reports, combined merges, registry models trained from a batch). Admins
 * (and the grid's own daemons) read everything; anyone else only their own rows and what derives
 * from them. Rows of others are "not found", never "forbidden", so ids do not reveal what exists.
 */
export type Scope = { all: true } | { all: false; userId: string };

/** Every tenant's rows: for admins and the coordinator's own passes. */
export const EVERYTHING: Scope = { all: true };

export function scopeOf(user: AuthUser): Scope {
  return user.role === 'admin' ? EVERYTHING : { all: false, userId: user.id };
}

/** SQL: a row whose owner column is `ownerId` is in scope. */
export function ownedIn(scope: Scope, ownerId: SQLWrapper): SQL {
  return scope.all ? sql`true` : sql`${ownerId} = ${scope.userId}`;
}

/** SQL: a row derived from the batch `batchId` is in scope. */
export function batchIn(scope: Scope, batchId: SQLWrapper): SQL {
  return scope.all ? sql`true` : sql`${batchId} IN (SELECT vb.id FROM batches vb WHERE vb.owner_id = ${scope.userId})`;
}

/** The same rule for one row already read: admins see every batch and host; anyone else only their own. */
export function canSee(user: AuthUser, ownerId: string): boolean {
  const scope = scopeOf(user);
  return scope.all || scope.userId === ownerId;
}

/**
 * The batch if the user may see it. Another user's batch is "not found" rather than forbidden,
 * so ids do not reveal what exists.
 */
export async function batchFor(grid: Grid, user: AuthUser, id: string): Promise<BatchRow> {
  const [row] = await grid.db.orm.select().from(batches).where(eq(batches.id, id)).limit(1);
  if (!row || !canSee(user, row.ownerId)) throw new NotFound('batch', 'id');
  return row;
}

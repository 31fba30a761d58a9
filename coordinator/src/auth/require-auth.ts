import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Role } from '@nfl-grid/shared/api/users';
import { checkCsrf } from '../console/csrf';
import { SESSION_COOKIE, userForSession } from '../console/session-token';
import { Forbidden, Unauthorized } from '../errors';
import type { Grid } from '../coordinator';
import { annotate } from '../openapi/registry';
import { userForApiKey, type AuthUser } from './api-keys';
import { bearerToken } from './secrets';

declare module 'hono' {
  interface ContextVariableMap {
    /** The caller, set by requireAuth. */
    user: AuthUser;
    /** How the caller proved who they are: an API key, or the console's session cookie. */
    authVia: 'api-key' | 'session';
  }
}

/**
 * Requires `Authorization: Bearer <API key>` of a live key, or else the console's session cookie
 * (401 otherwise; a cookie request that changes state must also pass the CSRF check, 403), whose
 * user has one of `roles` when given (403 otherwise), and sets the context variable `user`.
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
    await next();
  }, { auth: { kind: 'api-key', roles } });
}

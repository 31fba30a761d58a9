import type { MiddlewareHandler } from 'hono';
import type { Role } from '@nfl-grid/shared/api/users';
import { Forbidden, Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { annotate } from '../openapi/registry';
import { userForApiKey, type AuthUser } from './api-keys';
import { bearerToken } from './secrets';

declare module 'hono' {
  interface ContextVariableMap {
    /** The caller, set by requireAuth. */
    user: AuthUser;
  }
}

/**
 * Requires `Authorization: Bearer <API key>` of a live key (401 otherwise) whose user has one of
 * `roles` when given (403 otherwise), and sets the context variable `user`.
 */
export function requireAuth(grid: Grid, roles?: readonly Role[]): MiddlewareHandler {
  return annotate(async function requireAuth(c, next) {
    const key = bearerToken(c.req.header('authorization'));
    if (!key) throw new Unauthorized('missing API key: send Authorization: Bearer ngk_...', 'missing_api_key');
    const user = await userForApiKey(grid.db, key);
    if (!user) throw new Unauthorized('unknown or revoked API key', 'bad_api_key');
    if (roles && !roles.includes(user.role)) throw new Forbidden(`this needs the role ${roles.join(' or ')}; you are ${user.role}`);
    c.set('user', user);
    await next();
  }, { auth: { kind: 'api-key', roles } });
}

import type { MiddlewareHandler } from 'hono';
import { Unauthorized } from '../errors';
import type { Grid } from '../coordinator';
import { annotate } from '../openapi/registry';
import { verifyActiveHost } from './active-host';
import { API_KEY_PREFIX, userForApiKey } from './api-keys';
import { bearerToken } from './secrets';

/** Lets in an agent (its host credential, a JWT, of a host not banned) or any user (an API key): for input downloads. */
export function requireHostOrKey(grid: Grid): MiddlewareHandler {
  return annotate(async function requireHostOrKey(c, next) {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) throw new Unauthorized('missing credentials: send Authorization: Bearer <host credential or API key>', 'missing_credentials');
    if (token.startsWith(API_KEY_PREFIX)) {
      const user = await userForApiKey(grid.db, token);
      if (!user) throw new Unauthorized('unknown or revoked API key', 'bad_api_key');
      c.set('user', user);
    } else {
      await verifyActiveHost(grid, token);
    }
    await next();
  }, { auth: { kind: 'host-or-api-key' } });
}

import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AuthUser, SessionAnswer } from '@nfl-grid/shared/api/console-types';
import { Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { recordEvent } from '../auth/audit-log';
import { zv } from '../routes/http/validate';
import { csrfGuard, keyForLogin, SESSION_COOKIE, SESSION_TTL_SECONDS, signSession, userForSession } from './session-token';

const LoginBody = z.strictObject({ apiKey: z.string().trim().min(1).max(200) });

/** Cookies are Secure when the console is reached over HTTPS (directly or behind a proxy). */
function isHttps(grid: Grid, proto: string | undefined): boolean {
  return proto === 'https' || grid.config.publicUrl.startsWith('https:');
}

/**
 * Console sign-in: an API key is exchanged for a session cookie (httpOnly, SameSite=Strict,
 * Path=/), so the key itself never sits in the page's storage. Any role may sign in; what a
 * session may do is what its user's key may do.
 */
export function sessionRoutes(grid: Grid) {
  return new Hono()
    .get('/session',
      describeRoute({ summary: "The console session's user, or null when not signed in (never 401)", auth: { kind: 'none' } }),
      async (c) => {
        const token = getCookie(c, SESSION_COOKIE);
        const user = token ? await userForSession(grid, token) : null;
        if (token && !user) deleteCookie(c, SESSION_COOKIE, { path: '/' });
        c.header('cache-control', 'no-store');
        return c.json({ user } satisfies SessionAnswer<AuthUser | null>);
      })
    .post('/session',
      describeRoute({
        summary: 'Sign in to the console: exchange an API key for a session cookie',
        description: 'Send the x-nfl-grid-csrf header. The cookie authorises the same API as the key; requests that change state must also send x-nfl-grid-csrf.',
        responses: { 200: 'The user; the session cookie is set' },
        auth: { kind: 'none' },
      }),
      csrfGuard, zv('json', LoginBody),
      async (c) => {
        const found = await keyForLogin(grid, c.req.valid('json').apiKey);
        if (!found) throw new Unauthorized('unknown or revoked API key', 'bad_api_key');
        const token = await signSession(grid, found.user.id, found.keyId);
        setCookie(c, SESSION_COOKIE, token, {
          httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_SECONDS,
          secure: isHttps(grid, c.req.header('x-forwarded-proto') ?? new URL(c.req.url).protocol.replace(':', '')),
        });
        await recordEvent(grid.db, 'session.started', found.user.id, found.user.id, { via: 'console', keyPrefix: found.prefix });
        return c.json({ user: found.user, expiresInSeconds: SESSION_TTL_SECONDS });
      })
    .delete('/session',
      describeRoute({ summary: 'Sign out of the console: clears the session cookie', auth: { kind: 'none' } }),
      csrfGuard,
      (c) => {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return c.json({ signedOut: true });
      });
}

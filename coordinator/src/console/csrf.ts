import type { Context, MiddlewareHandler } from 'hono';
import { Forbidden } from '../errors';

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

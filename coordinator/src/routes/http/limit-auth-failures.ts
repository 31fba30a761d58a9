import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { bearerToken, KEY_PREFIX_CHARS } from '../../auth/api-keys';
import { AppError } from '../../errors';

export interface AuthFailureLimits {
  windowMs: number;
  /** Failed authentications one address may make per window. */
  perAddress: number;
  /** Failed authentications with one key prefix (a guessed or revoked key) per window. */
  perKeyPrefix: number;
}

export class TooManyFailures extends AppError {
  constructor(what: string) { super(429, 'too_many_auth_failures', `too many failed authentications from this ${what}; wait for Retry-After seconds`); }
}

/** The peer's address, or null when the request did not come over a socket (app.request). */
function peerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/*
 * Repeated 401s are limited per address and per key prefix with hono-rate-limiter (a port of
 * express-rate-limit; one in-memory window per coordinator, so N coordinators allow N times the
 * limit): only answers that are 401 (or 429) count, a successful call is taken back off the count. Every
 * answer carries RateLimit-Limit/-Remaining/-Reset; a refused one is a 429 with Retry-After.
 * The address is the socket's: behind a proxy every caller shares the proxy's, so set
 * perAddress to match the traffic there.
 */
export function limitAuthFailures(limits: AuthFailureLimits): MiddlewareHandler[] {
  const counted = (what: string, limit: number, keyOf: (c: Context) => string | null) => rateLimiter({
    windowMs: limits.windowMs,
    limit,
    standardHeaders: 'draft-6',
    skipSuccessfulRequests: true,
    // a 429 from the other limiter is a refused guess too
    requestWasSuccessful: (c) => c.res.status !== 401 && c.res.status !== 429,
    // in-process calls (app.request) have no peer to limit
    skip: (c) => peerAddress(c) === null || keyOf(c) === null,
    keyGenerator: (c) => keyOf(c)!,
    handler: () => { throw new TooManyFailures(what); },
  });
  return [
    counted('address', limits.perAddress, (c) => peerAddress(c)),
    counted('key', limits.perKeyPrefix, (c) => bearerToken(c.req.header('authorization'))?.slice(0, KEY_PREFIX_CHARS) ?? null),
  ];
}

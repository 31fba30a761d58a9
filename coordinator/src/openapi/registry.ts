import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Role } from '@nfl-grid/shared/api/users';

/*
 * The route registry behind /api/v1/openapi.json. Route files register each route's document by
 * putting `describeRoute({...})` first in its handler chain; `requireAuth` and `zv` annotate
 * themselves with the auth and request schemas they enforce. The generator then walks the app's
 * own route table, so method and path always match what the router serves.
 */

export type InputTarget = 'json' | 'query' | 'param';

export type AuthDoc =
  | { kind: 'api-key'; roles?: readonly Role[] }
  | { kind: 'host-or-api-key' }
  | { kind: 'enrollment-token' }
  | { kind: 'none' };

export interface RouteDoc {
  summary: string;
  description?: string;
  /** Status code → description of the successful response(s). Default `{ 200: 'OK' }`. */
  responses?: Record<number, string>;
  /** Response media type when it is not JSON (`text/html`, `application/octet-stream`). */
  produces?: string[];
  /** How a route without requireAuth is authorised (default: not at all). */
  auth?: AuthDoc;
}

export interface DocPart {
  doc?: RouteDoc;
  auth?: AuthDoc;
  inputs?: { target: InputTarget; schema: z.ZodType }[];
}

const PART = Symbol.for('nfl-grid.openapi.part');

/** Attaches documentation to a handler (returned unchanged). */
export function annotate<F extends object>(fn: F, part: DocPart): F {
  (fn as { [PART]?: DocPart })[PART] = part;
  return fn;
}

export function partOf(fn: unknown): DocPart | undefined {
  return typeof fn === 'function' ? (fn as { [PART]?: DocPart })[PART] : undefined;
}

/** A no-op middleware carrying a route's summary and responses. */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  return annotate<MiddlewareHandler>(async function describedRoute(_c, next) { await next(); }, { doc, ...(doc.auth ? { auth: doc.auth } : {}) });
}

import type { MiddlewareHandler } from 'hono';
import type { Grid } from '../../grid';
import { matchedRoute } from './on-error';

/**
 * Counts each answered request in /metrics by its route pattern (`/api/v1/batches/:id`), so the
 * label set stays small: a path no route matched counts as `unmatched`, whatever it was.
 */
export function countRequests(grid: Grid): MiddlewareHandler {
  return async function countRequests(c, next) {
    await next();
    grid.metrics.httpRequest(c.req.method, matchedRoute(c) ?? 'unmatched', c.res.status);
  };
}

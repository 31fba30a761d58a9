import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { AppError } from '../../errors';
import type { Grid } from '../../grid';
import { badRequestFromZod } from './validate';

const codeOfStatus: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 429: 'too_many_requests' };

/** The route pattern that answered, or null when none matched (hono's routePath then throws, or names a `*` middleware). */
export function matchedRoute(c: Context): string | null {
  try {
    const route = c.req.routePath;
    return route.endsWith('*') ? null : route;
  } catch {
    return null;
  }
}

function where(c: Context) {
  return { method: c.req.method, path: c.req.path, route: matchedRoute(c), requestId: c.get('requestId') };
}

/**
 * The app's one error handler: AppErrors become their status and JSON body, zod errors a 400
 * naming the field, a malformed JSON body a 400 `bad_json`; anything else is a 500 that is
 * logged in full and told to the client without a stack. Every rejected input is logged.
 */
export function errorHandler(grid: Grid): ErrorHandler {
  return (err, c) => {
    let e: AppError | null = null;
    if (err instanceof AppError) e = err;
    else if (err instanceof ZodError) e = badRequestFromZod(err, 'body');
    else if (err instanceof SyntaxError) e = new AppError(400, 'bad_json', `request body is not valid JSON: ${err.message}`);
    else if (err instanceof HTTPException && err.status < 500) {
      e = new AppError(err.status as AppError['status'], codeOfStatus[err.status] ?? 'bad_request', err.message || 'bad request');
    }
    if (!e) {
      grid.log.component('http').error('request failed', { ...where(c), error: err.message, stack: err.stack });
      return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
    }
    if (e.status >= 500) grid.log.component('http').error('request failed', { ...where(c), code: e.code, reason: e.message });
    else grid.log.component('http').warn('bad request', { ...where(c), status: e.status, code: e.code, field: e.field, reason: e.message });
    return c.json(e.toJSON(), e.status);
  };
}

/** No route for this path: 404 (hono's methodNotAllowed turns it into a 405 when other methods are served there). */
export function notFoundHandler(grid: Grid): NotFoundHandler {
  return (c) => {
    grid.log.component('http').warn('no such route', where(c));
    return c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404);
  };
}

/** The 405 body for hono's methodNotAllowed middleware, logged like every refused request. */
export function methodNotAllowedAnswer(grid: Grid) {
  return (c: Context, methods: string[]) => {
    const allow = [...methods].sort().join(', ');
    grid.log.component('http').warn('method not allowed', { ...where(c), allow });
    return c.json({ error: { code: 'method_not_allowed', message: `${c.req.method} is not allowed on ${c.req.path} (allowed: ${allow})` } }, 405, { allow });
  };
}

import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by limitBodies once the request body has been read to its end. */
    bodyComplete: boolean;
  }
}

/*
 * An answer given before the request body was read (401 from the headers, a CSRF 403, a 413, a
 * 404 on a POST) leaves the rest of the upload on the socket, and the server drops it with the
 * connection. Saying `Connection: close` on such an answer tells a keep-alive client not to send
 * its next request on that socket; draining instead would read an upload nobody asked for.
 */
export function closeUnreadBodies(): MiddlewareHandler {
  return async function closeUnreadBodies(c, next) {
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    await next();
    if (!hasBody || c.get('bodyComplete')) return;
    try {
      c.res.headers.set('connection', 'close');
    } catch {
      // immutable headers (a proxied response): copy it
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set('connection', 'close');
    }
  };
}

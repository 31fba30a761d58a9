import type { MiddlewareHandler } from 'hono';
import { BadRequest, TooLarge } from '../../errors';

export interface BodyLimits {
  /** Largest body of a caller that requireAuth has let in. */
  maxBytes: number;
  /** Largest body read while the caller is unknown: public routes, or a route reading before its check. */
  anonymousBytes: number;
}

/*
 * Request bodies stay on the socket until a handler reads them, and are then read as a stream
 * under a limit (413 `too_large` past it). Routes put requireAuth before their body, so a caller
 * without a key is answered 401 from the headers alone and the unread upload is dropped with its
 * connection; nothing is buffered on the way in (hono's bodyLimit reads a chunked body whole
 * before any route runs). The limit is chosen at the first read, by whether the caller is known
 * by then.
 */
export function limitBodies(limits: BodyLimits): MiddlewareHandler {
  return async function limitBodies(c, next) {
    const raw = c.req.raw;
    if (raw.method === 'GET' || raw.method === 'HEAD' || !raw.body) return next();
    const declared = Number(c.req.header('content-length') ?? 0);
    let limit = 0;
    let read = 0;
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (!reader) {
          limit = c.get('user') ? limits.maxBytes : limits.anonymousBytes;
          if (declared > limit) return ctl.error(new TooLarge(limit));
          reader = raw.body!.getReader();
        }
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch {
          return ctl.error(new BadRequest('the request body was cut off before its end', 'body', 'body_incomplete'));
        }
        if (chunk.done) {
          c.set('bodyComplete', true);
          return ctl.close();
        }
        read += chunk.value.byteLength;
        if (read > limit) {
          void reader.cancel().catch(() => {});
          return ctl.error(new TooLarge(limit));
        }
        ctl.enqueue(chunk.value);
      },
      cancel: (reason) => reader?.cancel(reason),
    }, { highWaterMark: 0 });
    c.req.raw = new Request(raw, { body, duplex: 'half' } as RequestInit);
    await next();
  };
}

import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAuth } from '../auth/access';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import type { LiveHub, LiveMessage } from './live-hub';

/** A silent stream is pinged this often, so proxies and the browser keep it open. */
const HEARTBEAT_MS = 15_000;
/** A console that cannot keep up is cut off (its EventSource reconnects and refetches). */
const MAX_QUEUED = 1000;
/** How long a browser waits before reconnecting. */
const RETRY_MS = 2000;

/**
 * `GET /live` (admin): server-sent events. First `hello` {bootId, serverTime, user} and a
 * `snapshot`, then the grid's typed events (`batch.submitted`, `batch.finished`, `wu.validated`,
 * `wu.failed`, `host.changed`) as they happen and a `snapshot` every few seconds.
 */
export function liveRoutes(grid: Grid, hub: LiveHub) {
  return new Hono()
    .get('/live',
      describeRoute({
        summary: 'Live feed for the console (server-sent events): typed grid events and a periodic compact snapshot (admin)',
        produces: ['text/event-stream'],
      }),
      requireAuth(grid, ['admin']),
      (c) => {
        c.header('X-Accel-Buffering', 'no');
        const user = c.get('user');
        return streamSSE(c, async (stream) => {
          const queue: LiveMessage[] = [];
          let wake: (() => void) | null = null;
          let overflow = false;
          const unsubscribe = hub.subscribe((m) => {
            if (queue.length >= MAX_QUEUED) overflow = true;
            else queue.push(m);
            wake?.();
          });
          stream.onAbort(() => { unsubscribe(); wake?.(); });
          let id = 0;
          try {
            await stream.writeSSE({ event: 'hello', id: String(++id), retry: RETRY_MS, data: JSON.stringify({ bootId: hub.bootId, serverTime: new Date().toISOString(), user }) });
            await stream.writeSSE({ event: 'snapshot', id: String(++id), data: JSON.stringify(await hub.latest()) });
            while (!stream.aborted && !stream.closed && !overflow) {
              if (queue.length === 0) {
                const idle = await new Promise<boolean>((resolve) => {
                  const t = setTimeout(() => resolve(true), HEARTBEAT_MS);
                  wake = () => { clearTimeout(t); resolve(false); };
                });
                wake = null;
                if (idle && !stream.aborted) await stream.write(': ping\n\n');
                continue;
              }
              const m = queue.shift()!;
              await stream.writeSSE({ event: m.event, id: String(++id), data: JSON.stringify(m.data) });
            }
            if (overflow) grid.log.component('console').warn('console live stream fell behind; closed it', { user: user.id });
          } finally {
            unsubscribe();
          }
        }, async (e) => {
          grid.log.component('console').warn('console live stream failed', { error: e });
        });
      });
}

import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import { bearerToken, userForApiKey } from '../auth/api-keys';
import type { DaemonLoop } from '../daemons/daemon-loop';
import { Unauthorized } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { readiness } from './readiness';

/*
 * Routes for whoever runs the grid: /readyz for a load balancer (public: it says nothing but
 * which check failed) and /metrics for Prometheus. Metrics are open to a scraper on this machine
 * (a loopback address, not forwarded by a proxy); from anywhere else they need
 * `Authorization: Bearer` with NFL_GRID_METRICS_TOKEN or an admin's API key.
 */

function fromLoopback(c: Context): boolean {
  if (c.req.header('x-forwarded-for') || c.req.header('forwarded')) return false;
  try {
    const address = getConnInfo(c).remote.address ?? '';
    return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
  } catch {
    return false; // not served over a socket (app.request in tests)
  }
}

const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

async function mayScrape(grid: Grid, c: Context): Promise<boolean> {
  if (fromLoopback(c)) return true;
  const token = bearerToken(c.req.header('authorization'));
  if (!token) return false;
  if (grid.config.ops.metricsToken && sameToken(token, grid.config.ops.metricsToken)) return true;
  return (await userForApiKey(grid.db, token))?.role === 'admin';
}

export function opsRoutes(grid: Grid, daemons: DaemonLoop[]) {
  return new Hono()
    .get('/readyz',
      describeRoute({ summary: 'Readiness for a load balancer: database reachable, migrations applied, daemons running', responses: { 200: 'ready', 503: 'not ready, with reasons' } }),
      async (c) => {
        const r = await readiness(grid, daemons);
        if (!r.ready) grid.log.component('ops').warn('not ready', { reasons: r.reasons });
        c.header('cache-control', 'no-store');
        return c.json(r, r.ready ? 200 : 503);
      })
    .get('/metrics',
      describeRoute({
        summary: 'Prometheus metrics (text format)', produces: ['text/plain'],
        description: 'Open from a loopback address; otherwise Bearer NFL_GRID_METRICS_TOKEN or an admin API key.',
        auth: { kind: 'api-key', roles: ['admin'] },
      }),
      async (c) => {
        if (!(await mayScrape(grid, c))) throw new Unauthorized('metrics need a loopback address, the metrics token or an admin API key', 'metrics_unauthorized');
        c.header('content-type', grid.metrics.registry.contentType);
        c.header('cache-control', 'no-store');
        return c.body(await grid.metrics.registry.metrics());
      });
}

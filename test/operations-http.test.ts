import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * The HTTP edges a load balancer, a scraper, a browser and an attacker meet: unknown paths and
 * methods answer 404/405 with a JSON body; an answer given before the body was read leaves a
 * keep-alive client able to send its next request; /healthz, /readyz and /metrics.
 */

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string; reused: boolean }

/** One request through `agent` (a keep-alive agent of one socket), with an optional body of `bodyBytes` bytes. */
function send(agent: Agent, url: string, o: { method?: string; path: string; headers?: Record<string, string>; bodyBytes?: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url + o.path, { agent, method: o.method ?? 'GET', headers: { ...o.headers, ...(o.bodyBytes ? { 'content-type': 'application/json', 'content-length': String(o.bodyBytes) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reused: req.reusedSocket }));
      res.on('error', reject);
    });
    // An upload cut off by the server's early answer ends in EPIPE/ECONNRESET on our side of the
    // write; the answer still arrives, and that is what is checked.
    req.on('error', (e) => reject(e));
    if (o.bodyBytes) {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = o.bodyBytes;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
        }
        req.end();
      };
      req.on('socket', () => pump());
      req.on('response', () => { left = 0; });
    } else {
      req.end();
    }
  });
}

const json = (a: Answer) => JSON.parse(a.body) as { error: { code: string; message: string } };

describe.each(dbKinds())('operations over HTTP on %s', (kind) => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid(kind, { NFL_GRID_METRICS_TOKEN: 'scrape-token-for-tests' });
  }, 120_000);
  afterAll(async () => grid?.stop());

  it('answers unknown paths 404 and unserved methods 405 with Allow, each with a JSON body', async () => {
    const api = apiClient(grid.url);
    for (const path of ['/favicon.ico', '/robots.txt', '/game/inference', '/api/v1/nothing-here', '/api/nothing', '/no/such/page']) {
      const r = await api.raw('GET', path);
      expect([path, r.status, r.body.error?.code]).toEqual([path, path === '/game/inference' ? 405 : 404, path === '/game/inference' ? 'method_not_allowed' : 'not_found']);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const r = await fetch(`${grid.url}/healthz`, { method });
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 405, 'GET, HEAD']);
      expect((await r.json()).error.code).toBe('method_not_allowed');
      const missing = await fetch(`${grid.url}/robots.txt`, { method });
      expect([method, missing.status]).toEqual([method, 404]);
      expect((await missing.json()).error.code).toBe('not_found');
    }
    const batches = await fetch(`${grid.url}/api/v1/batches`, { method: 'DELETE' });
    expect([batches.status, batches.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
    const head = await fetch(`${grid.url}/favicon.ico`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect((await fetch(`${grid.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${grid.url}/api/v1/batches/1`, { method: 'DELETE' })).status).toBe(405);
  });

  it('keeps a keep-alive client working after an early 403, 401 or 413 on a large upload', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const warm = await send(agent, grid.url, { path: '/healthz' });
      const again = await send(agent, grid.url, { path: '/healthz' });
      expect([warm.status, again.status, again.reused]).toEqual([200, 200, true]);
      const early = [
        { path: '/api/v1/session', status: 403 }, // CSRF header missing: refused before the body
        { path: '/api/v1/batches', status: 401 }, // no key
        { path: '/api/v1/hosts/enroll', status: 413 }, // public route: past the anonymous limit
        { path: '/robots.txt', status: 404 },
      ];
      for (const e of early) {
        const first = await send(agent, grid.url, { method: 'POST', path: e.path, bodyBytes: 4 * 1024 * 1024 });
        expect([e.path, first.status, first.headers.connection]).toEqual([e.path, e.status, 'close']);
        expect(json(first).error.code).toBeTruthy();
        // The next request on this agent must not meet a dead socket.
        const next = await send(agent, grid.url, { path: '/healthz' });
        expect([e.path, next.status]).toEqual([e.path, 200]);
      }
      // A request whose body was read keeps its connection.
      const read = await send(agent, grid.url, { method: 'POST', path: '/api/v1/hosts/enroll', bodyBytes: 20 });
      expect(read.status).toBe(400);
      expect(read.headers.connection).not.toBe('close');
    } finally {
      agent.destroy();
    }
  }, 60_000);

  it('says alive at /healthz and ready at /readyz once the daemons run; 503 with reasons once they stop', async () => {
    expect((await apiClient(grid.url).get('/healthz')).body).toEqual({ ok: true, db: kind });
    const ready = await eventually(async () => {
      const r = await apiClient(grid.url).get('/readyz');
      return r.status === 200 ? r : null;
    }, 30_000, 'readyz 200');
    expect(ready.body).toEqual({ ready: true, reasons: [], checks: { database: true, migrations: true, daemons: { scheduler: 'waiting', validator: expect.any(String), assimilator: expect.any(String), transitioner: expect.any(String) } } });
  });

  it('serves /metrics to a loopback scraper, to the metrics token and to admins; counts requests, work and daemons', async () => {
    await fetch(`${grid.url}/robots.txt`);
    const m = await fetch(`${grid.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    for (const name of ['nflgrid_work_units', 'nflgrid_replicas', 'nflgrid_dispatch_seconds_bucket', 'nflgrid_daemon_pass_seconds_bucket{le="0.001",daemon="transitioner"}',
      'nflgrid_daemon_seconds_since_pass{daemon="validator"}', 'nflgrid_db_pool_size', 'nflgrid_db_pool_busy', 'nflgrid_process_nodejs_eventloop_lag_seconds']) {
      expect(text, name).toContain(name);
    }
    expect(text).toMatch(/nflgrid_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/nflgrid_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(text).toContain(`nflgrid_db_pool_size ${kind === 'postgres' ? 10 : 1}`);
    // In-process calls have no loopback socket: the token or an admin key is needed.
    const app = (grid.c as unknown as { app?: never }).app;
    expect(app).toBeUndefined();
  });
});

import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually } from './support/api-client';
import { createApp } from '../coordinator/src/app';
import { createDaemonLoop } from '../coordinator/src/daemons/daemon-loop';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { benchSpec } from './support/volunteers';
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
    expect(ready.body).toEqual({ ready: true, reasons: [], checks: { database: true, migrations: true, daemons: { scheduler: 'waiting', validator: expect.any(String), assimilator: expect.any(String), transitioner: expect.any(String), stats: expect.any(String) } } });
    // A daemon that is not running makes the coordinator unready, and says which.
    const stopped = createDaemonLoop('validator', 1000, async () => 0, grid.c.grid.log);
    const r = await createApp(grid.c.grid, { daemons: [stopped] }).request('/readyz');
    expect([r.status, await r.json()]).toEqual([503, { ready: false, reasons: ['daemon validator is not started'], checks: { database: true, migrations: true, daemons: { validator: 'idle' } } }]);
    stopped.start();
    await stopped.stop();
    const after = await createApp(grid.c.grid, { daemons: [stopped] }).request('/readyz');
    expect([after.status, (await after.json()).reasons]).toEqual([503, ['daemon validator is stopped']]);
  });

  it('serves /metrics to a loopback scraper, to the metrics token and to admins; counts requests, work, agents and daemons', async () => {
    const agent = await grid.volunteerAgent('metered', { intensity: 'low' });
    try {
      const batch = await grid.admin.post('/api/v1/batches', { ...benchSpec({ name: 'metered' }), policy: { minQuorum: 1, targetReplicas: 1 } });
      expect(batch.status).toBe(201);
      await fetch(`${grid.url}/robots.txt`);
      const text = await eventually(async () => {
        const m = await fetch(`${grid.url}/metrics`);
        expect([m.status, m.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/plain')]);
        const t = await m.text();
        return /nflgrid_work_units\{state="done"\} 3/.test(t) && /nflgrid_daemon_pass_seconds_count\{daemon="transitioner"\} [1-9]/.test(t) ? t : null;
      }, 90_000, 'three WUs done in /metrics');
      expect(text).toMatch(/nflgrid_replicas_dispatched_total [1-9]/);
      expect(text).toMatch(/nflgrid_dispatch_seconds_count [1-9]/);
      expect(text).toMatch(/nflgrid_replicas\{state="reported",validation="valid"\} 3/);
      expect(text).toMatch(/nflgrid_agents_connected\{intensity="low"\} 1/);
      expect(text).toMatch(/nflgrid_daemon_seconds_since_pass\{daemon="validator"\} [\d.]+/);
      expect(text).toMatch(/nflgrid_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
      expect(text).toMatch(/nflgrid_http_requests_total\{method="POST",route="\/api\/v1\/batches",status="201"\} 1/);
      expect(text).toMatch(/nflgrid_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
      expect(text).toContain(`nflgrid_db_pool_size ${kind === 'postgres' ? 10 : 1}`);
      expect(text).toMatch(/nflgrid_db_pool_busy \d+/);
      expect(text).toMatch(/nflgrid_nodejs_eventloop_lag_seconds [\d.e-]+/);
    } finally {
      await agent.kill('SIGTERM');
    }
    // Off the loopback (an in-process call has no socket): the token or an admin's key.
    const app = createApp(grid.c.grid);
    const scrape = (authorization?: string) => app.request('/metrics', { headers: authorization ? { authorization } : {} });
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer scrape-token-for-tests')).status).toBe(200);
    expect((await scrape('Bearer scrape-token-for-test')).status).toBe(401);
    expect((await scrape(`Bearer ${grid.c.adminKey}`)).status).toBe(200);
    const vol = await grid.createUser('peeker', 'volunteer');
    const refused = await scrape(`Bearer ${vol.key}`);
    expect([refused.status, (await refused.json()).error.code]).toEqual([401, 'metrics_unauthorized']);
    // Behind a proxy on this machine the loopback rule does not hold.
    expect((await fetch(`${grid.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(401);
  }, 120_000);

  it('carries x-request-id through: a well-formed one is kept, else one is made', async () => {
    const kept = await fetch(`${grid.url}/api/v1/queue`, { headers: { 'x-request-id': 'trace-abc-123' } });
    expect([kept.status, kept.headers.get('x-request-id')]).toEqual([401, 'trace-abc-123']);
    const made = await fetch(`${grid.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe.each(dbKinds())('failed authentication is rate-limited on %s', (kind) => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid(kind, { NFL_GRID_AUTH_FAILURES_PER_KEY: '3', NFL_GRID_AUTH_FAILURES_PER_ADDRESS: '8', NFL_GRID_AUTH_FAILURE_WINDOW_MS: '60000' });
  }, 120_000);
  afterAll(async () => grid?.stop());

  it('per key prefix, then per address, with RateLimit headers and a 429 JSON answer with Retry-After', async () => {
    const call = (key: string) => fetch(`${grid.url}/api/v1/queue`, { headers: { authorization: `Bearer ${key}` } });
    const guessed = 'ngk_guessed0-' + 'x'.repeat(30);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(guessed + i);
      seen.push(r.status);
      expect(r.headers.get('ratelimit-limit')).toBeTruthy();
    }
    const limited = await call(guessed + 'next');
    expect([...seen, limited.status]).toEqual([401, 401, 401, 429]);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect((await limited.json()).error).toEqual({ code: 'too_many_auth_failures', message: expect.stringContaining('key') });
    // Successful calls do not count, whatever their number.
    for (let i = 0; i < 12; i++) expect((await grid.admin.get('/api/v1/queue')).status).toBe(200);
    // Other prefixes from this address: 4 more failures reach the address's 8 (3 + 1 limited + 4).
    const other = (i: number) => call(`ngk_other${i}abc-${'y'.repeat(30)}`);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await other(i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // The address is now refused even with a valid key, until the window ends.
    const locked = await grid.admin.get('/api/v1/queue');
    expect([locked.status, locked.body.error.code, locked.body.error.message]).toEqual([429, 'too_many_auth_failures', expect.stringContaining('address')]);
  });
});

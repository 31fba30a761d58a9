import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHost, openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { benchSpec } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { openApiPath } from '../openapi/document';

/** Every route the brief lists: the OpenAPI document must name each. */
const EXPECTED_ROUTES = [
  'post /api/v1/users', 'get /api/v1/users', 'post /api/v1/users/{id}/keys', 'delete /api/v1/keys/{id}',
  'post /api/v1/enrollment-tokens', 'post /api/v1/hosts/enroll',
  'post /api/v1/batches', 'get /api/v1/batches', 'get /api/v1/batches/{id}', 'post /api/v1/batches/{id}/cancel',
  'get /api/v1/batches/{id}/workunits', 'get /api/v1/batches/{id}/results',
  'get /api/v1/workunits/{id}', 'get /api/v1/replicas/{id}',
  'get /api/v1/hosts', 'get /api/v1/hosts/{id}', 'patch /api/v1/hosts/{id}',
  'get /api/v1/credit/leaderboard', 'get /api/v1/queue', 'get /api/v1/kernels', 'get /api/v1/inputs/{sha256}',
  'get /api/v1/events', 'get /api/v1/openapi.json', 'get /api/v1/checkpoints/{wuId}',
  'get /api/v1/training/queue', 'post /api/v1/training/submit', 'get /api/v1/training/job/{id}', 'post /api/v1/training/job/{id}/cancel',
  'get /api/v1/training/user-jobs', 'get /api/v1/training/gpu-stats', 'get /api/v1/performance/matrix',
  'get /.well-known/jwks.json', 'get /healthz', 'get /',
];

describe.each(dbKinds())('grid views, system routes and the OpenAPI document (%s)', (kind) => {
  let t: TestApp;
  let res: { id: string; key: string };
  let vol: { id: string; key: string };
  beforeAll(async () => {
    t = await openTestApp(kind);
    res = await t.user('rosa', 'researcher');
    vol = await t.user('vlad', 'volunteer');
  });
  afterAll(async () => t?.close());

  it('lists every route in openapi.json, each with a summary, generated from the zod schemas', async () => {
    const r = await t.call('GET', '/api/v1/openapi.json', { key: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const ops = Object.entries(r.body.paths as Record<string, Record<string, { summary: string }>>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    for (const route of EXPECTED_ROUTES) expect(ops, route).toContain(route);
    // Nothing the router serves is missing from the document; seed 001's unversioned paths are
    // documented once, as their /api/v1 twins, and not listed themselves.
    const versioned = (path: string) => path.replace(/^\/api\/(training|performance)\b/, '/api/v1/$1');
    const served = new Set(t.app.routes.filter((x) => x.method !== 'ALL').map((x) => `${x.method.toLowerCase()} ${versioned(openApiPath(x.path))}`));
    expect([...served].filter((s) => !ops.includes(s))).toEqual([]);
    expect(ops.filter((o) => /^\w+ \/api\/(training|performance)\//.test(o) || o.includes('/v1/v1/'))).toEqual([]);
    const submit = r.body.paths['/api/v1/batches'].post;
    expect(submit.requestBody.content['application/json'].schema.properties.kernel.pattern).toBeTruthy();
    expect(submit.security).toEqual([{ apiKey: [] }]);
    expect(submit['x-roles']).toEqual(['researcher', 'admin']);
    const list = r.body.paths['/api/v1/batches'].get.parameters;
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'state', in: 'query', required: false })]));
    expect(r.body.paths['/api/v1/batches/{id}'].get.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(r.body.paths['/api/v1/hosts/enroll'].post.security).toEqual([]);
  });

  it('shows the queue: totals, hours, hosts online, running batches and latest hosts', async () => {
    const a = await t.call('POST', '/api/v1/batches', { key: res.key, body: benchSpec({ name: 'running one' }) });
    await t.call('POST', '/api/v1/batches', { body: benchSpec({ name: 'admin batch' }) });
    const cpuHost = await t.host(vol.id, { name: 'cpu-box', online: true, lastContact: new Date(), readings: { cpuTemp: 60 } });
    const gpuHost = await t.host(res.id, { name: 'gpu-box', gpu: true, lastContact: new Date(Date.now() - 60_000) });
    const wus = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${a.body.batchId} ORDER BY seq`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE id = ${wus[0]!.id}`); // done is reached through running
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'done' WHERE id = ${wus[0]!.id}`);
    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE id = ${wus[1]!.id}`);
    // Compute hours count valid replicas only: the pending one's claim is left out. GPU hours are
    // the wall time of results computed on a GPU backend, whatever the host has.
    await t.grid.db.rows(sql`INSERT INTO replicas (wu_id, host_id, owner_id, state, validate_state, deadline, cpu_seconds, elapsed_seconds, backend) VALUES
      (${wus[0]!.id}, ${cpuHost}, ${vol.id}, 'reported', 'valid', now(), 3600, 3600, NULL),
      (${wus[0]!.id}, ${gpuHost}, ${res.id}, 'reported', 'valid', now(), 1800, 1800, 'tfjs-node-gpu'),
      (${wus[1]!.id}, ${cpuHost}, ${vol.id}, 'reported', 'pending', now(), 1e9, 1e9, 'tfjs-node-gpu')`);
    const q = await t.call('GET', '/api/v1/queue');
    expect(q.status).toBe(200);
    expect(q.body.workUnits).toEqual({ total: 6, pending: 4, running: 1, validating: 0, completed: 1, failed: 0, cancelled: 0 });
    expect(q.body).toMatchObject({ batchesOpen: 2, cpuHours: 1.5, gpuHours: 0.5, hosts: { total: 2, online: 1, gpu: 1 } });
    expect(q.body.runningNow).toEqual([expect.objectContaining({ id: a.body.batchId, name: 'running one', running: 1, finished: 1, percentDone: 33.3 })]);
    expect(q.body.latestHosts.map((h: { name: string }) => h.name)).toEqual(['cpu-box', 'gpu-box']);
    // A volunteer sees the totals but only their own batches and hosts.
    const v = await t.call('GET', '/api/v1/queue', { key: vol.key });
    expect(v.body.workUnits.total).toBe(6);
    expect(v.body.runningNow).toEqual([]);
    expect(v.body.latestHosts.map((h: { name: string }) => h.name)).toEqual(['cpu-box']);

    const page = await t.call('GET', '/', { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('Hosts online: <b>1</b> of 2');
    expect(page.text).toContain('bench.hash@1');
    expect(page.text).not.toContain('running one');
    expect(page.text).toContain('/api/v1/openapi.json');
  });

  it('ranks volunteers and hosts by credit', async () => {
    await t.grid.db.rows(sql`INSERT INTO user_credit (user_id, total_credit, rac, rac_time) VALUES
      (${vol.id}, 120, 40, now() - interval '7 days'), (${res.id}, 80, 30, now())`);
    await t.grid.db.rows(sql`UPDATE hosts SET total_credit = 120, rac = 40, rac_time = now() WHERE name = 'cpu-box'`);
    const byUser = await t.call('GET', '/api/v1/credit/leaderboard?by=user');
    expect(byUser.body.rows.map((r: { name: string }) => r.name)).toEqual(['vlad', 'rosa']);
    expect(byUser.body.rows[0]).toMatchObject({ rank: 1, totalCredit: 120, hosts: 1 });
    expect(byUser.body.rows[0].rac).toBeCloseTo(20, 1); // one half-life ago
    const byHost = await t.call('GET', '/api/v1/credit/leaderboard?by=host&limit=1', { key: vol.key });
    expect(byHost.body.rows).toEqual([expect.objectContaining({ name: 'cpu-box', owner: 'vlad', totalCredit: 120 })]);
    expect((await t.call('GET', '/api/v1/credit/leaderboard?by=team')).body.error.field).toBe('by');
  });

  it('serves kernels, events (admins), health and the JWKS', async () => {
    const k = await t.call('GET', '/api/v1/kernels', { key: vol.key });
    expect(k.body.kernels).toEqual(expect.arrayContaining([expect.objectContaining({ ref: 'bench.hash@1', capabilities: { gpu: 'none', minMemoryMb: 16 } })]));
    // One kernel: its params as JSON Schema, with defaults and bounds; refusing unknown params.
    const season = await t.call('GET', '/api/v1/kernels/mc.season', { key: vol.key });
    expect(season.body).toMatchObject({ ref: 'mc.season@1', versions: [1], params: { type: 'object', additionalProperties: false } });
    expect(season.body.params.properties.nSims).toMatchObject({ type: 'integer' });
    expect(season.body.defaults.nSims).toBeGreaterThan(0);
    expect((await t.call('GET', '/api/v1/kernels/bench.hash@1', { key: vol.key })).body.defaults).toEqual({ rounds: 1000, steps: 1 });
    const train = await t.call('GET', '/api/v1/kernels/train.mlp', { key: vol.key });
    expect(train.body.params.required).toContain('fold');
    const missing = await t.call('GET', '/api/v1/kernels/mc.seasno', { key: vol.key });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/did you mean mc\.season\?.*kernels: .*bench\.hash/);
    const ev = await t.call('GET', '/api/v1/events?kind=batch.submitted&limit=1');
    expect(ev.body.events).toEqual([expect.objectContaining({ kind: 'batch.submitted' })]);
    expect((await t.call('GET', '/api/v1/events', { key: res.key })).status).toBe(403);
    expect((await t.call('GET', '/healthz', { key: null })).body).toEqual({ ok: true, db: 'pglite' === kind ? 'pglite' : 'postgres' });
    const jwks = await t.call('GET', '/.well-known/jwks.json', { key: null });
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: t.grid.keys.kid });
    const nf = await t.call('GET', '/api/v1/nothing-here');
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe('not_found');
  });

  it('serves input files to hosts and users by sha256', async () => {
    const [input] = await t.grid.inputs.resolve(['teams.crosswalk']);
    const bytes = readFileSync(t.grid.inputs.pathOf(input!.sha256)!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(input!.sha256);
    const host = await makeHost(t.grid.db, { ownerId: vol.id });
    const credential = await t.grid.keys.issueHostCredential(host.id, vol.id);
    const byHost = await t.app.request(`/api/v1/inputs/${input!.sha256}`, { headers: { authorization: `Bearer ${credential}` } });
    expect(byHost.status).toBe(200);
    expect(Buffer.from(await byHost.arrayBuffer()).equals(bytes)).toBe(true);
    expect(byHost.headers.get('etag')).toBe(`"${input!.sha256}"`);
    expect((await t.call('GET', `/api/v1/inputs/${input!.sha256}`, { key: vol.key })).status).toBe(200);
    expect((await t.call('GET', `/api/v1/inputs/${input!.sha256}`, { key: null })).status).toBe(401);
    expect((await t.call('GET', `/api/v1/inputs/${input!.sha256}`, { key: null, headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);
    expect((await t.call('GET', `/api/v1/inputs/${'0'.repeat(64)}`, { key: vol.key })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/inputs/XYZ', { key: vol.key })).body.error.field).toBe('sha256');
    // A credential that verifies is not enough: an unknown host is 401, a banned one 403.
    const stranger = await t.grid.keys.issueHostCredential('00000000-0000-4000-8000-000000000001', vol.id);
    expect((await t.call('GET', `/api/v1/inputs/${input!.sha256}`, { key: null, headers: { authorization: `Bearer ${stranger}` } })).body.error.code).toBe('unknown_host');
    await t.grid.db.rows(sql`UPDATE hosts SET status = 'banned' WHERE id = ${host.id}`);
    const banned = await t.call('GET', `/api/v1/inputs/${input!.sha256}`, { key: null, headers: { authorization: `Bearer ${credential}` } });
    expect([banned.status, banned.body.error.code]).toEqual([403, 'host_banned']);
  });
});

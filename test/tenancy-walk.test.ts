import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { assimilatorPass } from '../coordinator/src/daemons/assimilator';
import { validatorPass } from '../coordinator/src/daemons/validator';
import { submitBatch } from '../coordinator/src/queue/submit-batch';
import { makeHost, openTestApp, q, type TestApp, type TestHost } from './support/grid-fixtures';
import { coverModelBody, normalArtifact } from './support/models';
import { type Op, operations, urlOf } from './support/openapi-walk';
import { benchOutput, simulateHost } from './support/volunteers';
import { dbKinds } from './support/test-db';

/*
 * The tenancy walk. Researcher A owns batches with results, tracker models (one shared with
 * researcher B's results, one A's alone), follow-up suggestions, pending work and a registry model
 * trained from A's batch. Then every operation of the OpenAPI document — read from the running
 * app, so a route added later is walked too — is called as researcher B (API key), as B's console
 * session and as a volunteer, with A's ids in its path, query and body; and without credentials.
 * No successful answer may carry any of A's ids, names, seeds, tuned parameter values or metric
 * values, nor another volunteer's host ids (bar the public scoreboard); an operation on A's objects
 * must be refused; A's rows must be unchanged afterwards.
 */

const SS = 'ratings.state_space@1';
const kernel = getKernel(SS);
const BASE = { seasonFrom: 2019, seasonTo: 2022, evalFrom: 2020, evalTo: 2022 };
const SOLO = { seasonFrom: 2018, seasonTo: 2022, evalFrom: 2019, evalTo: 2022 };
const data = loadLocalKernelData(DEFAULT_DATA_DIR, kernel.datasets(kernel.paramsSchema.parse(BASE)));
const outputs = new Map<string, unknown>();
const run = (params: unknown, seed: number) => {
  const k = JSON.stringify(params);
  if (!outputs.has(k)) outputs.set(k, runKernelSync(kernel, params, seed, data));
  return outputs.get(k);
};

/**
 * Operations anyone may call without credentials, and why. Every other operation must answer an
 * unauthenticated call with 401.
 */
const PUBLIC: Record<string, string> = {
  'GET /healthz': 'liveness only',
  'GET /readyz': 'readiness for a load balancer: which check failed, nothing more',
  'GET /stats/{file}': 'the public statistics export: public names, hashed ids, credit',
  'GET /.well-known/jwks.json': "the coordinators' public signing keys",
  'GET /api/v1/openapi.json': 'the API description',
  'GET /api/v1/reference': 'the API description as a page',
  'GET /api/v1/reference/init.js': "the reference page's start-up script",
  'GET /api/v1/reference/scalar.js': "the reference page's renderer (Scalar's bundle)",
  'GET /api/v1/session': 'says whether the caller is signed in',
  'POST /api/v1/session': 'signing in (authorised by the API key in the body)',
  'DELETE /api/v1/session': 'signing out',
  'POST /api/v1/hosts/enroll': 'authorised by the enrollment token in the body',
  'GET /': 'the console shell with the public grid totals',
  'GET /status': 'the public status page: grid totals and running work by kernel',
  'GET /console/{file}': "the console's static bundle",
  'POST /game/inference': "the served cover model's predictions",
  'POST /game/inference/batch': "the served cover model's predictions",
  'GET /game/model': 'which cover model is served',
  'POST /api/v1/nba/win-probability': "the served NBA model's predictions, from public results",
  'POST /api/v1/nba/schedule': 'national-TV slots chosen from public results and the served NBA model',
};

/** Operations that may name another volunteer's hosts, and why. */
const HOSTS_PUBLIC: Record<string, string> = {
  'GET /api/v1/credit/leaderboard': "the volunteers' scoreboard, public among signed-in users as BOINC's is",
  'GET /api/v1/workunits/{id}': "which hosts (id and name, as on the scoreboard) computed the caller's own work unit",
  'GET /api/v1/replicas/{id}': "which host (id and name, as on the scoreboard) computed the caller's own replica",
};

/** Path parameters that name no tenant's object, with the value the walk uses; any caller may be answered. */
const PUBLIC_PARAMS: Record<string, string> = {
  sport: 'nfl', model_type: 'cover', arm: 'bench.hash@1', file: 'favicon.svg', name: 'mc.season',
  sha256: '0'.repeat(64),
};

/**
 * Path parameters that name someone's object, by the segment before them, filled with a tenant's
 * objects (undefined: the tenant has none). Hosts are another volunteer's.
 */
function tenantParams(
  x: { batch: string; wuId: number; replicaId: number; sharedModel?: string; soloModel?: string } & Partial<Tenant>, otherHost?: string,
): Record<string, string | number | undefined> {
  return {
    'batches/{id}': x.batch, 'job/{id}': x.batch, 'workunits/{id}': x.wuId, 'replicas/{id}': x.replicaId, 'checkpoints/{wuId}': x.wuId,
    'models/{key}': x.soloModel ?? x.sharedModel, 'models/{id}': x.registryModel, 'follow-ups/{id}': x.followUp,
    'users/{id}': x.userId, 'keys/{id}': x.keyId, 'hosts/{id}': otherHost,
  };
}

/** Query values that keep the slow reads (feature importance) short. */
const CHEAP = { rows: '100', repeats: '1' };

interface Tenant {
  userId: string; name: string; keyId: string;
  batch: string; soloBatch: string; openBatch: string;
  wuId: number; replicaId: number; soloModel: string; sharedModel: string; followUp: string; registryModel: string;
  /** Every string that must not reach another tenant. */
  secrets: string[];
}

const hex = () => randomBytes(3).toString('hex');

describe.each(dbKinds())('tenancy walk over every OpenAPI operation (%s)', (kind) => {
  let t: TestApp;
  let a: Tenant;
  let workHosts: TestHost[];
  let callers: { who: string; key?: string; cookie?: string }[];
  let bBatch: string;

  const submit = (owner: string, spec: BatchSpecInput) => submitBatch(t.grid, owner, BatchSpec.parse({ policy: { minQuorum: 2, adaptive: false }, ...spec }));
  /** The volunteers' hosts compute everything pending; the daemons validate and assimilate it. */
  const runAll = async () => {
    for (let round = 0; round < 10; round++) {
      let n = 0;
      for (const h of workHosts) {
        n += (await simulateHost(t.grid, h, { behaviour: (c) => (c.kernel === 'bench.hash' ? benchOutput(c.params, c.seed) : run(c.params, c.seed)) })).claimed.length;
      }
      while (await validatorPass(t.grid) > 0) { /* drain */ }
      while (await assimilatorPass(t.grid) > 0) { /* drain */ }
      if (n === 0) return;
    }
  };

  /** A's rows that a refused call must leave as they were. */
  const snapshot = async () => ({
    batches: await q(t.grid.db, sql`SELECT id, state, priority FROM batches ORDER BY id`),
    wus: await q(t.grid.db, sql`SELECT id, state, priority FROM work_units ORDER BY id`),
    models: await q(t.grid.db, sql`SELECT key, importance FROM performance_models ORDER BY key`),
    followUps: await q(t.grid.db, sql`SELECT id, state FROM performance_follow_ups ORDER BY id`),
    registry: await q(t.grid.db, sql`SELECT id, state FROM models ORDER BY id`),
    keys: await q(t.grid.db, sql`SELECT id, revoked_at FROM api_keys ORDER BY id`),
    hosts: await q(t.grid.db, sql`SELECT id, status, intensity FROM hosts ORDER BY id`),
    settings: await q(t.grid.db, sql`SELECT key, value FROM performance_settings ORDER BY key`),
  });

  beforeAll(async () => {
    t = await openTestApp(kind);
    const db = t.grid.db;
    const aliceName = `alpha-${hex()}`;
    const alice = await t.user(aliceName, 'researcher');
    const bob = await t.user(`bravo-${hex()}`, 'researcher');
    const vera = await t.user(`vera-${hex()}`, 'volunteer');
    // Two other volunteers' hosts compute everything (a quorum never takes two hosts of one owner).
    workHosts = [await makeHost(db, { kernels: [SS] }), await makeHost(db, { kernels: [SS] })];
    await makeHost(db, { ownerId: vera.id, kernels: [SS] });

    // B's results in the family A works on, first, so that the shared model's row mixes tenants.
    bBatch = (await submit(bob.id, { name: `bravo-sweep-${hex()}`, kernel: SS, params: { ...BASE, q: 6 } })).batchId;
    await runAll();
    // A's work units and replicas get ids far from B's, so a search for them finds only them.
    await db.rows(sql`ALTER TABLE work_units ALTER COLUMN id RESTART WITH 700000001`);
    await db.rows(sql`ALTER TABLE replicas ALTER COLUMN id RESTART WITH 800000001`);
    const batch = (await submit(alice.id, {
      name: `alpha-sweep-${hex()}`, kernel: SS, params: BASE, seed: 918273645,
      units: [2.71828, 1.61803, 0.57721, 0.41372].map((x) => ({ params: { q: x } })),
    })).batchId;
    const soloBatch = (await submit(alice.id, { name: `alpha-solo-${hex()}`, kernel: SS, params: { ...SOLO, q: 0.31415 }, seed: 192837465 })).batchId;
    await runAll();
    const openBatch = (await submit(alice.id, {
      name: `alpha-open-${hex()}`, kernel: SS, params: BASE, seed: 564738291, units: [0.22222, 0.33333].map((x) => ({ params: { q: x } })),
    })).batchId;

    // A runs the play-by-play pipeline (over one season, to be quick): the last run names who started it.
    const config = (await t.call('GET', '/api/data/preprocessing/config')).body.config;
    expect((await t.call('PUT', '/api/data/preprocessing/config', { body: { ...config, seasons: [2019] } })).status).toBe(200);
    expect((await t.call('POST', '/api/data/pipeline/run', { key: alice.key })).status).toBe(201);
    const [wu] = await q<{ id: number }>(db, sql`SELECT id FROM work_units WHERE batch_id = ${batch} ORDER BY id LIMIT 1`);
    const [replica] = await q<{ id: number }>(db, sql`SELECT id FROM replicas WHERE wu_id = ${wu!.id} ORDER BY id LIMIT 1`);
    const [solo] = await q<{ model_key: string }>(db, sql`SELECT DISTINCT model_key FROM performance_points WHERE batch_id = ${soloBatch}`);
    const [shared] = await q<{ model_key: string }>(db, sql`SELECT DISTINCT model_key FROM performance_points WHERE batch_id = ${bBatch}`);
    const [followUp] = await q<{ id: string }>(db, sql`SELECT id FROM performance_follow_ups WHERE source_batch_id IN (${batch}, ${soloBatch}) LIMIT 1`);
    const [key] = await q<{ id: string }>(db, sql`SELECT id FROM api_keys WHERE user_id = ${alice.id}`);
    const wuIds = (await q<{ id: number }>(db, sql`SELECT id FROM work_units WHERE batch_id = ${batch}`)).map((r) => Number(r.id));
    const registered = await t.call('POST', '/api/v1/models', { body: coverModelBody(normalArtifact(13.25), { name: `alpha-cover-${hex()}`, batchId: batch, wuIds }) });
    expect(registered.status).toBe(201);

    const mine = sql`(SELECT id FROM batches WHERE owner_id = ${alice.id})`;
    const rows = async (query: ReturnType<typeof sql>) => (await q<{ v: unknown }>(db, query)).map((r) => String(r.v));
    const numbers = (await q<{ v: number }>(db, sql`
      SELECT value AS v FROM performance_points WHERE batch_id IN ${mine}
      UNION ALL SELECT jsonb_array_elements(samples)::text::float8 FROM performance_points WHERE batch_id IN ${mine}`)).map((r) => String(Number(r.v)));
    const secrets = [
      alice.id, aliceName, key!.id, solo!.model_key, followUp?.id ?? '', registered.body.id, registered.body.name,
      ...await rows(sql`SELECT id::text AS v FROM batches WHERE owner_id = ${alice.id} UNION ALL SELECT name FROM batches WHERE owner_id = ${alice.id}`),
      ...await rows(sql`SELECT id::text AS v FROM work_units WHERE batch_id IN ${mine} UNION ALL SELECT seed::text FROM work_units WHERE batch_id IN ${mine}`),
      ...await rows(sql`SELECT r.id AS v FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id IN ${mine}`),
      ...await rows(sql`SELECT output_sha256 AS v FROM science_results WHERE batch_id IN ${mine}`),
      ...['2.71828', '1.61803', '0.57721', '0.41372', '0.31415', '0.22222', '0.33333'],
      ...numbers,
    ].filter((s) => s.length >= 6);
    a = {
      userId: alice.id, name: aliceName, keyId: key!.id, batch, soloBatch, openBatch, wuId: Number(wu!.id), replicaId: Number(replica!.id),
      soloModel: solo!.model_key, sharedModel: shared!.model_key, followUp: followUp?.id ?? '', registryModel: registered.body.id, secrets,
    };

    const session = await t.app.request('/api/v1/session', {
      method: 'POST', headers: { 'x-nfl-grid-csrf': '1', 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: bob.key }),
    });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    callers = [{ who: 'researcher B', key: bob.key }, { who: "B's console session", cookie }, { who: 'a volunteer', key: vera.key }];
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  /** One call; a streamed answer is cut off after its head (a non-admin should never get one). */
  const send = async (method: string, url: string, caller: { key?: string; cookie?: string }, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (caller.key) headers.authorization = `Bearer ${caller.key}`;
    if (caller.cookie) Object.assign(headers, { cookie: caller.cookie, 'x-nfl-grid-csrf': '1' });
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await t.app.request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.headers.get('content-type')?.includes('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, text: '(event stream)' };
    }
    return { status: res.status, text: await res.text() };
  };
  /** A's strings in an answer, and another volunteer's host ids unless the operation is a public scoreboard. */
  const leaked = (text: string, op?: Op) => [...a.secrets, ...(op && op.key in HOSTS_PUBLIC ? [] : workHosts.map((h) => h.id))].filter((s) => text.includes(s));

  /** Bodies that name A's objects (every other operation with a body gets `{}`); each must be refused. */
  const bodiesOf = (op: Op): unknown[] => {
    const named: Record<string, unknown[]> = {
      'POST /api/performance/compare': [
        { a: { model: a.soloModel }, b: { model: a.soloModel } }, { a: { batch: a.batch }, b: { batch: a.soloBatch } },
        { a: { model: a.sharedModel }, b: { batch: a.batch } },
      ],
      'POST /api/v1/enrollment-tokens': [{ userId: a.userId }],
      'PATCH /api/v1/batches/{id}': [{ priority: 999 }],
      'PATCH /api/v1/hosts/{id}': [{ intensity: 'low' }],
      'PATCH /api/performance/models/{key}': [{ importance: 9 }],
      'POST /api/v1/models/{id}/rollback': [{ reason: 'tenancy walk' }],
      'POST /api/v1/users/{id}/keys': [{ label: 'tenancy walk' }],
    };
    return named[op.key] ?? [op.body ? {} : undefined];
  };
  const namesA = (op: Op) => ['POST /api/performance/compare', 'POST /api/v1/enrollment-tokens'].includes(op.key);

  it("finds A's strings where an admin reads them, so the walk's search can fail", async () => {
    const admin = { key: t.adminKey };
    for (const url of [
      '/api/performance/matrix', '/api/performance/trending', '/api/performance/leaderboard/nfl', '/api/performance/parameters',
      `/api/performance/models/${encodeURIComponent(a.soloModel)}`, '/api/performance/follow-ups', '/api/v1/models', '/api/v1/batches',
      '/api/data/pipeline/status', `/api/v1/batches/${a.batch}/results`,
    ]) {
      const r = await send('GET', url, admin);
      expect(r.status, url).toBe(200);
      expect(leaked(r.text), url).not.toEqual([]);
    }
  });

  it('walks every operation as B, as B\'s console session and as a volunteer: A\'s objects are refused, nothing of A is answered, nothing changes', async () => {
    const doc = await send('GET', '/api/v1/openapi.json', {});
    const ops = operations(JSON.parse(doc.text));
    expect(ops.length).toBeGreaterThan(70);
    const before = await snapshot();
    const problems: string[] = [];
    let calls = 0;
    const tenant = tenantParams(a, workHosts[0]!.id);
    for (const op of ops) {
      const { url, owned: namesTenant } = urlOf(op, tenant, PUBLIC_PARAMS, CHEAP);
      if (!url) { problems.push(`${op.key}: A has no object for its path`); continue; }
      // Once as is, once with A's model and batch in the query where the operation takes them.
      const named = urlOf(op, tenant, PUBLIC_PARAMS, { ...CHEAP, model: a.soloModel, batch: a.batch }).url!;
      for (const caller of callers) {
        for (const [u, body] of [...bodiesOf(op).map((x) => [url, x] as const), ...(named === url ? [] : [[named, undefined] as const])]) {
          const r = await send(op.method, u, caller, body);
          calls++;
          if (process.env.TENANCY_WALK_LOG) console.log(`${r.status} ${namesTenant || namesA(op) ? 'A' : '-'} ${caller.who} ${op.key}${u === url ? '' : ' ?query'}`);
          const where = `${op.key}${u === url ? '' : ` (${u})`} as ${caller.who}${body === undefined ? '' : ` with ${JSON.stringify(body)}`}`;
          if (r.status >= 500) problems.push(`${where}: ${r.status}`);
          else if ((namesTenant || (namesA(op) && body !== undefined)) && ![401, 403, 404].includes(r.status)) problems.push(`${where}: answered ${r.status} on A's object, not 403 or 404`);
          if (r.status < 300 && leaked(r.text, op).length) problems.push(`${where}: answered A's ${leaked(r.text, op).slice(0, 5).join(', ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await snapshot()).toEqual(before);
    expect(calls).toBeGreaterThan(200);
  }, 120_000);

  it('walks every read again with B\'s own objects in the path: what B may read carries nothing of A', async () => {
    const doc = JSON.parse((await send('GET', '/api/v1/openapi.json', {})).text);
    const [wu] = await q<{ id: number }>(t.grid.db, sql`SELECT id FROM work_units WHERE batch_id = ${bBatch} LIMIT 1`);
    const [replica] = await q<{ id: number }>(t.grid.db, sql`SELECT id FROM replicas WHERE wu_id = ${wu!.id} LIMIT 1`);
    const own = tenantParams({ batch: bBatch, wuId: Number(wu!.id), replicaId: Number(replica!.id), sharedModel: a.sharedModel });
    const problems: string[] = [];
    let answered = 0;
    for (const op of operations(doc).filter((o) => o.method === 'GET')) {
      const { url, owned: namesTenant } = urlOf(op, own, PUBLIC_PARAMS, { model: a.sharedModel });
      if (!url || !namesTenant) continue;
      for (const caller of callers.slice(0, 2)) {
        const r = await send('GET', url, caller);
        if (r.status < 300) answered++;
        if (r.status >= 500) problems.push(`${op.key} as ${caller.who}: ${r.status}`);
        if (r.status < 300 && leaked(r.text, op).length) problems.push(`${op.key} as ${caller.who}: answered A's ${leaked(r.text, op).slice(0, 5).join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(answered).toBeGreaterThan(10);
  }, 60_000);

  it("shows B the shared tracker model folded from B's results alone, in the model's record and in B's report", async () => {
    const [mine] = await q<{ value: number }>(t.grid.db, sql`SELECT value FROM performance_points WHERE batch_id = ${bBatch}`);
    const [row] = await q<{ results: number; best: number }>(t.grid.db, sql`SELECT results, best FROM performance_models WHERE key = ${a.sharedModel}`);
    expect(row!.results).toBe(5);
    expect(row!.best).not.toBe(mine!.value);
    const asB = JSON.parse((await send('GET', `/api/performance/models/${encodeURIComponent(a.sharedModel)}`, callers[0]!)).text);
    expect(asB.model).toMatchObject({ results: 1, baseline: mine!.value, best: mine!.value, current: mine!.value, trend: { class: 'new' }, regression: { pValue: null } });
    expect(asB.history.map((h: { batchId: string }) => h.batchId)).toEqual([bBatch]);
    const asAdmin = JSON.parse((await send('GET', `/api/performance/models/${encodeURIComponent(a.sharedModel)}`, { key: t.adminKey })).text);
    expect(asAdmin.model).toMatchObject({ results: 5, best: row!.best });
    const report = JSON.parse((await send('GET', `/api/v1/batches/${bBatch}/report?format=md`, callers[0]!)).text);
    const text = JSON.stringify(report);
    expect(text).toContain(mine!.value.toFixed(4));
    expect(text).not.toContain(row!.best.toFixed(4));
  });

  it('refuses every operation off the public list without credentials, and the public ones answer nothing of A', async () => {
    const ops = operations(JSON.parse((await send('GET', '/api/v1/openapi.json', {})).text));
    const problems: string[] = [];
    for (const op of ops) {
      const { url } = urlOf(op, tenantParams(a, workHosts[0]!.id), PUBLIC_PARAMS, {});
      for (const body of bodiesOf(op)) {
        const r = await send(op.method, url!, {}, body);
        if (op.key in PUBLIC) {
          if (r.status >= 500) problems.push(`${op.key} (public): ${r.status}`);
          if (r.status < 300 && leaked(r.text, op).length) problems.push(`${op.key} (public): answered A's ${leaked(r.text, op).slice(0, 5).join(', ')}`);
        } else if (r.status !== 401) problems.push(`${op.key} without credentials: ${r.status}, not 401`);
      }
    }
    expect(problems).toEqual([]);
    // The list names only operations that exist.
    expect(Object.keys(PUBLIC).filter((k) => !ops.some((o) => o.key === k))).toEqual([]);
  }, 60_000);

  it('has what the walk needs: A owns results, both tracker models, a follow-up and a registry model', async () => {
    const [shared] = await q<{ n: number; owners: number }>(t.grid.db, sql`
      SELECT count(*)::int AS n, count(DISTINCT b.owner_id)::int AS owners FROM performance_points p JOIN batches b ON b.id = p.batch_id WHERE p.model_key = ${a.sharedModel}`);
    expect(shared).toEqual({ n: 5, owners: 2 });
    expect(a.followUp).not.toBe('');
    expect(a.secrets.length).toBeGreaterThan(40);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { benchSpec } from '../../../test/support/volunteers';

describe.each(dbKinds())('batch routes (%s)', (kind) => {
  let t: TestApp;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };
  let vol: { id: string; key: string };

  beforeAll(async () => {
    t = await openTestApp(kind);
    alice = await t.user('alice', 'researcher');
    bob = await t.user('bob', 'researcher');
    vol = await t.user('vera', 'volunteer');
  });
  afterAll(async () => t?.close());

  it('submits a batch and shows it with counts', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec() });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ wuCount: 3 });
    const got = await t.call('GET', `/api/v1/batches/${sub.body.batchId}`, { key: alice.key });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: sub.body.batchId, name: 'bench', kernel: 'bench.hash@1', state: 'open', wuCount: 3,
      owner: { id: alice.id, name: 'alice' },
      counts: { pending: 3, running: 0, done: 0 }, progress: { finished: 0, percent: 0 },
      creditGranted: 0, cpuHours: 0,
    });
    const list = await t.call('GET', '/api/v1/batches?state=open&limit=10', { key: alice.key });
    expect(list.body.batches.map((b: { id: string }) => b.id)).toEqual([sub.body.batchId]);
    const wus = await t.call('GET', `/api/v1/batches/${sub.body.batchId}/workunits?limit=2`, { key: alice.key });
    expect(wus.body.total).toBe(3);
    expect(wus.body.workUnits.map((w: { seq: number }) => w.seq)).toEqual([0, 1]);
    expect(wus.body.workUnits[1].params).toEqual({ rounds: 200, steps: 2 });
  });

  it('hides one researcher\'s batch from another (404, not 403) and lets an admin see it', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ name: 'private' }) });
    const id = sub.body.batchId as string;
    for (const path of [`/api/v1/batches/${id}`, `/api/v1/batches/${id}/workunits`, `/api/v1/batches/${id}/results`]) {
      const r = await t.call('GET', path, { key: bob.key });
      expect(r.status, path).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', field: 'id' });
    }
    const cancel = await t.call('POST', `/api/v1/batches/${id}/cancel`, { key: bob.key });
    expect(cancel.status).toBe(404);
    const bobList = await t.call('GET', '/api/v1/batches', { key: bob.key });
    expect(bobList.body.batches).toEqual([]);
    const [wu] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${id} LIMIT 1`);
    expect((await t.call('GET', `/api/v1/workunits/${wu!.id}`, { key: bob.key })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/workunits/${wu!.id}`, { key: alice.key })).status).toBe(200);
    expect((await t.call('GET', `/api/v1/batches/${id}`)).status).toBe(200); // admin
    const adminList = await t.call('GET', '/api/v1/batches?limit=100');
    expect(adminList.body.batches.some((b: { id: string }) => b.id === id)).toBe(true);
    // A batch that does not exist looks the same as someone else's.
    const none = await t.call('GET', '/api/v1/batches/00000000-0000-4000-8000-000000000000', { key: bob.key });
    expect(none.status).toBe(404);
  });

  it('lets the owner cancel, once', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ name: 'to cancel' }) });
    const r = await t.call('POST', `/api/v1/batches/${sub.body.batchId}/cancel`, { key: alice.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'cancelled', wusCancelled: 3 });
    const again = await t.call('POST', `/api/v1/batches/${sub.body.batchId}/cancel`, { key: alice.key });
    expect(again.status).toBe(409);
    const got = await t.call('GET', `/api/v1/batches/${sub.body.batchId}`, { key: alice.key });
    expect(got.body).toMatchObject({ state: 'cancelled', counts: { cancelled: 3 }, progress: { percent: 100 } });
  });

  it.each([
    ['unknown kernel', benchSpec({ kernel: 'no.such@1' }), 'kernel', 'unknown_kernel'],
    ['bad params', benchSpec({ params: { rounds: -5 }, grid: undefined }), 'params.rounds', 'bad_params'],
    ['a misspelt param', benchSpec({ params: { ruonds: 5 }, grid: undefined }), 'params.ruonds', 'bad_params'],
    ['bad grid value', benchSpec({ grid: { rounds: [10, 'x'] } }), 'grid[1].rounds', 'bad_params'],
    ['bad policy', benchSpec({ policy: { minQuorum: 3, targetReplicas: 2 } }), 'policy.targetReplicas', 'invalid_field'],
    ['grid and units both', benchSpec({ units: [{ params: {} }] }), 'units', 'invalid_field'],
    ['missing name', { kernel: 'bench.hash@1' }, 'name', 'invalid_field'],
  ])('rejects a batch with %s (400 naming the field)', async (_what, body, field, code) => {
    const r = await t.call('POST', '/api/v1/batches', { key: alice.key, body });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code, field });
    expect(t.log.records.some((e) => e.level === 'warn' && e.fields?.field === field && e.fields?.route === '/api/v1/batches')).toBe(true);
  });

  it('suggests the param or kernel meant, and lists the kernels', async () => {
    const param = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ params: { Rounds: 5 }, grid: undefined }) });
    expect(param.body.error.message).toBe('params.Rounds: unknown field Rounds; did you mean rounds?');
    const kernel = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ kernel: 'bench.hsah' }) });
    expect(kernel.body.error.message).toMatch(/^unknown kernel bench\.hsah; did you mean bench\.hash\? \(kernels: .*bench\.hash.*mc\.season/);
  });

  it('rejects malformed JSON and bad ids', async () => {
    const bad = await t.call('POST', '/api/v1/batches', { key: alice.key, body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_json');
    const id = await t.call('GET', '/api/v1/batches/not-a-uuid', { key: alice.key });
    expect(id.status).toBe(400);
    expect(id.body.error).toMatchObject({ code: 'invalid_field', field: 'id' });
    const q = await t.call('GET', '/api/v1/batches?limit=0', { key: alice.key });
    expect(q.body.error.field).toBe('limit');
  });

  it('takes a short id prefix, as git does: one match resolves, two are ambiguous, none is a 404', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ name: 'short id' }) });
    const id = sub.body.batchId as string;
    const short = await t.call('GET', `/api/v1/batches/${id.slice(0, 12).toUpperCase()}`, { key: alice.key });
    expect(short.status).toBe(200);
    expect(short.body.id).toBe(id);
    expect((await t.call('GET', `/api/v1/batches/${id.slice(0, 8)}/workunits`, { key: alice.key })).body.total).toBe(3);
    for (const twin of ['fedcba98-0000-4000-8000-000000000001', 'fedcba98-0000-4000-8000-000000000002']) {
      await t.grid.db.rows(sql`INSERT INTO batches (id, owner_id, name, kernel, kernel_version, spec, wu_count) VALUES (${twin}, ${alice.id}, 'twin', 'bench.hash', 1, '{}'::jsonb, 0)`);
    }
    const ambiguous = await t.call('GET', '/api/v1/batches/fedcba98', { key: alice.key });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error).toMatchObject({ code: 'ambiguous_id', field: 'id', message: 'more than one batch id starts with fedcba98: give more digits' });
    expect((await t.call('GET', '/api/v1/batches/fedcba98-0000-4000-8000-00000000000', { key: alice.key })).body.error.code).toBe('ambiguous_id');
    expect((await t.call('GET', '/api/v1/batches/fedcba98-0000-4000-8000-0000000000021', { key: alice.key })).body.error.code).toBe('invalid_field');
    expect((await t.call('GET', '/api/v1/batches/FEDCBA98-0000-4000-8000-000000000002', { key: alice.key })).body.id).toBe('fedcba98-0000-4000-8000-000000000002');
    const none = await t.call('GET', '/api/v1/batches/0123abcd', { key: alice.key });
    expect(none.status).toBe(404);
    expect((await t.call('GET', '/api/v1/batches/abc', { key: alice.key })).body.error).toMatchObject({ code: 'invalid_field', field: 'id' });
    // Another owner's batch: the prefix resolves, the route still refuses it.
    expect((await t.call('GET', `/api/v1/batches/${id.slice(0, 8)}`, { key: bob.key })).status).toBe(404);
  });

  it('only lets researchers and admins submit', async () => {
    const r = await t.call('POST', '/api/v1/batches', { key: vol.key, body: benchSpec() });
    expect(r.status).toBe(403);
    expect((await t.call('POST', '/api/v1/batches', { key: null, body: benchSpec() })).status).toBe(401);
  });

  it('serves results as JSON and as RFC 4180 CSV with dotted columns', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ name: 'results' }) });
    const batchId = sub.body.batchId as string;
    const wus = await t.grid.db.rows<{ id: number; seq: number; params: unknown }>(sql`SELECT id, seq, params FROM work_units WHERE batch_id = ${batchId} ORDER BY seq`);
    // Stored out of order: the API sorts by seq.
    for (const w of [...wus].reverse()) {
      const output = { value: 1000 + w.seq, stats: { mean: w.seq / 2, note: w.seq === 1 ? 'has "quotes", commas' : 'plain' }, hist: [w.seq, 1] };
      await t.grid.db.rows(sql`INSERT INTO science_results (wu_id, batch_id, seq, kernel, params, output, output_sha256, replica_id)
        VALUES (${w.id}, ${batchId}, ${w.seq}, 'bench.hash@1', ${JSON.stringify(w.params)}::jsonb, ${JSON.stringify(output)}::jsonb, ${'ab'.repeat(32)}, ${w.id})`);
    }
    const json = await t.call('GET', `/api/v1/batches/${batchId}/results`, { key: alice.key });
    expect(json.body.count).toBe(3);
    expect(json.body.results.map((r: { seq: number }) => r.seq)).toEqual([0, 1, 2]);
    expect(json.body.results[2].output.value).toBe(1002);

    // Long form (the default): one row per work unit × item of `hist`, no JSON in a cell.
    const long = await t.call('GET', `/api/v1/batches/${batchId}/results?format=csv`, { key: alice.key });
    expect(long.headers.get('content-type')).toMatch(/^text\/csv/);
    const longLines = long.text.split('\r\n');
    expect(longLines[0]).toBe('seq,wu_id,kernel,output_sha256,item,index,params.rounds,params.steps,output.stats.mean,output.stats.note,output.value,hist.value');
    expect(longLines.slice(1, 3)).toEqual([
      `0,${wus[0]!.id},bench.hash@1,${'ab'.repeat(32)},hist,0,100,2,0,plain,1000,0`,
      `0,${wus[0]!.id},bench.hash@1,${'ab'.repeat(32)},hist,1,100,2,0,plain,1000,1`,
    ]);
    expect(longLines[3]).toContain(',hist,0,200,2,0.5,"has ""quotes"", commas",1001,1');
    expect(longLines).toHaveLength(8);
    expect(longLines.some((l) => l.includes('['))).toBe(false);

    const csv = await t.call('GET', `/api/v1/batches/${batchId}/results?format=csv&shape=wide`, { key: alice.key });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('seq,wu_id,kernel,output_sha256,params.rounds,params.steps,output.hist,output.stats.mean,output.stats.note,output.value');
    expect(lines[1]).toBe(`0,${wus[0]!.id},bench.hash@1,${'ab'.repeat(32)},100,2,"[0,1]",0,plain,1000`);
    expect(lines[2]).toContain(',"[1,1]",0.5,"has ""quotes"", commas",1001');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    const badFormat = await t.call('GET', `/api/v1/batches/${batchId}/results?format=xml`, { key: alice.key });
    expect(badFormat.body.error.field).toBe('format');
    expect((await t.call('GET', `/api/v1/batches/${batchId}/results?format=csv&shpae=wide`, { key: alice.key })).body.error).toMatchObject({ code: 'invalid_field', field: 'shpae' });
  });

  it('shows a work unit with its replicas and a replica with its output', async () => {
    const sub = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec({ name: 'replicas' }) });
    const [wu] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${sub.body.batchId} ORDER BY seq LIMIT 1`);
    const hostId = await t.host(vol.id, { name: 'vera-laptop' });
    const [rep] = await t.grid.db.rows<{ id: number }>(sql`
      INSERT INTO replicas (wu_id, host_id, owner_id, state, deadline, output, output_sha256, cpu_seconds, claimed_credit, reported_at)
      VALUES (${wu!.id}, ${hostId}, ${vol.id}, 'reported', now() + interval '1 hour', '{"value": 7}'::jsonb, ${'cd'.repeat(32)}, 7200, 3.5, now())
      RETURNING id`);
    const w = await t.call('GET', `/api/v1/workunits/${wu!.id}`, { key: alice.key });
    expect(w.status).toBe(200);
    expect(w.body.replicas).toEqual([expect.objectContaining({
      id: rep!.id, host: { id: hostId, name: 'vera-laptop' }, state: 'reported', validateState: 'pending', claimedCredit: 3.5, outputSha256: 'cd'.repeat(32),
    })]);
    const r = await t.call('GET', `/api/v1/replicas/${rep!.id}`, { key: alice.key });
    expect(r.body).toMatchObject({ id: rep!.id, wuId: wu!.id, output: { value: 7 }, batchId: sub.body.batchId });
    expect((await t.call('GET', `/api/v1/replicas/${rep!.id}`, { key: bob.key })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/replicas/abc', { key: alice.key })).body.error.field).toBe('id');
    // Its CPU time counts in the batch's usage once it is valid, not before.
    const usage = async () => (await t.call('GET', `/api/v1/batches/${sub.body.batchId}`, { key: alice.key })).body.cpuHours;
    expect(await usage()).toBe(0);
    await t.grid.db.rows(sql`UPDATE replicas SET validate_state = 'valid' WHERE id = ${rep!.id}`);
    expect(await usage()).toBe(2);
  });
});

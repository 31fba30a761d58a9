import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineResults } from '@nfl-grid/shared/combine/combine';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { benchSpec, type StoredWu, storeResult, workUnitsOf } from '../../../test/support/volunteers';

/*
 * GET /api/v1/batches/:id/combined on the app in-process: access, query checks, 409s, caching.
 * Results are stored as the assimilator stores them (the whole grid path is in test/combined.test.ts).
 */

const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
const PARAMS = { seasonFrom: 2016, seasonTo: 2016, nBets: 40, nScenarios: 200, scenariosPerStep: 100 };

describe.each(dbKinds())('combined figures route (%s)', (kind) => {
  let t: TestApp;
  let alice: { id: string; key: string };
  let bob: { id: string; key: string };

  async function submit(params: Record<string, unknown> = PARAMS): Promise<{ id: string; wus: StoredWu[] }> {
    const r = await t.call('POST', '/api/v1/batches', { key: alice.key, body: { name: 'mc', kernel: 'mc.bankroll', seed: 5, params, replicates: 3, policy: { minQuorum: 1 } } });
    expect(r.status).toBe(201);
    return { id: r.body.batchId, wus: await workUnitsOf(t.grid, r.body.batchId) };
  }

  const assimilate = (batchId: string, w: StoredWu) => storeResult(t.grid, batchId, 'mc.bankroll@1', w, data);

  beforeAll(async () => {
    t = await openTestApp(kind);
    alice = await t.user('alice', 'researcher');
    bob = await t.user('bob', 'researcher');
  });
  afterAll(async () => t?.close());

  it('merges the results so far, says how many WUs it took, then serves the cache until new results arrive', async () => {
    const { id, wus } = await submit();
    const url = `/api/v1/batches/${id}/combined?resamples=1000&seed=3`;
    expect((await t.call('GET', url, { key: alice.key })).body.error).toMatchObject({ code: 'no_results' });

    const outputs = [await assimilate(id, wus[0]!), await assimilate(id, wus[2]!)];
    const first = await t.call('GET', url, { key: alice.key });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      batchId: id, batchState: 'open', kernel: 'mc.bankroll@1', wuCount: 3, results: 2, included: 2, complete: false, cached: false,
      options: { resamples: 1000, level: 0.95, seed: 3, method: 'percentile' }, excluded: [],
    });
    // what the shared merge computes from the same outputs
    const local = combineResults(outputs.map((o, i) => ({ wuId: [wus[0]!, wus[2]!][i]!.id, seq: 0, kernel: 'mc.bankroll@1', params: wus[0]!.params, output: o })),
      { resamples: 1000, level: 0.95, seed: 3 });
    expect(first.body.groups).toEqual(JSON.parse(JSON.stringify(local.groups)));
    expect(first.body.groups[0].figures.scenarios).toBe(400);

    const again = await t.call('GET', url, { key: alice.key });
    expect(again.body).toEqual({ ...first.body, cached: true });
    // The same figures as CSV, one row per group (bankroll figures have no item tables), no JSON in a cell.
    const csv = await t.call('GET', `${url}&format=csv`, { key: alice.key });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, row, end] = csv.text.split('\r\n');
    expect(end).toBe('');
    const cells = Object.fromEntries(header!.split(',').map((k, i) => [k, row!.split(',')[i]]));
    expect(cells).toMatchObject({ group: '0', kernel: 'mc.bankroll@1', work_units: '2', 'output.scenarios': '400' });
    expect(Number(cells['output.var95.estimate'])).toBe(first.body.groups[0].figures.var95.estimate);
    expect(csv.text).not.toMatch(/[[{]/);
    expect((await t.call('GET', url)).body.cached).toBe(true); // an admin reads the same cache

    await assimilate(id, wus[1]!);
    const all = await t.call('GET', url, { key: alice.key });
    expect(all.body).toMatchObject({ included: 3, complete: true, cached: false });
    expect(all.body.groups[0].figures.scenarios).toBe(600);
    const [{ n }] = await t.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM combined_results WHERE batch_id = ${id}`);
    expect(n).toBe(1); // the newest merge replaced the older one

    // A merge under way says how far it is; none runs afterwards.
    const seen: { phase: string; done?: number; total?: number }[] = [];
    let finished = false;
    const merging = t.call('GET', `/api/v1/batches/${id}/combined?resamples=100000&seed=9`, { key: alice.key }).finally(() => { finished = true; });
    while (!finished) {
      const p = await t.call('GET', `/api/v1/batches/${id.slice(0, 8)}/combined/progress`, { key: alice.key });
      if (p.body.running) seen.push(p.body);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await merging).status).toBe(200);
    expect(seen.length).toBeGreaterThan(0);
    const resampling = seen.filter((p) => p.phase === 'resampling');
    expect(resampling.every((p) => p.total! > 0 && p.done! <= p.total!)).toBe(true);
    expect(seen.every((p) => ['waiting', 'reading', 'pooling', 'resampling', 'finishing'].includes(p.phase))).toBe(true);
    expect((await t.call('GET', `/api/v1/batches/${id}/combined/progress`, { key: alice.key })).body).toEqual({ running: false });
  });

  it("hides another researcher's batch (404) and names bad query fields (400)", async () => {
    const { id, wus } = await submit();
    await assimilate(id, wus[0]!);
    const other = await t.call('GET', `/api/v1/batches/${id}/combined`, { key: bob.key });
    expect(other.status).toBe(404);
    expect(other.body.error).toMatchObject({ code: 'not_found', field: 'id' });
    for (const [query, field] of [['resamples=999', 'resamples'], ['resamples=lots', 'resamples'], ['resamples=100001', 'resamples'], ['level=1', 'level'],
      ['level=0.3', 'level'], ['seed=-1', 'seed'], ['seed=1.5', 'seed'], ['resample=5000', 'resample']] as const) {
      const r = await t.call('GET', `/api/v1/batches/${id}/combined?${query}`, { key: alice.key });
      expect(r.status, query).toBe(400);
      expect(r.body.error, query).toMatchObject({ code: 'invalid_field', field });
    }
    expect((await t.call('GET', '/api/v1/batches/not-a-uuid/combined', { key: alice.key })).body.error).toMatchObject({ code: 'invalid_field', field: 'id' });
  });

  it('answers 409 for a kernel without a merge and for results that cannot be merged', async () => {
    const bench = await t.call('POST', '/api/v1/batches', { key: alice.key, body: benchSpec() });
    const r = await t.call('GET', `/api/v1/batches/${bench.body.batchId}/combined`, { key: alice.key });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'not_mergeable', message: expect.stringMatching(/bench\.hash@1.*mc\.bankroll@1/) });

    const { id, wus } = await submit({ ...PARAMS, keepScenarios: false });
    await assimilate(id, wus[0]!);
    const lean = await t.call('GET', `/api/v1/batches/${id}/combined`, { key: alice.key });
    expect(lean.status).toBe(409);
    expect(lean.body.error).toMatchObject({ code: 'no_mergeable_results', message: expect.stringMatching(/keepScenarios/) });
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = await t.call('GET', '/api/v1/openapi.json');
    const op = doc.body.paths['/api/v1/batches/{id}/combined']?.get;
    expect(op.summary).toMatch(/bootstrap confidence intervals/);
    expect(JSON.stringify(op.parameters)).toMatch(/resamples/);
  });
});

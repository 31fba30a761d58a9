import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds } from '../../../test/support/test-db';
import { DIRECT_MAX_SEASON_STRATEGIES } from './backtest';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

describe.each(dbKinds())('backtest routes (%s)', (kind) => {
  let t: TestApp;
  let alice: { id: string; key: string };
  let vol: { id: string; key: string };

  beforeAll(async () => {
    t = await openTestApp(kind);
    alice = await t.user('alice', 'researcher');
    vol = await t.user('vera', 'volunteer');
  });
  afterAll(async () => t?.close());

  it('answers a small run directly with the kernel output', async () => {
    const r = await t.call('POST', '/api/backtest/run', { key: alice.key, body: { seasonFrom: 2018, seasonTo: 2019, maxBetHistory: 3 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ seasonFrom: 2018, seasonTo: 2019, includePlayoffs: false });
    expect(r.body.games).toBeGreaterThan(400);
    expect(r.body.betHistory.length).toBeLessThanOrEqual(3);
  });

  it('compares strategies directly when small', async () => {
    const r = await t.call('POST', '/api/backtest/compare-strategies', {
      key: alice.key,
      body: { seasonFrom: 2020, seasonTo: 2021, strategies: [{ name: 'flat' }, { name: 'home', side: 'home' }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(2);
    expect(r.body.ranking.byFinalBankroll.sort()).toEqual([0, 1]);
  });

  it('queues a batch for several seeds or many season-strategies', async () => {
    const seeds = await t.call('POST', '/api/backtest/run', { key: alice.key, body: { seasonFrom: 2020, seasonTo: 2021, seeds: [1, 2, 3] } });
    expect(seeds.status).toBe(202);
    expect(seeds.body).toMatchObject({ wuCount: 3 });
    const wus = await t.call('GET', `/api/v1/batches/${seeds.body.batchId}/workunits`, { key: alice.key });
    expect(wus.body.workUnits.map((w: { seed: number }) => w.seed)).toEqual([1, 2, 3]);

    const strategies = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, minEdge: i / 100 }));
    expect(15 * strategies.length).toBeGreaterThan(DIRECT_MAX_SEASON_STRATEGIES);
    const big = await t.call('POST', '/api/backtest/compare-strategies', { key: alice.key, body: { seasonFrom: 2010, seasonTo: 2024, strategies } });
    expect(big.status).toBe(202);
    expect(big.body).toMatchObject({ wuCount: 1 });
    const b = await t.call('GET', `/api/v1/batches/${big.body.batchId}`, { key: alice.key });
    expect(b.body).toMatchObject({ kernel: 'backtest.compare@1', wuCount: 1 });

    const reps = await t.call('POST', '/api/backtest/run', { key: alice.key, body: { replicates: 4, priority: 5, name: 'mine' } });
    expect(reps.status).toBe(202);
    expect(reps.body.wuCount).toBe(4);
  });

  it('rejects bad params with a 400 naming the field', async () => {
    const bad = await t.call('POST', '/api/backtest/run', { key: alice.key, body: { seasonFrom: 2030 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field ?? bad.body.field).toBe('seasonFrom');
    const unknown = await t.call('POST', '/api/backtest/compare-strategies', { key: alice.key, body: { strategies: [{ staking: { kind: 'martingale' } }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('strategies.0.staking');
    const missing = await t.call('POST', '/api/backtest/compare-strategies', { key: alice.key, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('strategies');
    const both = await t.call('POST', '/api/backtest/run', { key: alice.key, body: { seeds: [1, 2], replicates: 2 } });
    expect(both.status).toBe(400);
    const notJson = await t.call('POST', '/api/backtest/run', { key: alice.key, body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('is for researchers and admins only, and is in the OpenAPI document', async () => {
    expect((await t.call('POST', '/api/backtest/run', { key: vol.key, body: {} })).status).toBe(403);
    expect((await t.call('POST', '/api/backtest/run', { key: null, body: {} })).status).toBe(401);
    const doc = await t.call('GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/backtest/run', '/api/backtest/compare-strategies']));
  });
});

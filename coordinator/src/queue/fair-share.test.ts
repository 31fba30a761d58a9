import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, resetData, type TestGrid, type TestHost } from '../../../test/support/grid-fixtures';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimWork } from './claim-work';
import { queuePlaces } from './queue-places';
import { reprioritiseBatches } from './reprioritise';

/*
 * The fair share on a real database: a researcher who floods the queue at priority 1000 cannot
 * keep another researcher off the grid; shares weight the split; an admin's priority wins.
 * Every WU here has the same cost and needs one result, so one claim is one unit of usage.
 */

const ONE = { minQuorum: 1, adaptive: false } as const;

describe.each(dbKinds())('fair share on %s', (kind) => {
  let t: TestGrid;
  let a: string;
  let b: string;
  let host: TestHost;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    a = await makeUser(t.db, { role: 'researcher' });
    b = await makeUser(t.db, { role: 'researcher' });
    host = await makeHost(t.db);
  });

  /** Claims one WU at a time, `n` times; the owner of each claimed WU's batch, in order. */
  async function claimOwners(n: number): Promise<string[]> {
    const owners: string[] = [];
    for (let i = 0; i < n; i++) {
      const [got] = await claimWork(t.db, host.claiming, 1, policyOf(t.grid));
      if (!got) break;
      const [row] = await t.db.rows<{ owner_id: string }>(sql`
        SELECT b.owner_id FROM work_units w JOIN batches b ON b.id = w.batch_id WHERE w.id = ${got.wu_id}`);
      owners.push(row!.owner_id);
    }
    return owners;
  }
  const countOf = (owners: string[], id: string) => owners.filter((o) => o === id).length;

  it('a flood at priority 1000 does not keep another researcher waiting: the newcomer catches up, then they alternate', async () => {
    await submitBenchBatch(t.grid, a, { n: 100, priority: 1000, policy: ONE });
    expect(countOf(await claimOwners(10), a)).toBe(10); // alone on the grid, A takes it all
    await submitBenchBatch(t.grid, b, { n: 20, priority: 0, policy: ONE });
    const next = await claimOwners(20);
    // By priority alone B would get none of these 20 (A has 90 left at 1000). With equal shares B
    // takes the next 10 (catching up A's 10), then every other one: 15. The bound: at least 14.
    expect(countOf(next, b)).toBeGreaterThanOrEqual(14);
    expect(next.slice(0, 10).every((o) => o === b)).toBe(true);
  });

  it("shares weight the split: a researcher with share 3 gets about three claims in four", async () => {
    await t.db.rows(sql`UPDATE users SET share = 3 WHERE id = ${b}`);
    await submitBenchBatch(t.grid, a, { n: 60, policy: ONE });
    await submitBenchBatch(t.grid, b, { n: 60, policy: ONE });
    const owners = await claimOwners(40);
    // Least load first: B's load is its usage / 3, so B runs until it has three times A's usage.
    expect(countOf(owners, b)).toBeGreaterThanOrEqual(28);
    expect(countOf(owners, b)).toBeLessThanOrEqual(32);
  });

  it("a researcher's priority orders only their own batches", async () => {
    await submitBenchBatch(t.grid, b, { n: 3, priority: 0, name: 'b-low', policy: ONE });
    await submitBenchBatch(t.grid, b, { n: 3, priority: 5, name: 'b-high', policy: ONE });
    const got = await claimWork(t.db, host.claiming, 3, policyOf(t.grid));
    const names = await t.db.rows<{ name: string }>(sql`
      SELECT b.name FROM work_units w JOIN batches b ON b.id = w.batch_id WHERE w.id IN ${got.map((g) => g.wu_id)}`);
    expect(names.map((n) => n.name)).toEqual(['b-high', 'b-high', 'b-high']);
  });

  it("an admin's priority wins over the fair share", async () => {
    const flood = await submitBenchBatch(t.grid, a, { n: 40, policy: ONE });
    expect(countOf(await claimOwners(10), a)).toBe(10);
    await submitBenchBatch(t.grid, b, { n: 20, policy: ONE });
    // A is the more loaded researcher, but an admin ranks A's batch first.
    await t.db.transaction((tx) => reprioritiseBatches(tx, new Map([[flood.batchId, 10]])));
    expect(countOf(await claimOwners(10), a)).toBe(10);
  });

  it('queue places follow the claim order; the ETA comes from the last hour of reported work', async () => {
    const flood = await submitBenchBatch(t.grid, a, { n: 40, priority: 1000, policy: ONE });
    await claimOwners(10);
    const newcomer = await submitBenchBatch(t.grid, b, { n: 20, policy: ONE });
    let places = await queuePlaces(t.db);
    // B is the less loaded researcher: its batch is served next, whatever A's priority.
    expect(places.get(newcomer.batchId)).toMatchObject({ position: 1, of: 2, etaSeconds: null });
    expect(places.get(flood.batchId)).toMatchObject({ position: 2, of: 2, etaSeconds: null });
    // Throughput: the 10 replicas A ran count as reported within the hour (cost c each, so 10c/3600 per second).
    await t.db.rows(sql`UPDATE replicas SET reported_at = now()`);
    const [{ c }] = await t.db.rows<{ c: number }>(sql`SELECT max(cost_estimate)::float8 AS c FROM work_units`) as [{ c: number }];
    const perSecond = (10 * c) / 3600;
    places = await queuePlaces(t.db);
    // Equal shares: each researcher's work runs at half the throughput.
    expect(places.get(newcomer.batchId)!.etaSeconds).toBe(Math.round((20 * c) / (perSecond / 2)));
    expect(places.get(flood.batchId)!.etaSeconds).toBe(Math.round((40 * c) / (perSecond / 2)));
    // An admin's priority puts A's batch first, with the whole throughput; B waits for it. (A's
    // 10 replicas out on the host are still work left: 40 units in all.)
    await t.db.transaction((tx) => reprioritiseBatches(tx, new Map([[flood.batchId, 10]])));
    places = await queuePlaces(t.db);
    expect(places.get(flood.batchId)).toMatchObject({ position: 1, etaSeconds: Math.round((40 * c) / perSecond) });
    expect(places.get(newcomer.batchId)).toMatchObject({ position: 2, etaSeconds: Math.round((40 * c) / perSecond + (20 * c) / perSecond) }); // B is then alone in its tier
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, q, resetData, type TestGrid, type TestHost, wuIdsOf, wuRows } from '../../../test/support/grid-fixtures';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimSql, claimWork, type ClaimPolicy } from './claim-work';

/*
 * The pairing rule in the claim (quorum-mix.ts) on a real database: an untrusted host never joins
 * a WU that only untrusted hosts hold while a trusted host for the kernel is online; with none
 * online (a new grid), untrusted hosts pair but the WU's quorum goes up by one.
 */

describe.each(dbKinds())('quorum mix on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  let policy: ClaimPolicy;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
    policy = policyOf(t.grid);
  });

  const claim = (h: TestHost, max = 100) => claimWork(t.db, h.claiming, max, policy);
  const online = (...hs: TestHost[]) => t.db.rows(sql`UPDATE hosts SET online = true WHERE id IN ${hs.map((h) => h.id)}`);
  const untrusted = () => makeHost(t.db, { consecutiveValid: 0 });
  const trusted = () => makeHost(t.db, { consecutiveValid: 50, errorRate: 0.001 });

  it('with a trusted host online, two untrusted hosts never share a WU without it', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 3, policy: { minQuorum: 2, adaptive: false } });
    const [a, b, c, tr] = [await untrusted(), await untrusted(), await untrusted(), await trusted()];
    await online(a, b, c, tr);
    expect(wuIdsOf(await claim(a, 2))).toEqual([1, 2]);
    // b may not pair with a on 1 or 2; it may start WU 3 on its own.
    expect(wuIdsOf(await claim(b))).toEqual([3]);
    expect(await claim(c)).toEqual([]);
    // The trusted host joins all three; now an untrusted host could join beside it.
    expect(wuIdsOf(await claim(tr))).toEqual([1, 2, 3]);
    expect((await wuRows(t.db, batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[2, 0], [2, 0], [2, 0]]);
    await t.db.rows(sql`UPDATE work_units SET replicas_needed = 1 WHERE id = 1`);
    expect(wuIdsOf(await claim(c))).toEqual([1]);
  });

  it('untrusted hosts never outnumber the trusted ones on a WU by more than one', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
    const [a, b, c] = [await untrusted(), await untrusted(), await untrusted()];
    const [t1, t2] = [await trusted(), await trusted()];
    await online(a, b, c, t1, t2);
    await t.db.rows(sql`UPDATE work_units SET replicas_needed = 5 WHERE batch_id = ${batchId}`);
    expect(wuIdsOf(await claim(a))).toEqual([1]);
    expect(wuIdsOf(await claim(t1))).toEqual([1]);
    // One trusted, one untrusted: another untrusted may join...
    expect(wuIdsOf(await claim(b))).toEqual([1]);
    // ...but not a third while only one trusted host is on it.
    expect(await claim(c)).toEqual([]);
    expect(wuIdsOf(await claim(t2))).toEqual([1]);
    expect(wuIdsOf(await claim(c))).toEqual([1]);
  });

  it('a WU that has waited a minute for a trusted host goes to anyone (the trusted hosts may all be on it)', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
    const [a, b, tr] = [await untrusted(), await untrusted(), await trusted()];
    await online(a, b, tr);
    expect(wuIdsOf(await claim(a))).toEqual([1]);
    expect(await claim(b)).toEqual([]);
    await t.db.rows(sql`UPDATE work_units SET updated_at = now() - interval '61 seconds'`);
    expect(wuIdsOf(await claim(b))).toEqual([1]);
    // The wait is the claim policy's.
    await t.db.rows(sql`UPDATE work_units SET replicas_needed = 1, updated_at = now() - interval '10 seconds'`);
    const c = await untrusted();
    await online(c);
    expect(await claimWork(t.db, c.claiming, 5, policy)).toEqual([]);
    expect(wuIdsOf(await claimWork(t.db, c.claiming, 5, { ...policy, trustedWaitSeconds: 5 }))).toEqual([1]);
  });

  it('a trusted host that is offline, paused, or for another kernel does not count: the bootstrap rule applies', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
    const [a, b] = [await untrusted(), await untrusted()];
    const off = await trusted();
    const paused = await makeHost(t.db, { consecutiveValid: 50, errorRate: 0.001, status: 'paused' });
    const other = await makeHost(t.db, { consecutiveValid: 50, errorRate: 0.001, kernels: ['mc.season@1'] });
    await online(a, b, paused, other);
    expect(wuIdsOf(await claim(a))).toEqual([1]);
    expect(wuIdsOf(await claim(b))).toEqual([1]);
    void off;
  });

  it('a replica judged invalid does not vouch for its WU, even from a host that is trusted now', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
    const [a, tr] = [await untrusted(), await trusted()];
    await online(a, tr);
    expect(wuIdsOf(await claim(tr))).toEqual([1]);
    await t.db.rows(sql`UPDATE replicas SET state = 'reported', validate_state = 'invalid' WHERE wu_id = 1`);
    // The only replica is invalid: the WU counts as fresh, so a may start it.
    expect(wuIdsOf(await claim(a))).toEqual([1]);
  });

  describe('bootstrap: no trusted host online', () => {
    it('the second untrusted host raises the quorum by one, once; a third volunteer fills it', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 2, adaptive: false } });
      const [a, b, c, d] = [await untrusted(), await untrusted(), await untrusted(), await untrusted()];
      await online(a, b, c, d);
      expect(wuIdsOf(await claim(a))).toEqual([1, 2]);
      expect((await wuRows(t.db, batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[2, 1], [2, 1]]);
      expect(wuIdsOf(await claim(b))).toEqual([1, 2]);
      // Colluders now need three accounts on one WU.
      expect((await wuRows(t.db, batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[3, 1], [3, 1]]);
      expect(wuIdsOf(await claim(c))).toEqual([1, 2]);
      // Raised once only: the third does not raise it again.
      expect((await wuRows(t.db, batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[3, 0], [3, 0]]);
      expect(await claim(d)).toEqual([]);
    });

    it('no raise where it would leave the WU unservable: too few volunteers online, or no room for a replica', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
      const [a, b] = [await untrusted(), await untrusted()];
      await online(a, b);
      await claim(a);
      await claim(b);
      // Two volunteers online cannot fill a quorum of 3.
      expect((await wuRows(t.db, batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[2, 0]]);

      const tight = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, maxTotalReplicas: 2, adaptive: false } });
      const c = await untrusted();
      await online(c);
      await claim(a);
      await claim(c);
      expect((await wuRows(t.db, tight.batchId)).map((w) => [w.min_quorum, w.replicas_needed])).toEqual([[2, 0]]);
    });

    it('two hosts of one volunteer count once towards who could fill the raised quorum', async () => {
      const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, policy: { minQuorum: 2, adaptive: false } });
      const a = await untrusted();
      const b = await untrusted();
      const b2 = await makeHost(t.db, { ownerId: b.ownerId });
      await online(a, b, b2);
      await claim(a);
      await claim(b);
      expect((await wuRows(t.db, batchId)).map((w) => w.min_quorum)).toEqual([2]);
    });
  });

  it('the claim is still a walk of the claim index in order, with the pairing rule as per-row filters', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 50, policy: { minQuorum: 2, adaptive: false } });
    const a = await untrusted();
    await online(a, await trusted());
    await t.db.rows(sql`ANALYZE work_units`);
    const plan = (await q(t.db, sql`EXPLAIN ${claimSql(a.claiming, 10, policy)}`)).map((r) => String(Object.values(r)[0])).join('\n');
    const picked = plan.slice(plan.indexOf('CTE picked'), plan.indexOf('CTE upd'));
    expect(picked).toMatch(/Limit[\s\S]*Index Scan using work_units_claim_idx on work_units w/);
    // The pairing rule's probes are subplans of that scan's filter, not joins or sorts over the
    // queue, which would read all of it before the LIMIT.
    expect(picked).toMatch(/Filter: .*SubPlan \d+/);
    expect(picked).toMatch(/CTE Scan on trusted_kernels/);
    expect(picked).not.toMatch(/Anti Join|Sort Key: w\.priority/);
    // A semi join may appear only inside a per-row probe (the trust lookup by primary key), nested
    // deeper than the scan of the queue, never above it.
    const lines = picked.split('\n');
    const scanDepth = lines.find((l) => /Index Scan using work_units_claim_idx/.test(l))!.indexOf('->');
    for (const l of lines.filter((x) => /Semi Join/.test(x))) expect(l.indexOf('->')).toBeGreaterThan(scanDepth);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestApp, q, resetData, type TestApp, type TestHost, wuRows } from '../../../test/support/grid-fixtures';
import { policyOf, simulateHost, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { validatorPass } from '../daemons/validator';
import { claimWork } from '../queue/claim-work';
import { countPairs, recordAgreements } from './agreement-pairs';

/*
 * Host pairs that keep agreeing against others: counted per validated WU, flagged once their
 * shared output has lost often enough, a WU only a flagged pair vouches for held until a trusted
 * host decides, shown in the console's Validation view and cleared by an admin (audit-logged).
 */

describe('countPairs', () => {
  it('counts each pair within a cluster once per WU: together, against a dissent, lost', () => {
    const counts = countPairs([
      { wuId: 1, clusters: [['h1', 'h2'], ['c1', 'c2']], winner: 0 },
      { wuId: 2, clusters: [['h1', 'h2', 'h3']], winner: 0 },
      { wuId: 3, clusters: [['c2', 'c1'], ['h3']], winner: 0 },
    ]);
    const by = new Map(counts.map((p) => [`${p.a}|${p.b}`, p]));
    expect(by.get('h1|h2')).toEqual({ a: 'h1', b: 'h2', together: 2, against: 1, lost: 0, wu: 2 });
    expect(by.get('c1|c2')).toEqual({ a: 'c1', b: 'c2', together: 2, against: 2, lost: 1, wu: 3 });
    expect(by.get('h1|h3')).toMatchObject({ together: 1, against: 0, lost: 0 });
    // A cluster of one host has no pair.
    expect([...by.keys()].some((k) => k.includes('h3|h3'))).toBe(false);
    // Key order, so concurrent validators lock rows alike.
    expect(counts.map((p) => `${p.a}|${p.b}`)).toEqual([...by.keys()].sort());
  });
});

describe.each(dbKinds())('agreement pairs on %s', (kind) => {
  let t: TestApp;
  let researcher: string;
  let adminKey: string;
  beforeAll(async () => { t = await openTestApp(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.grid.db);
    researcher = await makeUser(t.grid.db, { role: 'researcher' });
    adminKey = (await t.user('ada', 'admin')).key;
  });
  const call = (method: string, path: string, body?: unknown, key = adminKey) => t.call(method, path, { key, body });

  const policy = { pairFlagAfter: 3, pairFlagShare: 0.5 };
  const pairRow = (a: TestHost, b: TestHost) => q(t.grid.db, sql`SELECT together, against, lost, flagged_at IS NOT NULL AS flagged FROM agreement_pairs
     WHERE host_a = ${a.id < b.id ? a.id : b.id} AND host_b = ${a.id < b.id ? b.id : a.id}`).then((r) => r[0]);
  const lose = (a: TestHost, b: TestHost, h: TestHost, wuId: number) => t.grid.db.transaction((tx) =>
    recordAgreements(tx, [{ wuId, clusters: [[h.id], [a.id, b.id]], winner: 0 }], policy));

  it('flags a pair once its shared output has lost three times, and only then; once', async () => {
    const [a, b, h] = [await makeHost(t.grid.db), await makeHost(t.grid.db), await makeHost(t.grid.db)];
    expect(await lose(a, b, h, 1)).toEqual([]);
    expect(await lose(a, b, h, 2)).toEqual([]);
    expect(await pairRow(a, b)).toEqual({ together: 2, against: 2, lost: 2, flagged: false });
    const flagged = await lose(a, b, h, 3);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({ against: 3, lost: 3 });
    expect(await lose(a, b, h, 4)).toEqual([]);
    expect(await pairRow(a, b)).toEqual({ together: 4, against: 4, lost: 4, flagged: true });
  });

  it('an honest pair that often meets dissent but wins is never flagged', async () => {
    const [a, b, c] = [await makeHost(t.grid.db), await makeHost(t.grid.db), await makeHost(t.grid.db)];
    for (let wu = 1; wu <= 10; wu++) {
      await t.grid.db.transaction((tx) => recordAgreements(tx, [{ wuId: wu, clusters: [[a.id, b.id], [c.id]], winner: 0 }], policy));
    }
    expect(await pairRow(a, b)).toEqual({ together: 10, against: 10, lost: 0, flagged: false });
  });

  it('the validator counts pairs, and holds a WU that only a flagged pair vouches for until a trusted host decides', async () => {
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 4, rounds: 200, policy: { minQuorum: 2, adaptive: false } });
    const [c1, c2] = [await makeHost(t.grid.db), await makeHost(t.grid.db)];
    const honest = [await makeHost(t.grid.db), await makeHost(t.grid.db), await makeHost(t.grid.db), await makeHost(t.grid.db)];
    // WUs 1–3: a colluder and an honest host disagree (quorum 3); the second colluder joins the
    // first (two against one, quorum 3: not yet); two against two raises it to 4; four honest win.
    await simulateHost(t.grid, c1, { behaviour: 'cheat', max: 3 });
    await simulateHost(t.grid, honest[0]!, { max: 3 });
    await validatorPass(t.grid);
    await simulateHost(t.grid, c2, { behaviour: 'cheat', max: 3 });
    await validatorPass(t.grid);
    for (const h of honest.slice(1)) {
      expect((await wuRows(t.grid.db, batchId)).slice(0, 3).map((w) => w.state)).toEqual(['running', 'running', 'running']);
      await simulateHost(t.grid, h, { max: 3 });
      await validatorPass(t.grid);
    }
    expect((await wuRows(t.grid.db, batchId)).slice(0, 3).map((w) => [w.state, w.min_quorum])).toEqual([['done', 4], ['done', 4], ['done', 4]]);
    const [h1, h2] = honest as [TestHost, TestHost];
    expect(await pairRow(c1, c2)).toMatchObject({ together: 3, against: 3, lost: 3, flagged: true });
    expect(await pairRow(h1, h2)).toMatchObject({ together: 3, against: 3, lost: 0, flagged: false });
    const [ev] = await q(t.grid.db, sql`SELECT subject, data FROM events WHERE kind = 'pair.flagged'`);
    expect(ev!.data).toMatchObject({ lost: 3 });

    // WU 4: only the flagged pair reports, agreeing: held, quorum 3, for a trusted host.
    await simulateHost(t.grid, c1, { behaviour: 'cheat', max: 1 });
    await simulateHost(t.grid, c2, { behaviour: 'cheat', max: 1 });
    await validatorPass(t.grid);
    let w4 = (await wuRows(t.grid.db, batchId))[3]!;
    expect(w4).toMatchObject({ state: 'running', min_quorum: 3, replicas_needed: 1, canonical_replica_id: null });
    const [held] = await q(t.grid.db, sql`SELECT needs_trusted FROM work_units WHERE id = ${w4.id}`);
    expect(held!.needs_trusted).toBe(true);
    // An untrusted host may not take it while a trusted one is online; the trusted one may.
    const trusted = await makeHost(t.grid.db, { consecutiveValid: 50, errorRate: 0.001 });
    const other = await makeHost(t.grid.db);
    await t.grid.db.rows(sql`UPDATE hosts SET online = true WHERE id IN (${trusted.id}, ${other.id})`);
    expect(await claimWork(t.grid.db, other.claiming, 5, policyOf(t.grid))).toEqual([]);
    await simulateHost(t.grid, trusted, { max: 1, policy: { spotCheckRate: 1 } });
    await validatorPass(t.grid);
    w4 = (await wuRows(t.grid.db, batchId))[3]!;
    // The trusted host's right output dissents: the pair cannot win, and their results stay unsettled.
    expect(w4.canonical_replica_id).toBeNull();
    expect(w4.state).toBe('running');
  });

  it('the Validation view lists flagged pairs; an admin clears one, audit-logged; bad requests are 4xx naming the field', async () => {
    const [a, b, h] = [await makeHost(t.grid.db), await makeHost(t.grid.db), await makeHost(t.grid.db)];
    for (let wu = 1; wu <= 3; wu++) await lose(a, b, h, wu);
    const val = await call('GET', '/api/v1/console/validation');
    expect(val.status).toBe(200);
    const [lo, hi] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    expect(val.body.pairs).toEqual([expect.objectContaining({ hostA: expect.objectContaining({ id: lo }), hostB: expect.objectContaining({ id: hi }), lost: 3, against: 3, together: 3, lastWuId: 3 })]);

    const vol = await t.user('vera', 'volunteer');
    expect((await call('POST', '/api/v1/console/flagged-pairs/clear', { hostA: a.id, hostB: b.id }, vol.key)).status).toBe(403);
    for (const [body, field] of [
      [{ hostA: a.id }, 'hostB'], [{ hostA: 'nope', hostB: b.id }, 'hostA'], [{ hostA: a.id, hostB: b.id, why: 1 }, 'why'], [{ hostA: a.id, hostB: a.id }, 'hostB'],
    ] as const) {
      const r = await call('POST', '/api/v1/console/flagged-pairs/clear', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    // Either order names the same pair.
    const ok = await call('POST', '/api/v1/console/flagged-pairs/clear', { hostA: hi, hostB: lo });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ hostA: hi, hostB: lo, cleared: true });
    expect(await pairRow(a, b)).toEqual({ together: 0, against: 0, lost: 0, flagged: false });
    const [ev] = await q(t.grid.db, sql`SELECT e.actor, e.data, u.role FROM events e JOIN users u ON u.id::text = e.actor WHERE e.kind = 'pair.cleared'`);
    expect(ev).toMatchObject({ role: 'admin', data: { hostA: hi, hostB: lo } });
    expect((await call('GET', '/api/v1/console/validation')).body.pairs).toEqual([]);
    // Nothing flagged any more: 404.
    expect((await call('POST', '/api/v1/console/flagged-pairs/clear', { hostA: a.id, hostB: b.id })).status).toBe(404);
  });
});

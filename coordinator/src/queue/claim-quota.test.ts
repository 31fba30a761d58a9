import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, resetData, type TestGrid, type TestHost } from '../../../test/support/grid-fixtures';
import { dbKinds } from '../../../test/support/test-db';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { applyHostOutcomes } from '../credit/host-reliability';
import { claimWork, type ClaimPolicy } from './claim-work';
import { recordReplicaFailures } from './record-replica-errors';

/*
 * Per-host quotas at claim time: replicas in progress per core, and a daily quota per core that
 * halves on each error and doubles back on each valid result (BOINC's rule).
 */

describe.each(dbKinds())('per-host quotas on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  let policy: ClaimPolicy;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
    policy = policyOf(t.grid, { quota: { inProgressPerCore: 3, dailyPerCore: 8 } });
    await submitBenchBatch(t.grid, researcher, { n: 40, policy: { minQuorum: 1, adaptive: false } });
  });

  const claim = (h: TestHost, max = 100) => claimWork(t.db, h.claiming, max, policy);
  const setCores = (h: TestHost, cores: number) => t.db.rows(sql`UPDATE hosts SET hardware = ${JSON.stringify({ cores })}::jsonb WHERE id = ${h.id}`);
  const scale = async (h: TestHost) => Number((await t.db.rows<{ s: number }>(sql`SELECT quota_scale AS s FROM hosts WHERE id = ${h.id}`))[0]!.s);
  const finish = (ids: number[]) => t.db.rows(sql`UPDATE replicas SET state = 'reported', reported_at = now() WHERE id = ANY(${`{${ids.join(',')}}`}::int8[])`);

  it('caps the replicas a host holds in progress per core, and gives room back as they finish', async () => {
    const h = await makeHost(t.db);
    await setCores(h, 2);
    const first = await claim(h);
    expect(first).toHaveLength(6);
    expect(await claim(h)).toHaveLength(0);
    await finish(first.slice(0, 2).map((c) => c.replica_id));
    expect(await claim(h)).toHaveLength(2);
  });

  it('stops at the daily quota per core, whatever has finished', async () => {
    const h = await makeHost(t.db); // 1 core: 3 in progress, 8 a day
    let sent = 0;
    for (let round = 0; round < 6; round++) {
      const got = await claim(h);
      sent += got.length;
      await finish(got.map((c) => c.replica_id));
    }
    expect(sent).toBe(8);
    // a day later the count starts again
    await t.db.rows(sql`UPDATE replicas SET sent_at = now() - interval '25 hours' WHERE host_id = ${h.id}`);
    expect(await claim(h)).toHaveLength(3);
  });

  it('halves the daily quota on each error and doubles it back on valid results', async () => {
    const h = await makeHost(t.db);
    const got = await claim(h, 2);
    await recordReplicaFailures(t.db, h.id, got.map((c) => ({ replicaId: c.replica_id, state: 'errored' as const, code: 'kernel_error', message: 'boom' })));
    expect(await scale(h)).toBe(0.25);
    // 8 × 0.25 = 2 a day, and 2 were sent today
    expect(await claim(h)).toHaveLength(0);
    // a give-back is not an error
    await t.db.transaction((tx) => applyHostOutcomes(tx, [{ hostId: h.id, valid: 1, invalid: 0, errors: 0, credit: 0 }]));
    expect(await scale(h)).toBe(0.5);
    const next = await claim(h);
    expect(next).toHaveLength(2); // 4 a day, 2 sent
    await recordReplicaFailures(t.db, h.id, next.map((c) => ({ replicaId: c.replica_id, state: 'abandoned' as const, code: 'quit', message: 'given back' })));
    expect(await scale(h)).toBe(0.5);
    await t.db.transaction((tx) => applyHostOutcomes(tx, [{ hostId: h.id, valid: 5, invalid: 0, errors: 0, credit: 0 }]));
    expect(await scale(h)).toBe(1);
  });

  it('never lets the quota fall below one replica a day', async () => {
    const h = await makeHost(t.db);
    await t.db.transaction((tx) => applyHostOutcomes(tx, [{ hostId: h.id, valid: 0, invalid: 0, errors: 200, credit: 0 }]));
    expect(await scale(h)).toBeCloseTo(2 ** -30, 15);
    expect(await claim(h)).toHaveLength(1);
    expect(await claim(h)).toHaveLength(0);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHost, makeUser, openTestGrid, q, resetData, type TestGrid, wuRows } from '../../../test/support/grid-fixtures';
import { policyOf, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { claimWork } from './claim-work';
import { markDelivered, releaseUndelivered, releaseUnheldAtHello } from './release-unheld';

/* Releasing replicas nobody holds: at hello (not in the agent's list), and claims never sent. */

describe.each(dbKinds())('release-unheld on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const states = async () => q<{ id: number; host_id: string; state: string; error_code: string | null; delivered: boolean }>(t.db,
    sql`SELECT id, host_id, state::text, error_code, delivered_at IS NOT NULL AS delivered FROM replicas ORDER BY id`);

  it('at hello: keeps and marks delivered what the agent holds, releases the rest of that host only', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 4, policy: { minQuorum: 1, adaptive: false } });
    const host = await makeHost(t.db);
    const other = await makeHost(t.db);
    const mine = await claimWork(t.db, host.claiming, 3, policyOf(t.grid));
    const theirs = await claimWork(t.db, other.claiming, 1, policyOf(t.grid));
    const held = mine[0]!.replica_id;

    const released = await t.db.transaction((tx) => releaseUnheldAtHello(tx, host.id, [held, 999_999]));
    expect(released.map((r) => r.id).sort()).toEqual(mine.slice(1).map((c) => c.replica_id).sort());
    const rows = await states();
    expect(rows.find((r) => r.id === held)).toMatchObject({ state: 'in_progress', delivered: true });
    expect(rows.filter((r) => r.state === 'abandoned').every((r) => r.host_id === host.id && r.error_code === 'not_held')).toBe(true);
    expect(rows.find((r) => r.id === theirs[0]!.replica_id)).toMatchObject({ state: 'in_progress' });
    // Each released WU wants its replica back; the host may not take it again, another host may.
    const wus = await wuRows(t.db);
    expect(wus.filter((w) => w.replicas_needed === 1).map((w) => w.id).sort()).toEqual(released.map((r) => r.wu_id).sort());
    const again = await claimWork(t.db, other.claiming, 10, policyOf(t.grid));
    expect(again.map((c) => c.wu_id).sort()).toEqual(released.map((r) => r.wu_id).sort());
    // An empty list releases everything the host has in progress.
    const all = await t.db.transaction((tx) => releaseUnheldAtHello(tx, host.id, []));
    expect(all.map((r) => r.id)).toEqual([held]);
  });

  it('releases claims never delivered once past the grace, and nothing that was delivered', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 4, policy: { minQuorum: 1, adaptive: false } });
    const host = await makeHost(t.db);
    const claimed = await claimWork(t.db, host.claiming, 4, policyOf(t.grid));
    await markDelivered(t.db, claimed.slice(0, 2).map((c) => c.replica_id));
    // Within the grace: nothing.
    expect(await t.db.transaction((tx) => releaseUndelivered(tx, 60_000, 100))).toEqual([]);
    await t.db.rows(sql`UPDATE replicas SET sent_at = now() - interval '2 minutes'`);
    const released = await t.db.transaction((tx) => releaseUndelivered(tx, 60_000, 100));
    expect(released.map((r) => r.id).sort()).toEqual(claimed.slice(2).map((c) => c.replica_id).sort());
    const byId = new Map((await states()).map((r) => [r.id, [r.state, r.error_code]]));
    expect(claimed.map((c) => byId.get(c.replica_id))).toEqual([
      ['in_progress', null], ['in_progress', null], ['abandoned', 'undelivered'], ['abandoned', 'undelivered'],
    ]);
  });
});

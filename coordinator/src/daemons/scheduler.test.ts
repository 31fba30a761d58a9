import { sql } from 'drizzle-orm';
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { importPublic, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { verifyWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { makeHost, makeUser, openTestGrid, replicaRows, resetData, type TestGrid, type TestHost, wuRows } from '../../../test/support/grid-fixtures';
import { BENCH, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import type { AgentSession } from '../gateway/agent-session';
import { createScheduler, type Scheduler } from './scheduler';

/*
 * The scheduler with a real grid and database. The session stands in for the agent's socket: it
 * keeps what the coordinator sends, and the test verifies each work packet as an agent would.
 */

interface TestSession extends AgentSession { sent: CoordinatorMessage[]; closedAfterReads?: number }

async function sessionFor(h: TestHost, o: Partial<Pick<AgentSession, 'paused' | 'kernels'>> & { closedAfterReads?: number } = {}): Promise<TestSession> {
  const { publicJwk } = await newEd25519KeyPair();
  let reads = 0;
  const s: TestSession = {
    hostId: h.id, ownerId: h.ownerId, kernels: o.kernels ?? h.claiming.kernels, gpu: h.claiming.gpu, memoryMb: h.claiming.memoryMb,
    benchmarkFlops: h.benchmarkFlops, publicKey: await importPublic(publicJwk), paused: o.paused ?? false, lastProgressWrite: 0,
    sent: [],
    send(msg) { this.sent.push(msg); },
    close() {},
    // An agent that hangs up while its work is being claimed: closed from the n-th look on.
    get closed() { reads++; return o.closedAfterReads !== undefined && reads > o.closedAfterReads; },
  };
  return s;
}

describe.each(dbKinds())('scheduler on %s', (kind) => {
  let t: TestGrid;
  let scheduler: Scheduler;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
    scheduler = createScheduler(t.grid);
    t.grid.setWakers({ scheduler: () => scheduler.wake(), validator: () => {}, assimilator: () => {} });
  });

  async function verified(s: TestSession) {
    const keys = createLocalJWKSet(await t.grid.keys.jwks());
    return Promise.all(s.sent.filter((m) => m.type === 'work').map((m) => verifyWorkPacket((m as { jws: string }).jws, keys, s.hostId)));
  }

  it('sends a signed packet of the claimed replicas', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 3, rounds: 400 });
    const h = await makeHost(t.db);
    const s = await sessionFor(h);
    expect(await scheduler.requestWork(s, 2)).toBe(true);
    const [packet] = await verified(s);
    const reps = await replicaRows(t.db);
    const wus = await wuRows(t.db);
    expect(packet!.items.map((i) => [i.wuId, i.replicaId])).toEqual(reps.map((r) => [r.wu_id, r.id]));
    for (const item of packet!.items) {
      const wu = wus.find((w) => w.id === item.wuId)!;
      expect(item).toMatchObject({ kernel: BENCH, params: { rounds: 400, steps: 2 }, seed: wu.seed, inputs: [], costEstimate: 4000, resumeFrom: null });
      expect(item.deadline).toBeGreaterThan(Date.now());
    }
    expect(scheduler.idleCount()).toBe(0);
  });

  it('an agent that got nothing waits idle and gets new work as soon as it is submitted', async () => {
    const h = await makeHost(t.db);
    const s = await sessionFor(h);
    expect(await scheduler.requestWork(s, 5)).toBe(false);
    expect(s.sent).toEqual([]);
    expect(scheduler.idleCount()).toBe(1);
    await submitBenchBatch(t.grid, researcher, { n: 2 }); // submitBatch wakes the scheduler
    await vi.waitFor(() => expect(s.sent).toHaveLength(1));
    expect((await verified(s))[0]!.items).toHaveLength(2);
    // the send resolves before serve() returns and the agent leaves the idle list
    await vi.waitFor(() => expect(scheduler.idleCount()).toBe(0));
  });

  it('idle agents that cannot take the new work stay idle; forget() drops one', async () => {
    const plain = await sessionFor(await makeHost(t.db));
    const other = await sessionFor(await makeHost(t.db, { kernels: ['mc.season@1'] }));
    const paused = await sessionFor(await makeHost(t.db), { paused: true });
    for (const s of [plain, other, paused]) expect(await scheduler.requestWork(s, 5)).toBe(false);
    expect(scheduler.idleCount()).toBe(3);
    await submitBenchBatch(t.grid, researcher, { n: 1 });
    await vi.waitFor(() => expect(plain.sent).toHaveLength(1));
    expect(other.sent).toEqual([]);
    expect(paused.sent).toEqual([]);
    await vi.waitFor(() => expect(scheduler.idleCount()).toBe(2));
    scheduler.forget(other.hostId);
    expect(scheduler.idleCount()).toBe(1);
  });

  it('gives the replicas back when the agent leaves while they are claimed', async () => {
    await submitBenchBatch(t.grid, researcher, { n: 2, policy: { minQuorum: 2, adaptive: false } });
    const s = await sessionFor(await makeHost(t.db), { closedAfterReads: 1 });
    expect(await scheduler.requestWork(s, 5)).toBe(true);
    expect(s.sent).toEqual([]);
    expect((await replicaRows(t.db)).map((r) => r.state)).toEqual(['abandoned', 'abandoned']);
    expect((await wuRows(t.db)).map((w) => [w.replicas_needed, w.error_replicas])).toEqual([[2, 0], [2, 0]]);
    expect(scheduler.idleCount()).toBe(0);
  });

  it('never sends more than work.maxPacket replicas at once', async () => {
    await submitBenchBatch(t.grid, researcher, { n: t.grid.config.work.maxPacket + 5, policy: { minQuorum: 1, adaptive: false } });
    const h = await makeHost(t.db);
    // cores enough that the in-progress quota (work.quota) is not what stops it
    await t.db.rows(sql`UPDATE hosts SET hardware = '{"cores": 16}'::jsonb WHERE id = ${h.id}`);
    const s = await sessionFor(h);
    expect(await scheduler.requestWork(s, 10_000)).toBe(true);
    expect((await verified(s))[0]!.items).toHaveLength(t.grid.config.work.maxPacket);
  });
});

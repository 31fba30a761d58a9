import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { claimWork } from '../coordinator/src/queue/claim-work';
import { apiClient, eventually } from './support/api-client';
import { startAgent, startCoordinatorProcess, type Watched } from './support/processes';
import { enrollRaw } from './support/raw-agent';
import { dbKinds, openTestDb, type TestDb } from './support/test-db';

/*
 * A coordinator killed with SIGKILL in the middle of a batch on PostgreSQL: claims it committed
 * but never sent are released when the agent says hello again (hello lists what it holds), or by
 * the restarted transitioner for a host that never comes back, so no WU waits out its deadline.
 */
const withPostgres = dbKinds().includes('postgres');
const procs: Watched[] = [];
let testDb: TestDb | null = null;

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await testDb?.drop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const POLICY = { trustStreak: 1000, trustMaxErrorRate: 0, spotCheckRate: 1, maxSoloPerCore: 1 };
const host = (hostId: string, ownerId: string) => ({ hostId, ownerId, kernels: ['bench.hash@1'], gpu: false, memoryMb: 4096 });

describe.skipIf(!withPostgres)('coordinator SIGKILL mid-claim on PostgreSQL', () => {
  it('strands nothing past the agent\'s hello, and the restart releases claims never sent', async () => {
    testDb = await openTestDb('postgres');
    const db = testDb.db;
    const port = await freePort();
    // Grace long enough that only the hello can release the agent's lost claims in this test.
    const env = { NFL_GRID_UNDELIVERED_GRACE_MS: '60000' };
    let coord = await startCoordinatorProcess({ databaseUrl: testDb.url, port, env });
    procs.push(coord);
    const admin = apiClient(coord.url, readFileSync(join(coord.dataDir, 'admin-key'), 'utf8').trim());
    const researcher = await admin.post('/api/v1/users', { name: 'rita', role: 'researcher' });
    const volunteers = [];
    for (const name of ['vera', 'gus', 'otto']) {
      const v = await admin.post('/api/v1/users', { name, role: 'volunteer' });
      volunteers.push({ id: v.body.user.id as string, token: (await apiClient(coord.url, v.body.apiKey).post('/api/v1/enrollment-tokens', {})).body.token as string });
    }
    const agent = startAgent({ coordinator: coord.url, token: volunteers[0]!.token, name: 'vera-agent' });
    procs.push(agent);
    const hostId = (await agent.waitFor(/agent ready host=([0-9a-f-]{36})/, 60_000))[1]!;
    // A host of another volunteer that enrolled and is gone for good.
    const gone = await enrollRaw(coord.url, volunteers[1]!.token, 'gone');
    // A second agent: a host may not take a WU it once held again, so released WUs go elsewhere.
    const other = startAgent({ coordinator: coord.url, token: volunteers[2]!.token, name: 'otto-agent' });
    procs.push(other);
    await other.waitFor(/agent ready host=/, 60_000);

    const api = apiClient(coord.url, researcher.body.apiKey);
    const submit = await api.post('/api/v1/batches', {
      name: 'crash', kernel: 'bench.hash', params: { rounds: 2_000_000, steps: 2 }, replicates: 150,
      policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 3600 },
    });
    expect(submit.status).toBe(201);
    const batchId = submit.body.batchId as string;
    await eventually(async () => {
      const [r] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM replicas WHERE host_id = ${hostId} AND state = 'reported'`);
      return r!.n >= 10;
    }, 60_000, 'the agent busy with the batch');

    // The claims the coordinator committed just before it died, never sent: one for the agent,
    // one for the host that is gone (made older than the grace, as after a long outage).
    const lost = await claimWork(db, host(hostId, volunteers[0]!.id), 5, POLICY);
    const lostGone = await claimWork(db, host(gone.hostId, volunteers[1]!.id), 3, POLICY);
    expect(lost).toHaveLength(5);
    expect(lostGone).toHaveLength(3);
    await db.rows(sql`UPDATE replicas SET sent_at = now() - interval '10 minutes' WHERE host_id = ${gone.hostId}`);
    await coord.kill('SIGKILL');
    const killedAt = Date.now();

    coord = await startCoordinatorProcess({ databaseUrl: testDb.url, port, env, dataDir: coord.dataDir });
    procs.push(coord);
    await agent.waitFor(/session resumed host=/, 60_000);
    // The hello released the agent's lost claims before the welcome went out.
    const ids = lost.map((c) => c.replica_id);
    const afterHello = await db.rows<{ state: string; error_code: string }>(sql`SELECT state::text, error_code FROM replicas WHERE id = ANY(${`{${ids.join(',')}}`}::int8[])`);
    expect(afterHello).toEqual(ids.map(() => ({ state: 'abandoned', error_code: 'not_held' })));
    // The gone host's, by the restarted transitioner.
    const goneIds = lostGone.map((c) => c.replica_id);
    await eventually(async () => {
      const rows = await db.rows<{ state: string; error_code: string }>(sql`SELECT state::text, error_code FROM replicas WHERE id = ANY(${`{${goneIds.join(',')}}`}::int8[])`);
      return rows.every((r) => r.state === 'abandoned' && r.error_code === 'undelivered');
    }, 20_000, 'undelivered claims released');

    // Whatever else the kill left in flight: the batch finishes long before any deadline.
    await eventually(async () => (await api.get(`/api/v1/batches/${batchId}`)).body.state === 'done', 120_000, 'batch done');
    const elapsed = (Date.now() - killedAt) / 1000;
    const [counts] = await db.rows<{ done: number; running: number; in_progress: number; released: number }>(sql`
      SELECT (SELECT count(*)::int FROM work_units WHERE batch_id = ${batchId} AND state = 'done') AS done,
             (SELECT count(*)::int FROM work_units WHERE state = 'running') AS running,
             (SELECT count(*)::int FROM replicas WHERE state = 'in_progress') AS in_progress,
             (SELECT count(*)::int FROM replicas WHERE state = 'abandoned') AS released`);
    console.log(`SIGKILL mid-batch: batch done ${elapsed.toFixed(1)} s after the kill (deadline 3600 s); ${counts!.released} replicas released`);
    expect(counts).toMatchObject({ done: 150, running: 0, in_progress: 0 });
    expect(elapsed).toBeLessThan(600);
  }, 240_000);
});

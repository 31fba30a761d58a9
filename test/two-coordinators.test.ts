import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, eventually } from './support/api-client';
import { startAgent, startCoordinatorProcess, type Watched } from './support/processes';
import { openTestDb, dbKinds, type TestDb } from './support/test-db';

/*
 * Two coordinator processes on one Postgres database, agents split between them: the queue,
 * validation and credit stay correct (SKIP LOCKED claims, NOTIFY wake-ups, relayed cancels).
 */
const withPostgres = dbKinds().includes('postgres');
const procs: Watched[] = [];
let testDb: TestDb | null = null;

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await testDb?.drop();
});

describe.skipIf(!withPostgres)('two coordinators on one Postgres', () => {
  it('runs a 50-WU quorum-2 batch with agents on both coordinators', async () => {
    testDb = await openTestDb('postgres');
    const one = await startCoordinatorProcess({ databaseUrl: testDb.url });
    procs.push(one);
    const two = await startCoordinatorProcess({ databaseUrl: testDb.url });
    procs.push(two);
    const adminKey = readFileSync(join(one.dataDir, 'admin-key'), 'utf8').trim();
    const admin1 = apiClient(one.url, adminKey);
    const admin2 = apiClient(two.url, adminKey);

    const researcher = await admin1.post('/api/v1/users', { name: 'dana', role: 'researcher' });
    expect(researcher.status).toBe(201);
    const agents = [];
    for (const [i, coord] of [one, two, two].entries()) {
      const vol = await admin1.post('/api/v1/users', { name: `vol-${i}`, role: 'volunteer' });
      const tok = await apiClient(coord.url, vol.body.apiKey).post('/api/v1/enrollment-tokens', {});
      const a = startAgent({ coordinator: coord.url, token: tok.body.token, name: `agent-${i}` });
      procs.push(a);
      await a.waitFor(/agent ready host=/, 60_000);
      agents.push(a);
    }
    // Submitted through the second coordinator; the first one's agent learns of it by NOTIFY.
    const api = apiClient(two.url, researcher.body.apiKey);
    const submit = await api.post('/api/v1/batches', {
      name: 'two coordinators', kernel: 'mc.season', seed: 5, params: { nSims: 200, simsPerStep: 100 },
      grid: { season: Array.from({ length: 25 }, (_, i) => 2000 + i) }, replicates: 2, policy: { minQuorum: 2, delayBoundSeconds: 300, adaptive: false },
    });
    expect(submit.status).toBe(201);
    const batchId = submit.body.batchId;
    await eventually(async () => (await apiClient(one.url, researcher.body.apiKey).get(`/api/v1/batches/${batchId}`)).body.state === 'done', 180_000, 'batch done');

    const db = testDb.db;
    const [counts] = await db.rows<{ done: number; results: number; ledger: number; valid: number }>(sql`
      SELECT (SELECT count(*)::int FROM work_units WHERE batch_id = ${batchId} AND state = 'done') AS done,
             (SELECT count(*)::int FROM science_results WHERE batch_id = ${batchId}) AS results,
             (SELECT count(*)::int FROM credit_ledger) AS ledger,
             (SELECT count(*)::int FROM replicas WHERE validate_state = 'valid') AS valid`);
    expect(counts.done).toBe(50);
    expect(counts.results).toBe(50);
    expect(counts.ledger).toBe(counts.valid);
    const dup = await db.rows(sql`SELECT wu_id, owner_id FROM replicas GROUP BY wu_id, owner_id HAVING count(*) > 1`);
    expect(dup).toEqual([]);
    // Both coordinators' agents did work.
    const perHost = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM replicas WHERE state = 'reported' GROUP BY host_id`);
    expect(perHost).toHaveLength(3);
    expect((await admin2.get('/api/v1/queue')).status).toBe(200);
    for (const a of agents) expect(a.proc.exitCode).toBeNull();
  }, 300_000);
});

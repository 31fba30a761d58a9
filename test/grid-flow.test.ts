import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { readStatus } from '../agent/src/status/status-file';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * Whole-grid flows on real processes: an in-process coordinator (real HTTP and websocket server
 * on 127.0.0.1, real database) and nfl-agent child processes doing real kernels on real data.
 */

const season = getKernel('mc.season@1');

function expectedOutput(params: Record<string, unknown>, seed: number): unknown {
  const p = season.paramsSchema.parse(params);
  const data = loadLocalKernelData(DEFAULT_DATA_DIR, datasetClosure(season.datasets(p)));
  return runKernelSync(season, p, seed, data);
}

let grid: TestGrid | null = null;
afterEach(async () => {
  await grid?.stop();
  grid = null;
});

describe.each(dbKinds())('grid flow on %s', (kind) => {
  it('runs a 50-WU quorum-2 batch on three agents: validated, credited, done, downloadable', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('alice', 'researcher');
    const agents = await Promise.all(['vol-a', 'vol-b', 'vol-c'].map((n) => grid!.volunteerAgent(n)));

    const seasons = Array.from({ length: 25 }, (_, i) => 2000 + i);
    const submit = await researcher.api.post('/api/v1/batches', {
      name: 'season odds 2000-2024', kernel: 'mc.season', seed: 42,
      params: { nSims: 200, simsPerStep: 100 }, grid: { season: seasons }, replicates: 2,
      // Strict quorum: no unreplicated work for hosts that earn trust during the batch.
      policy: { minQuorum: 2, delayBoundSeconds: 300, adaptive: false },
    });
    expect(submit.status).toBe(201);
    expect(submit.body.wuCount).toBe(50);
    const batchId = submit.body.batchId as string;

    const done = await eventually(async () => {
      const b = await researcher.api.get(`/api/v1/batches/${batchId}`);
      return b.body.state === 'done' ? b.body : null;
    }, 120_000, 'batch done');
    expect(done.state).toBe('done');

    const db = grid.testDb.db;
    const [wus] = await db.rows<{ done: number; total: number }>(sql`
      SELECT count(*) FILTER (WHERE state = 'done')::int AS done, count(*)::int AS total FROM work_units WHERE batch_id = ${batchId}`);
    expect(wus).toEqual({ done: 50, total: 50 });

    // Every WU was cross-checked by two replicas on two different volunteers.
    const quorum = await db.rows<{ wu_id: number; owners: number }>(sql`
      SELECT r.wu_id, count(DISTINCT r.owner_id)::int AS owners FROM replicas r JOIN work_units w ON w.id = r.wu_id
       WHERE w.batch_id = ${batchId} AND r.validate_state = 'valid' GROUP BY r.wu_id`);
    expect(quorum).toHaveLength(50);
    expect(quorum.every((q) => q.owners >= 2)).toBe(true);

    // Credit: one ledger row per valid replica; host totals are the ledger's sums.
    const [ledger] = await db.rows<{ n: number; valid: number }>(sql`
      SELECT (SELECT count(*)::int FROM credit_ledger) AS n,
             (SELECT count(*)::int FROM replicas WHERE validate_state = 'valid') AS valid`);
    expect(ledger.n).toBe(ledger.valid);
    const hosts = await db.rows<{ id: string; total_credit: number; ledger: number }>(sql`
      SELECT h.id, h.total_credit, coalesce((SELECT sum(granted) FROM credit_ledger l WHERE l.host_id = h.id), 0) AS ledger FROM hosts h`);
    expect(hosts).toHaveLength(3);
    for (const h of hosts) expect(h.total_credit).toBeCloseTo(h.ledger, 9);
    expect(hosts.reduce((s, h) => s + h.total_credit, 0)).toBeGreaterThan(0);
    // Each agent was told its verdicts: its status shows the credit its ledger rows hold.
    for (const a of agents) {
      const [mine] = await db.rows<{ n: number; granted: number }>(sql`
        SELECT count(*)::int AS n, coalesce(sum(granted), 0)::float8 AS granted FROM credit_ledger WHERE host_id = ${a.hostId}`);
      const status = await eventually(async () => {
        const st = await readStatus(a.dataDir);
        return st && st.credit.valid === mine!.n ? st : null;
      }, 30_000, `status of ${a.hostId} shows ${mine!.n} valid results`);
      expect(status.credit.granted).toBeCloseTo(mine!.granted, 6);
      expect(status.credit.invalid).toBe(0);
    }

    // The researcher downloads the validated outputs, and they are what the kernel computes.
    const results = await researcher.api.get(`/api/v1/batches/${batchId}/results?format=json`);
    expect(results.status).toBe(200);
    const rows = (Array.isArray(results.body) ? results.body : results.body.results) as { params: any; output: any; seed?: number; wuId?: number }[];
    expect(rows).toHaveLength(50);
    const wuSeeds = new Map((await db.rows<{ seq: number; seed: number; params: any }>(sql`SELECT seq, seed, params FROM work_units WHERE batch_id = ${batchId} ORDER BY seq`)).map((w) => [w.seq, w]));
    for (const seq of [0, 17, 49]) {
      const w = wuSeeds.get(seq)!;
      const [sr] = await db.rows<{ output: unknown }>(sql`SELECT output FROM science_results WHERE batch_id = ${batchId} AND seq = ${seq}`);
      expect(season.compare(sr!.output, expectedOutput(w.params, w.seed))).toBe(true);
    }
    const csv = await researcher.api.get(`/api/v1/batches/${batchId}/results?format=csv&shape=wide`);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n')).toHaveLength(51);
    // The long form: a row per work unit × team.
    const long = await researcher.api.get(`/api/v1/batches/${batchId}/results?format=csv`);
    const teams = rows.reduce((s, r) => s + (r.output.teams as unknown[]).length, 0);
    expect(long.text.trim().split('\n')).toHaveLength(1 + teams);
    expect(long.text.split('\r\n')[0]).toMatch(/,item,index,.*teams\.meanWins/);

    for (const a of agents) expect(a.proc.exitCode).toBeNull();
  }, 240_000);

  it('catches an agent that returns wrong outputs: invalid, no credit, trust lost, canonical outputs right', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('bob', 'researcher');
    // The cheater connects first so it certainly takes part.
    const cheater = await grid.volunteerAgent('mallory', { env: { NFL_AGENT_FAULT: 'wrong-output' } });
    const submit = await researcher.api.post('/api/v1/batches', {
      name: 'cheat check', kernel: 'mc.season', seed: 7, params: { nSims: 100, simsPerStep: 50 },
      grid: { season: Array.from({ length: 20 }, (_, i) => 2004 + i) }, policy: { minQuorum: 2, delayBoundSeconds: 300 },
    });
    expect(submit.status).toBe(201);
    await cheater.waitFor(/work packet verified/, 60_000);
    await Promise.all(['honest-a', 'honest-b'].map((n) => grid!.volunteerAgent(n)));
    const batchId = submit.body.batchId as string;
    await eventually(async () => (await researcher.api.get(`/api/v1/batches/${batchId}`)).body.state === 'done', 180_000, 'batch done');

    const db = grid.testDb.db;
    const cheats = await db.rows<{ validate_state: string }>(sql`
      SELECT validate_state FROM replicas WHERE host_id = ${cheater.hostId} AND state = 'reported'`);
    expect(cheats.length).toBeGreaterThan(0);
    expect(cheats.every((r) => r.validate_state === 'invalid')).toBe(true);
    const [credit] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM credit_ledger WHERE host_id = ${cheater.hostId}`);
    expect(credit.n).toBe(0);
    const [h] = await db.rows<{ consecutive_valid: number; error_rate: number; invalid_count: number; total_credit: number }>(sql`
      SELECT consecutive_valid, error_rate, invalid_count, total_credit FROM hosts WHERE id = ${cheater.hostId}`);
    expect(h.consecutive_valid).toBe(0);
    expect(h.invalid_count).toBe(cheats.length);
    expect(h.error_rate).toBeGreaterThan(0.1);
    expect(h.total_credit).toBe(0);
    const told = await eventually(async () => {
      const st = await readStatus(cheater.dataDir);
      return st && st.credit.invalid === cheats.length ? st : null;
    }, 30_000, 'the cheater is told its results were invalid');
    expect([told.credit.valid, told.credit.granted]).toEqual([0, 0]);

    const results = await db.rows<{ seq: number; output: unknown; params: any; seed: number }>(sql`
      SELECT s.seq, s.output, w.params, w.seed FROM science_results s JOIN work_units w ON w.id = s.wu_id WHERE s.batch_id = ${batchId} ORDER BY s.seq`);
    expect(results).toHaveLength(20);
    for (const r of results) expect(season.compare(r.output, expectedOutput(r.params, r.seed))).toBe(true);
  }, 240_000);

  it('reissues the work of an agent killed mid-WU after its deadline; nothing is lost', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('carol', 'researcher');
    const doomed = await grid.volunteerAgent('doomed', { intensity: 'high' });
    const submit = await researcher.api.post('/api/v1/batches', {
      // The deadline leaves room for a loaded machine: only the killed agent's replicas may time out.
      name: 'long units', kernel: 'mc.season', seed: 11, params: { season: 2019, nSims: 20000, simsPerStep: 200 },
      replicates: 4, policy: { minQuorum: 2, delayBoundSeconds: 20 },
    });
    expect(submit.status).toBe(201);
    const batchId = submit.body.batchId as string;
    await doomed.waitFor(/running replica=/, 60_000);
    await doomed.kill('SIGKILL');
    const db = grid.testDb.db;
    const held = await db.rows<{ id: number }>(sql`SELECT id FROM replicas WHERE host_id = ${doomed.hostId}`);
    expect(held.length).toBeGreaterThan(0);

    await Promise.all(['rescuer-a', 'rescuer-b'].map((n) => grid!.volunteerAgent(n)));
    await eventually(async () => (await researcher.api.get(`/api/v1/batches/${batchId}`)).body.state === 'done', 180_000, 'batch done');

    const lost = await db.rows<{ state: string }>(sql`SELECT state FROM replicas WHERE host_id = ${doomed.hostId}`);
    expect(lost.every((r) => r.state === 'timed_out')).toBe(true);
    const [wus] = await db.rows<{ done: number }>(sql`SELECT count(*) FILTER (WHERE state = 'done')::int AS done FROM work_units WHERE batch_id = ${batchId}`);
    expect(wus.done).toBe(4);
    const [h] = await db.rows<{ timeout_count: number }>(sql`SELECT timeout_count FROM hosts WHERE id = ${doomed.hostId}`);
    expect(h.timeout_count).toBe(held.length);
  }, 240_000);
});

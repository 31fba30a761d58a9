import { readFile, truncate, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setHostRecord } from './support/grid-fixtures';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { binaryVolunteer, ensureAgentBinary, runBinary, startBinaryAgent, type BinaryAgent } from './agent-harness';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';

/*
 * Checkpoints and resume with the packaged agent against a real coordinator (checkpoint interval
 * 1 s through its config): kill -9 mid-WU and start again (resumes from the local checkpoint);
 * a damaged checkpoint (restarts cleanly); `quit --abandon` (checkpoints, uploads, gives the
 * replica back, and the reissued replica is finished elsewhere with the same output, resumed from
 * the signed checkpoint of a trusted host, beside a from-scratch replica of its quorum).
 */

const season = getKernel('mc.season@1');
const PARAMS = { season: 2015, nSims: 200_000, simsPerStep: 2000 };
const SEED = 42;
const uninterruptedBySeed = new Map<number, unknown>();

/** What runKernelSync computes for the WU's own seed (the batch seed is expanded per WU). */
function uninterrupted(seed: number): unknown {
  if (!uninterruptedBySeed.has(seed)) {
    const p = season.paramsSchema.parse(PARAMS);
    uninterruptedBySeed.set(seed, runKernelSync(season, p, seed, loadLocalKernelData(DEFAULT_DATA_DIR, datasetClosure(season.datasets(p)))));
  }
  return uninterruptedBySeed.get(seed);
}

let grid: TestGrid | null = null;
const agents: BinaryAgent[] = [];
beforeAll(async () => {
  await ensureAgentBinary();
}, 300_000);
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

async function submitOne(g: TestGrid, minQuorum = 1): Promise<string> {
  const researcher = await g.createUser(`res-${Math.random().toString(36).slice(2, 7)}`, 'researcher');
  const r = await researcher.api.post('/api/v1/batches', {
    name: 'long season', kernel: 'mc.season@1', seed: SEED, params: PARAMS, policy: { minQuorum, adaptive: false, delayBoundSeconds: 900 },
  });
  expect(r.status).toBe(201);
  return r.body.batchId as string;
}

/** Waits for the batch's one WU to be done; returns its canonical output and what it should be. */
async function outputs(g: TestGrid, batchId: string): Promise<{ got: unknown; want: unknown }> {
  const db = g.testDb.db;
  await eventually(async () => {
    const [w] = await db.rows<{ state: string }>(sql`SELECT state FROM work_units WHERE batch_id = ${batchId}`);
    return w?.state === 'done';
  }, 240_000, 'work unit done');
  const [row] = await db.rows<{ output: unknown; seed: number }>(sql`
    SELECT r.output, w.seed FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.batch_id = ${batchId}`);
  return { got: row!.output, want: uninterrupted(Number(row!.seed)) };
}

/** Starts a volunteer at low intensity and waits for a checkpoint past step 0 of its replica. */
async function agentWithCheckpoint(g: TestGrid, name: string, minQuorum = 1) {
  const batchId = await submitOne(g, minQuorum);
  const agent = await binaryVolunteer(g, name, { intensity: 'low' });
  agents.push(agent);
  const m = await agent.waitFor(/checkpoint saved replica=(\d+) step=([1-9]\d*)/, 120_000);
  return { agent, batchId, replicaId: Number(m[1]), savedStep: Number(m[2]) };
}

describe('packaged agent checkpoints', () => {
  it('kill -9 mid-WU, start again: resumes from the checkpoint, and the output equals an uninterrupted run', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1' });
    const { agent, batchId, replicaId, savedStep } = await agentWithCheckpoint(grid, 'crashy');
    await agent.kill('SIGKILL');
    expect(agent.lines.join('\n')).not.toMatch(new RegExp(`finished replica=${replicaId}`));

    const again = startBinaryAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'high', name: 'crashy-again' });
    agents.push(again);
    const m = await again.waitFor(new RegExp(`resumed replica=${replicaId} from step=(\\d+)`), 120_000);
    const resumedAt = Number(m[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeGreaterThanOrEqual(savedStep);
    expect(again.lines.join('\n')).toMatch(/restored 1 work items from an earlier run/);

    const { got, want } = await outputs(grid, batchId);
    expect(got).toEqual(want);
    await again.waitFor(new RegExp(`finished replica=${replicaId} steps=100`), 30_000);
  }, 420_000);

  it('a damaged checkpoint is detected by its hash: the WU restarts from step 0 and still ends right', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1' });
    const { agent, batchId, replicaId } = await agentWithCheckpoint(grid, 'damaged');
    await agent.kill('SIGKILL');
    const file = join(agent.dataDir, 'checkpoints', `${replicaId}.ckpt`);
    const bytes = await readFile(file);
    await truncate(file, bytes.length - 7);
    expect((await stat(file)).size).toBe(bytes.length - 7);

    const again = startBinaryAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'high', name: 'damaged-again' });
    agents.push(again);
    await again.waitFor(new RegExp(`checkpoint of replica=${replicaId} is corrupt \\(payload is \\d+ bytes, header says \\d+ \\(truncated\\?\\)\\); starting from step 0`), 120_000);
    const { got, want } = await outputs(grid, batchId);
    expect(got).toEqual(want);
    expect(again.lines.join('\n')).not.toMatch(new RegExp(`resumed replica=${replicaId}`));
    expect(again.proc.exitCode).toBeNull();
  }, 420_000);

  it('quit --abandon checkpoints, uploads, gives the replica back; another host finishes it with the same output', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1' });
    // Quorum 2: a checkpoint is never handed to the only replica a quorum still needs, since one
    // result of every quorum is computed from scratch.
    const { agent, batchId, replicaId } = await agentWithCheckpoint(grid, 'leaver', 2);
    // Only a trusted host's checkpoint is handed on: give the leaver a long valid record.
    await setHostRecord(grid.testDb.db, agent.hostId, { consecutiveValid: 20, errorRate: 0.01 }, 'mc');
    // (Ctrl+C/SIGTERM keep the replica for this host: test/agent-suspend.test.ts.)
    expect(await runBinary(['quit', '--abandon', '--data-dir', agent.dataDir])).toMatchObject({ code: 0 });
    expect(await agent.exited).toBe(0);
    const log = agent.lines.join('\n');
    const stopped = Number(new RegExp(`stopped replica=${replicaId} at step (\\d+) \\(agent stopping; checkpoint kept\\)`).exec(log)?.[1]);
    expect(stopped).toBeGreaterThan(0);
    expect(log).toMatch(new RegExp(`agent stopped host=\\S+ suspended=- abandoned=${replicaId} `));

    const db = grid.testDb.db;
    const [r] = await db.rows<{ state: string }>(sql`SELECT state FROM replicas WHERE id = ${replicaId}`);
    expect(r!.state).toBe('abandoned');
    const [cp] = await db.rows<{ step: number; sha256: string }>(sql`SELECT step, sha256 FROM checkpoints cp JOIN replicas r ON r.wu_id = cp.wu_id WHERE r.id = ${replicaId}`);
    expect(cp!.step).toBe(stopped);

    const rescuer = await binaryVolunteer(grid, 'rescuer', { intensity: 'high' });
    agents.push(rescuer);
    // The reissued replica carries resumeFrom; with GET /api/v1/checkpoints/:wuId mounted the
    // rescuer resumes from the uploaded checkpoint, otherwise it says why and starts at 0.
    const mounted = (await fetch(`${grid.url}/api/v1/checkpoints/1`)).status !== 404;
    const resumed = rescuer.waitFor(new RegExp(`resumed replica=\\d+ from step=${stopped} .*coordinator checkpoint`), 120_000);
    const refused = rescuer.waitFor(/no usable checkpoint from the coordinator .*HTTP 404/, 120_000);
    resumed.catch(() => undefined);
    refused.catch(() => undefined);
    await (mounted ? resumed : refused);
    // The quorum's other replica, from scratch.
    const scratch = await binaryVolunteer(grid, 'scratch', { intensity: 'high' });
    agents.push(scratch);
    const { got, want } = await outputs(grid, batchId);
    expect(got).toEqual(want);
    if (mounted) {
      // Both count: the resumed replica (its maker trusted) beside the from-scratch one, which is canonical.
      const rows = await db.rows<{ host_id: string; validate_state: string; resumed: boolean; canonical: boolean }>(sql`
        SELECT r.host_id, r.validate_state, r.resumed_from IS NOT NULL AS resumed, w.canonical_replica_id = r.id AS canonical
          FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batchId} AND r.state = 'reported' ORDER BY r.id`);
      expect(rows).toEqual([
        { host_id: rescuer.hostId, validate_state: 'valid', resumed: true, canonical: false },
        { host_id: scratch.hostId, validate_state: 'valid', resumed: false, canonical: true },
      ]);
    }
  }, 420_000);
});

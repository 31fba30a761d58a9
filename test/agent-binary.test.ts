import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { datasetClosure, listDatasets } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { AGENT_VERSION } from '../agent/src/config';
import { AGENT_BINARY, binaryVolunteer, ensureAgentBinary, runBinary, startBinaryAgent, type BinaryAgent } from './agent-harness';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { tempDir } from './support/processes';
import { reportedTraining, submitTraining, uninterruptedTraining, validatedTraining } from './support/train-wu';

/*
 * The packaged agent (dist/nfl-agent, a Node single executable) as a volunteer runs it: from an
 * empty folder with no Node on PATH and no node_modules, against a real coordinator on 127.0.0.1
 * (in-process, PGlite), doing real kernels on real data with worker threads, and training a
 * network with the TensorFlow.js it carries (bundled, with its .wasm files as assets).
 */

const season = getKernel('mc.season@1');
const expected = (params: Record<string, unknown>, seed: number) => {
  const p = season.paramsSchema.parse(params);
  return runKernelSync(season, p, seed, loadLocalKernelData(DEFAULT_DATA_DIR, datasetClosure(season.datasets(p))));
};

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

describe('dist/nfl-agent (single executable)', () => {
  it('prints its version and help without Node or node_modules', async () => {
    const v = await runBinary(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `nfl-agent ${AGENT_VERSION}\n` });
    const verbose = await runBinary(['--version', '--verbose']);
    expect(verbose.stdout).toContain('single executable');
    expect(verbose.stdout).toMatch(new RegExp(`data {6}${listDatasets().length} datasets indexed`));
    const help = await runBinary(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('nfl-agent status');
    const bad = await runBinary(['--intensity']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^nfl-agent: /);
    expect((await stat('dist/nfl-agent')).size).toBeGreaterThan(10_000_000);
  }, 60_000);

  it('enrolls, completes real work units, shows its status, then finishes and exits on request', async () => {
    grid = await startTestGrid('pglite');
    const researcher = await grid.createUser('rhea', 'researcher');
    const agent = await binaryVolunteer(grid, 'packed', { intensity: 'high' });
    agents.push(agent);

    const params = { nSims: 2000, simsPerStep: 200 };
    const submit = await researcher.api.post('/api/v1/batches', {
      name: 'binary seasons', kernel: 'mc.season', seed: 5, params, grid: { season: [2012, 2016, 2020] },
      policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 600 },
    });
    expect(submit.status).toBe(201);
    const batchId = submit.body.batchId as string;

    // While it works: `nfl-agent status` reads the state file, no coordinator needed.
    await agent.waitFor(/running replica=\d+/, 60_000);
    // Sensors are read in the background (systeminformation): wait for the first reading.
    const st = await eventually(async () => {
      const r = await runBinary(['status', '--data-dir', agent.dataDir]);
      return /sensors +CPU/.test(r.stdout) ? r : null;
    }, 30_000, 'status with sensor readings');
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/running \(pid \d+\)/);
    expect(st.stdout).toMatch(/intensity +high · \d+ threads? × 100% duty = 100% of the CPU/);
    expect(st.stdout).toMatch(/sensors +CPU (missing|\d+ °C, load \d+%|missing temp, load \d+%)/);
    const json = JSON.parse((await runBinary(['status', '--data-dir', agent.dataDir, '--json'])).stdout);
    expect(json).toMatchObject({ running: true, packaged: true, hostId: agent.hostId, intensity: { chosen: 'high' } });

    // Intensity at run time: a signal on the machine, then the owner in the console (`config`).
    agent.proc.kill('SIGUSR2');
    await agent.waitFor(/SIGUSR2: intensity high -> medium/, 30_000);
    const patched = await agent.api.patch(`/api/v1/hosts/${agent.hostId}`, { intensity: 'low' });
    expect(patched.status).toBe(200);
    await agent.waitFor(/config intensity=low/, 30_000);
    await eventually(async () => JSON.parse((await runBinary(['status', '--data-dir', agent.dataDir, '--json'])).stdout).intensity.chosen === 'low', 30_000, 'status shows low');
    agent.proc.kill('SIGUSR1');
    await agent.waitFor(/SIGUSR1: intensity low -> medium/, 30_000);

    await eventually(async () => (await researcher.api.get(`/api/v1/batches/${batchId}`)).body.state === 'done', 180_000, 'batch done');
    const db = grid.testDb.db;
    const rows = await db.rows<{ params: Record<string, unknown>; seed: number; output: unknown; host_id: string }>(sql`
      SELECT w.params, w.seed, r.output, r.host_id FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.batch_id = ${batchId}`);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.host_id).toBe(agent.hostId);
      expect(r.output).toEqual(expected(r.params, r.seed));
    }
    await agent.waitFor(/results acknowledged accepted=/, 30_000);

    // `finish --exit`: nothing is in hand any more, so it stops at once, cleanly.
    const fin = await runBinary(['finish', '--exit', '--data-dir', agent.dataDir]);
    expect(fin.stdout).toMatch(/is finishing \d+ work units? in hand and asks for no more; then it stops/);
    expect(await agent.exited).toBe(0);
    expect(agent.lines.join('\n')).toMatch(/agent stopped host=/);
    const after = await runBinary(['status', '--data-dir', agent.dataDir]);
    expect(after.stdout).toMatch(/not running \(last seen pid \d+\)/);
    expect(after.stdout).toMatch(/credit +\d+\.\d+ granted for \d+ valid results \(0 invalid\) · \d+\.\d+ claimed for 3 accepted/);
  }, 300_000);

  it('trains train.mlp on the wasm backend it carries, is killed after an epoch, resumes and reports the uninterrupted output', async () => {
    // A copy in a folder of its own: no node_modules anywhere above it to fall back on.
    const binary = join(tempDir('bin'), 'nfl-agent');
    await copyFile(AGENT_BINARY, binary);
    grid = await startTestGrid('pglite');
    const batchId = await submitTraining(grid, 11);
    const agent = await binaryVolunteer(grid, 'packed-trainer', { intensity: 'low', binary });
    agents.push(agent);
    expect((await readdir(join(agent.dataDir, 'wasm'))).sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
    const trains = await agent.waitFor(/replica=(\d+) trains on the TensorFlow\.js backend (\S+)/, 120_000);
    const replicaId = Number(trains[1]);
    expect(trains[2]).toBe('wasm');
    const saved = await agent.waitFor(new RegExp(`checkpoint saved replica=${replicaId} step=([1-9]\\d*)`), 120_000);
    await agent.kill('SIGKILL');
    expect(agent.lines.join('\n')).not.toMatch(new RegExp(`finished replica=${replicaId}`));

    const again = startBinaryAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'inferno', name: 'packed-trainer-again', binary });
    agents.push(again);
    const m = await again.waitFor(new RegExp(`resumed replica=${replicaId} from step=(\\d+)`), 120_000);
    expect(Number(m[1])).toBeGreaterThanOrEqual(Number(saved[1]));
    // At inferno the binary, which carries no tfjs-node-gpu, trains on wasm again.
    await again.waitFor(new RegExp(`replica=${replicaId} trains on the TensorFlow\\.js backend wasm`), 10_000);

    const got = await reportedTraining(grid, batchId);
    expect(got).toMatchObject({ replicaId, hostId: agent.hostId, hostBackend: 'wasm' });
    expect(got.output.backends).toEqual(['wasm']);
    expect(got.output).toEqual(await uninterruptedTraining(got.seed));
    expect(await validatedTraining(grid, batchId)).toEqual({ canonical: replicaId, validateState: 'valid' });
  }, 300_000);
});

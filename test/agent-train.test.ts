import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Watched } from './support/processes';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { reportedTraining, submitTraining, uninterruptedTraining, validatedTraining } from './support/train-wu';

/*
 * A real agent process (bin/nfl-agent.mjs) trains a small train.mlp@1 WU against a real
 * coordinator on 127.0.0.1 (in-process, PGlite): its kernel worker loads the TensorFlow.js
 * backend itself and says which; it checkpoints after every epoch, is killed with SIGKILL after
 * one, and a restart on the same data folder resumes from it. The result equals an uninterrupted
 * run on the same backend and validates; the backend in `hello`, the worker's and the output's agree.
 */

let grid: TestGrid | null = null;
const agents: Watched[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

describe('training through the grid (agent from source)', () => {
  it('trains, is killed after an epoch checkpoint, resumes from it, and reports the uninterrupted output', async () => {
    grid = await startTestGrid('pglite');
    const batchId = await submitTraining(grid);
    // low: a quarter duty cycle, so the epochs are spread out and the kill lands mid-run.
    const agent = await grid.volunteerAgent('trainer', { intensity: 'low' });
    agents.push(agent);
    const trains = await agent.waitFor(/replica=(\d+) trains on the TensorFlow\.js backend (\S+)/, 120_000);
    const replicaId = Number(trains[1]);
    expect(trains[2]).toBe('wasm');
    const saved = await agent.waitFor(new RegExp(`checkpoint saved replica=${replicaId} step=([1-9]\\d*)`), 120_000);
    await agent.kill('SIGKILL');
    expect(agent.lines.join('\n')).not.toMatch(new RegExp(`finished replica=${replicaId}`));

    const again = startAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'inferno', name: 'trainer-again' });
    agents.push(again);
    const m = await again.waitFor(new RegExp(`resumed replica=${replicaId} from step=(\\d+)`), 120_000);
    expect(Number(m[1])).toBeGreaterThanOrEqual(Number(saved[1]));
    // At inferno tfjs-node-gpu is tried first; it is not installed here, so wasm again.
    await again.waitFor(new RegExp(`replica=${replicaId} trains on the TensorFlow\\.js backend wasm`), 10_000);

    const got = await reportedTraining(grid, batchId);
    expect(got.replicaId).toBe(replicaId);
    expect(got.hostId).toBe(agent.hostId);
    expect(got.hostBackend).toBe('wasm');
    expect(got.output.backends).toEqual(['wasm']);
    expect(got.resultBackend).toBe('wasm');
    expect(got.output).toEqual(await uninterruptedTraining(got.seed));
    expect(await validatedTraining(grid, batchId)).toEqual({ canonical: replicaId, validateState: 'valid' });
  }, 360_000);
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { AGENT_BIN, startAgent, type Watched } from './support/processes';
import { readStatus } from '../agent/src/status/status-file';

/*
 * Suspend, not abandon, with a real coordinator and real agent processes (checkpoints every
 * second): Ctrl+C at a checkpoint mid-unit keeps the replica with the host, and the next start
 * resumes the SAME replica from its checkpoint and is credited for it; an agent that does not
 * come back within NFL_GRID_SUSPEND_GRACE has its replica handed on; and the running agent obeys
 * `nfl-agent intensity|pause|resume|quit --abandon` without signals.
 */

const exec = promisify(execFile);
const PARAMS = { season: 2015, nSims: 200_000, simsPerStep: 2000 };

let grid: TestGrid | null = null;
const agents: Watched[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

async function submitOne(g: TestGrid, params: Record<string, unknown> = PARAMS): Promise<string> {
  const researcher = await g.createUser(`res-${Math.random().toString(36).slice(2, 7)}`, 'researcher');
  const r = await researcher.api.post('/api/v1/batches', {
    name: 'long season', kernel: 'mc.season@1', seed: 42, params, policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900 },
  });
  expect(r.status).toBe(201);
  return r.body.batchId as string;
}

/** A volunteer agent at low intensity, and its first checkpoint past step 0. */
async function agentAtCheckpoint(g: TestGrid, name: string, params: Record<string, unknown> = PARAMS) {
  const batchId = await submitOne(g, params);
  const agent = await g.volunteerAgent(name, { intensity: 'low' });
  agents.push(agent);
  const m = await agent.waitFor(/checkpoint saved replica=(\d+) step=([1-9]\d*)/, 180_000);
  return { agent, batchId, replicaId: Number(m[1]), savedStep: Number(m[2]) };
}

interface ReplicaRow { state: string; host_id: string; suspended: boolean; held_until_deadline: boolean | null; validate_state: string; granted_credit: number | null }
async function replica(g: TestGrid, id: number): Promise<ReplicaRow> {
  const [r] = await g.testDb.db.rows<ReplicaRow>(sql`
    SELECT state, host_id, suspended_until IS NOT NULL AS suspended, suspended_until <= deadline AS held_until_deadline,
           validate_state, granted_credit FROM replicas WHERE id = ${id}`);
  return r!;
}

/** Runs `nfl-agent <args>` from the source checkout to the end. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [AGENT_BIN, ...args], { timeout: 60_000, env: { ...process.env, NFL_GRID_LOG: 'json' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('Ctrl+C suspends the work in hand instead of abandoning it', () => {
  it('the next start resumes the same replica from its checkpoint step, and it is credited', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1' });
    const { agent, batchId, replicaId, savedStep } = await agentAtCheckpoint(grid, 'sleepy');
    agent.proc.kill('SIGINT'); // what Ctrl+C sends
    expect(await agent.exited).toBe(0);
    const log = agent.lines.join('\n');
    const stoppedAt = Number(new RegExp(`stopped replica=${replicaId} at step (\\d+) \\(agent stopping; checkpoint kept\\)`).exec(log)?.[1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(savedStep);
    expect(log).toMatch(new RegExp(`agent stopped host=\\S+ suspended=${replicaId} abandoned=- `));

    // Kept for this host (default grace: an hour, never past the deadline), not handed on.
    await eventually(async () => (await replica(grid!, replicaId)).suspended, 10_000, 'replica marked suspended');
    expect(await replica(grid, replicaId)).toMatchObject({ state: 'in_progress', host_id: agent.hostId, held_until_deadline: true });
    const others = await grid.testDb.db.rows(sql`
      SELECT r.id FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batchId} AND r.id <> ${replicaId}`);
    expect(others).toEqual([]);

    const again = startAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'high', name: 'sleepy-again' });
    agents.push(again);
    const m = await again.waitFor(new RegExp(`resumed replica=${replicaId} from step=(\\d+)`), 300_000);
    expect(Number(m[1])).toBeGreaterThan(0);
    expect(Number(m[1])).toBeGreaterThanOrEqual(savedStep);
    expect(again.lines.join('\n')).not.toMatch(/dropped by the coordinator/);
    expect((await replica(grid, replicaId)).suspended).toBe(false);

    await eventually(async () => {
      const [w] = await grid!.testDb.db.rows<{ state: string; canonical: number | null }>(sql`
        SELECT state, canonical_replica_id AS canonical FROM work_units WHERE batch_id = ${batchId}`);
      return w?.state === 'done' && Number(w.canonical) === replicaId;
    }, 240_000, 'work unit done by the resumed replica');
    await eventually(async () => ((await replica(grid!, replicaId)).granted_credit ?? 0) > 0, 30_000, 'credit granted');
    expect(await replica(grid, replicaId)).toMatchObject({ state: 'reported', validate_state: 'valid', host_id: agent.hostId });
  }, 600_000);

  it('an agent that does not come back within the grace period has its replica handed on', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1', NFL_GRID_SUSPEND_GRACE: '3' });
    const { agent, batchId, replicaId } = await agentAtCheckpoint(grid, 'gone');
    agent.proc.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    await eventually(async () => (await replica(grid!, replicaId)).state === 'timed_out', 60_000, 'suspended replica timed out after the grace');

    // Handed on: another volunteer gets a new replica of the same work unit.
    const other = await grid.volunteerAgent('other', { intensity: 'high' });
    agents.push(other);
    const m = await other.waitFor(/running replica=(\d+) wu=(\d+)/, 120_000);
    expect(Number(m[1])).not.toBe(replicaId);
    const [wu] = await grid.testDb.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${batchId}`);
    expect(Number(m[2])).toBe(Number(wu!.id));
  }, 600_000);
});

describe('nfl-agent intensity, pause, resume and quit --abandon talk to the running agent', () => {
  it('each command shows in the agent\'s status; quit --abandon hands the work on at once', async () => {
    grid = await startTestGrid('pglite', { NFL_GRID_CHECKPOINT_S: '1' });
    // a unit long enough to be still in hand at the quit, on a quiet machine too
    const { agent, replicaId } = await agentAtCheckpoint(grid, 'remote', { ...PARAMS, nSims: 500_000 });
    const dir = ['--data-dir', agent.dataDir];

    // Paused first, so the unit is still in hand for every command after it.
    const pause = await cli(['pause', ...dir]);
    expect(pause).toMatchObject({ code: 0 });
    expect(pause.stdout).toMatch(/is paused: 1 work unit in hand suspended/);
    await eventually(async () => (await readStatus(agent.dataDir))!.items[0]?.state === 'suspended', 10_000, 'unit suspended');
    const shown = await cli(['status', ...dir]);
    expect(shown.stdout).toMatch(/state +paused: by the volunteer/);
    expect(shown.stdout).not.toContain('work loop idle');

    const up = await cli(['intensity', 'medium', ...dir]);
    expect(up).toMatchObject({ code: 0 });
    expect(up.stdout).toMatch(/runs at intensity medium now/);
    expect((await readStatus(agent.dataDir))!.intensity.chosen).toBe('medium');
    expect(await cli(['intensity', 'volcanic', ...dir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/low, medium, high, inferno, not "volcanic"/) });

    expect(await cli(['resume', ...dir])).toMatchObject({ code: 0, stdout: expect.stringMatching(/resumed/) });
    await eventually(async () => (await readStatus(agent.dataDir))!.items[0]?.state === 'running', 10_000, 'unit running again');

    // Paused again so the unit is still in hand when the quit comes (on a quiet machine it would
    // otherwise finish first).
    expect(await cli(['pause', ...dir])).toMatchObject({ code: 0 });
    const quit = await cli(['quit', '--abandon', ...dir]);
    expect(quit).toMatchObject({ code: 0 });
    // how many it lists depends on when the status was written; which one went back, the log says
    expect(quit.stdout).toMatch(/stopped and gave back \d+ work units?/);
    expect(await agent.exited).toBe(0);
    // the agent may hold a second unit too: the one watched is among those given back
    expect(agent.lines.join('\n')).toMatch(new RegExp(`agent stopped host=\\S+ suspended=- abandoned=(\\d+,)*${replicaId}(,\\d+)* `));
    expect(await replica(grid, replicaId)).toMatchObject({ state: 'abandoned', suspended: false });
    expect(await cli(['pause', ...dir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no agent is running/) });
  }, 600_000);
});

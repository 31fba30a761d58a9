import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { startAgent } from './support/processes';
import { dbKinds } from './support/test-db';
import { benchSpec } from './support/volunteers';

/*
 * Agent version gating with a real nfl-agent process (it reports 0.1.0): with bench.hash
 * needing 0.2.0 the agent is told to update, logs it, and gets none of that work though it asks;
 * once the minimum is met, the same agent (restarted) finishes the batch.
 */

describe.each(dbKinds())('agent version gate on %s', (kind) => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid(kind, { NFL_GRID_MIN_AGENT_VERSIONS: 'bench.hash=0.2.0', NFL_GRID_NO_WORK_RETRY_MS: '300' });
  }, 120_000);
  afterAll(async () => grid?.stop());

  it('tells an old agent to update and sends it no work of that kernel; a new enough one gets it', async () => {
    const batch = await grid.admin.post('/api/v1/batches', { ...benchSpec({ name: 'gated' }), policy: { minQuorum: 1, targetReplicas: 1 } });
    expect(batch.status).toBe(201);
    const agent = await grid.volunteerAgent('old-timer', { intensity: 'low', env: { NFL_GRID_LOG_LEVEL: 'debug' } });
    const notice = await agent.waitFor(/coordinator error \(agent_outdated\): (nfl-agent 0\.1\.0 is too old[^"]*)/, 30_000);
    expect(notice[1]).toContain('bench.hash@1 needs 0.2.0');
    expect(notice[1]).toContain('update nfl-agent');
    // It asked, was told there is nothing for it, and asked again: still no replica of the batch.
    const asked = agent.lines.length;
    await eventually(async () => agent.lines.slice(asked).some((l) => l.includes('no work; asking again')), 30_000, 'a second no_work');
    const [{ n }] = await grid.c.grid.db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batch.body.batchId}`);
    expect(n).toBe(0);
    const host = await grid.admin.get(`/api/v1/hosts/${agent.hostId}`);
    expect(JSON.stringify(host.body)).not.toContain('bench.hash');
    await agent.kill('SIGTERM');

    grid.c.grid.config.work.minAgentVersion = { 'bench.hash': '0.1.0' };
    const again = startAgent({ coordinator: grid.url, dataDir: agent.dataDir, intensity: 'low' });
    try {
      await eventually(async () => {
        const b = await grid.admin.get(`/api/v1/batches/${batch.body.batchId}`);
        return b.body.state === 'done' ? b : null;
      }, 180_000, 'the batch to finish on the updated agent'); // a loaded machine: an agent may take a minute to start
      expect(again.lines.some((l) => l.includes('agent_outdated'))).toBe(false);
    } finally {
      await again.kill('SIGTERM');
    }
  }, 360_000);
});

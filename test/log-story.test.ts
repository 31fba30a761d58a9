import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, eventually } from './support/api-client';
import { startAgent, startCoordinatorProcess, type Watched } from './support/processes';

/*
 * One work unit's story across the two logs: the agent's request id (rid) on request_work and
 * result, repeated by the coordinator on its answers and logged by both with the replica and WU
 * ids; the validator's verdict line names the same WU and replica. Levels per component: the
 * coordinator logs its gateway and validator at debug, everything else at warn.
 */
const procs: Watched[] = [];
afterAll(async () => { await Promise.all(procs.map((p) => p.kill('SIGKILL'))); });

type Rec = Record<string, unknown>;
const find = (recs: Rec[], msg: RegExp, pred: (r: Rec) => boolean = () => true) => recs.find((r) => msg.test(String(r.msg)) && pred(r));
const has = (xs: unknown, x: unknown) => Array.isArray(xs) && xs.includes(x);

describe('a work unit followed through the agent\'s and the coordinator\'s logs', () => {
  it('shares request ids and replica and WU ids between them', async () => {
    const coord = await startCoordinatorProcess({ env: { NFL_GRID_LOG_LEVEL: 'warn,gateway=debug,validator=debug' } });
    procs.push(coord);
    const admin = apiClient(coord.url, readFileSync(join(coord.dataDir, 'admin-key'), 'utf8').trim());
    const researcher = await admin.post('/api/v1/users', { name: 'rita', role: 'researcher' });
    const vera = await admin.post('/api/v1/users', { name: 'vera', role: 'volunteer' });
    const token = (await apiClient(coord.url, vera.body.apiKey).post('/api/v1/enrollment-tokens', {})).body.token as string;
    const agent = startAgent({ coordinator: coord.url, token, name: 'vera-agent', env: { NFL_GRID_LOG_LEVEL: 'debug' } });
    procs.push(agent);
    await agent.waitFor(/agent ready host=/, 60_000);
    const submit = await apiClient(coord.url, researcher.body.apiKey).post('/api/v1/batches', {
      name: 'story', kernel: 'bench.hash', params: { rounds: 1000, steps: 1 }, replicates: 1, policy: { minQuorum: 1, adaptive: false },
    });
    expect(submit.status).toBe(201);

    const verdict = await eventually(async () => find(coord.records, /^verdict$/) ?? null, 60_000, 'the validator\'s verdict');
    const wu = verdict.wu as number, replica = verdict.replica as number;
    expect(verdict).toMatchObject({ component: 'validator', valid: true });

    // Work: the agent's request id comes back on the packet, and both sides name the replica and WU.
    const queued = find(agent.records, /^queued replicas=/, (r) => has(r.replicas, replica))!;
    expect(queued).toBeDefined();
    expect(has(queued.wus, wu)).toBe(true);
    expect(queued.rid).toMatch(/^[0-9a-f]{8}-\d+$/);
    const requested = find(agent.records, /^requested work/, (r) => r.rid === queued.rid);
    expect(requested).toBeDefined();
    const sent = find(coord.records, /^work sent$/, (r) => r.rid === queued.rid)!;
    expect(sent).toMatchObject({ component: 'gateway' });
    expect(has(sent.replicas, replica) && has(sent.wus, wu)).toBe(true);

    // Result: the agent's result rid is the one the coordinator logs with the WU, and acknowledges.
    const resultSent = find(agent.records, /^results sent/, (r) => has(r.replicas, replica))!;
    expect(resultSent.rid).toMatch(/^[0-9a-f]{8}-\d+$/);
    const taken = find(coord.records, /^results taken$/, (r) => r.rid === resultSent.rid)!;
    expect(has(taken.replicas, replica) && has(taken.wus, wu)).toBe(true);
    await eventually(async () => find(agent.records, /^results acknowledged/, (r) => r.rid === resultSent.rid) ?? null, 10_000, 'the ack with the rid');

    // The default level held elsewhere: nothing at info from components left at warn.
    expect(coord.records.filter((r) => r.level === 'info' && r.component && r.component !== 'gateway' && r.component !== 'validator')).toEqual([]);
  }, 120_000);
});

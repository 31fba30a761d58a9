import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { connectRaw, enrollRaw, helloFor, type RawAgent } from './support/raw-agent';
import { dbKinds } from './support/test-db';
import { benchOutput } from './support/volunteers';

/*
 * Inflated CPU-time claims, over the real wire: three raw agents report one quorum-2 WU claiming
 * 1e9 CPU seconds (two of them) — the status page, the queue and the hosts count bounded claims
 * of valid replicas only.
 */

let grid: TestGrid | null = null;
afterEach(async () => {
  await grid?.stop();
  grid = null;
});

const PARAMS = { rounds: 10, steps: 1 };
// bench.hash's estimate (rounds x 10 FLOPs) on a 1 GFLOPS benchmark, ten times over, plus the grace second.
const BOUND_SECONDS = (10 * PARAMS.rounds * 10) / 1e9 + 1;

async function rawVolunteer(g: TestGrid, name: string): Promise<RawAgent> {
  const u = await g.createUser(name, 'volunteer');
  const tok = await u.api.post('/api/v1/enrollment-tokens', {});
  const agent = await connectRaw(g.url, await enrollRaw(g.url, tok.body.token, name));
  agent.send(helloFor(agent.credential));
  await agent.next('welcome');
  return agent;
}

async function takeOne(agent: RawAgent): Promise<WorkItem> {
  agent.send({ type: 'request_work', max: 1 });
  const work = await agent.next('work');
  return JSON.parse(Buffer.from(work.jws.split('.')[1], 'base64url').toString()).items[0];
}

async function report(agent: RawAgent, item: WorkItem, output: unknown, cpuSeconds: number): Promise<void> {
  const result = { replicaId: item.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)), cpuSeconds, elapsedSeconds: 0.1, steps: 1 };
  agent.send({ type: 'result', jws: await signResultPacket(agent.privateKey, agent.hostId, [result]) });
  expect((await agent.next('result_ack')).accepted).toEqual([item.replicaId]);
}

describe.each(dbKinds())('CPU-time claims on %s', (kind) => {
  it('1e9-second claims move no total beyond their bound, and invalid replicas are not summed', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('rosa', 'researcher');
    const submit = await researcher.api.post('/api/v1/batches', { name: 'one', kernel: 'bench.hash', params: PARAMS, policy: { minQuorum: 2, adaptive: false } });
    expect(submit.status).toBe(201);
    const [inflater, cheat, honest] = [await rawVolunteer(grid, 'inflater'), await rawVolunteer(grid, 'cheat'), await rawVolunteer(grid, 'honest')];

    // The inflater is right but claims 1e9 s; the cheat is wrong and claims 1e9 s too.
    const a = await takeOne(inflater);
    const c = await takeOne(cheat);
    const right = benchOutput(a.params, a.seed);
    await report(inflater, a, right, 1e9);
    await report(cheat, c, { ...right, value: (right.value ^ 1) >>> 0 }, 1e9);
    // They disagree, so a third replica goes out; the honest host agrees with the inflater.
    const b = await eventually(async () => takeOne(honest).catch(() => null), 30_000, 'a third replica');
    await report(honest, b, right, 0.25);
    const db = grid.testDb.db;
    await eventually(async () => (await db.rows<{ state: string }>(sql`SELECT state FROM work_units`))[0]?.state === 'done', 30_000, 'the WU done');

    const reps = await db.rows<{ host_id: string; validate_state: string; cpu_seconds: number; cpu_seconds_claimed: number }>(sql`
      SELECT host_id, validate_state, cpu_seconds, cpu_seconds_claimed FROM replicas ORDER BY id`);
    expect(reps.map((r) => [r.host_id, r.validate_state, r.cpu_seconds_claimed])).toEqual([
      [inflater.hostId, 'valid', 1e9], [cheat.hostId, 'invalid', 1e9], [honest.hostId, 'valid', 0.25],
    ]);
    expect(reps[0]!.cpu_seconds).toBeLessThanOrEqual(BOUND_SECONDS);
    expect(reps[1]!.cpu_seconds).toBeLessThanOrEqual(BOUND_SECONDS);
    const counted = reps[0]!.cpu_seconds + 0.25;

    // The public status page, the queue and the training view: valid replicas' bounded time only.
    const page = await (await fetch(`${grid.url}/status`)).text();
    expect(page).toContain('CPU hours: <b>0.0</b>');
    const queue = await grid.admin.get('/api/v1/queue');
    expect(queue.body.cpuHours).toBeCloseTo(counted / 3600, 12);
    expect((await grid.admin.get('/api/training/gpu-stats')).body.cpu_hours).toBeCloseTo(counted / 3600, 12);
    // The hosts: the inflater's bounded valid time, the cheat's nothing.
    const hours = async (id: string) => (await grid!.admin.get(`/api/v1/hosts/${id}`)).body.cpuHours as number;
    expect(await hours(inflater.hostId)).toBeCloseTo(reps[0]!.cpu_seconds / 3600, 12);
    expect(await hours(cheat.hostId)).toBe(0);
    expect(await hours(honest.hostId)).toBeCloseTo(0.25 / 3600, 12);
    // The batch's usage counts the same.
    expect((await researcher.api.get(`/api/v1/batches/${submit.body.batchId}`)).body.cpuHours).toBeCloseTo(counted / 3600, 12);
    // Each cut claim is on record for the admin, with what was claimed.
    const cut = await db.rows<{ subject: string; data: { claimedSeconds: number } }>(sql`SELECT subject, data FROM events WHERE kind = 'host.cpu_claim_cut' ORDER BY id`);
    expect(cut.map((e) => [e.subject, e.data.claimedSeconds])).toEqual([[inflater.hostId, 1e9], [cheat.hostId, 1e9]]);
    for (const agent of [inflater, cheat, honest]) agent.close();
  }, 120_000);
});

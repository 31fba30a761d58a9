import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { signWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { connectRaw, enrollRaw, helloFor } from './support/raw-agent';
import { dbKinds } from './support/test-db';

let grid: TestGrid | null = null;
afterEach(async () => {
  await grid?.stop();
  grid = null;
});

const item = (hostReplica: number): WorkItem => ({
  wuId: 999_000 + hostReplica, replicaId: 999_000 + hostReplica, kernel: 'bench.hash@1', params: { rounds: 10, steps: 1 }, seed: 1,
  inputs: [], costEstimate: 100, deadline: Date.now() + 60_000, resumeFrom: null,
});

async function volunteerToken(g: TestGrid, name: string): Promise<{ token: string; userId: string }> {
  const u = await g.createUser(name, 'volunteer');
  const t = await u.api.post('/api/v1/enrollment-tokens', {});
  return { token: t.body.token, userId: u.id };
}

describe.each(dbKinds())('protocol security on %s', (kind) => {
  it('the agent refuses forged, expired and re-targeted work packets', async () => {
    grid = await startTestGrid(kind);
    const agent = await grid.volunteerAgent('target');
    const other = await grid.volunteerAgent('bystander');
    const stored = JSON.parse(readFileSync(join(grid.c.grid.config.dataDir, 'signing-key.json'), 'utf8'));
    const realKey = await importPrivate(stored.privateJwk);
    const forger = await importPrivate((await newEd25519KeyPair()).privateJwk);

    // Signed by someone else under the coordinator's key id.
    grid.c.grid.agents.send(agent.hostId, { type: 'work', jws: await signWorkPacket(forger, stored.kid, agent.hostId, [item(1)], 600) });
    await agent.waitFor(/work packet refused \(bad_signature\)/);
    // Really signed, but expired.
    grid.c.grid.agents.send(agent.hostId, { type: 'work', jws: await signWorkPacket(realKey, stored.kid, agent.hostId, [item(2)], 60, Date.now() - 3_600_000) });
    await agent.waitFor(/work packet refused \(expired\)/);
    // Really signed and fresh, but addressed to another host.
    grid.c.grid.agents.send(agent.hostId, { type: 'work', jws: await signWorkPacket(realKey, stored.kid, other.hostId, [item(3)], 600) });
    await agent.waitFor(/work packet refused \(wrong_host\)/);

    expect(agent.lines.some((l) => /running replica=99900/.test(l))).toBe(false);
    const db = grid.testDb.db;
    const events = await eventually(async () => {
      const rows = await db.rows<{ data: { code: string; message: string } }>(sql`SELECT data FROM events WHERE kind = 'agent.error' AND subject = ${agent.hostId}`);
      return rows.length >= 3 ? rows : null;
    }, 10_000, 'three agent.error events');
    expect(events.every((e) => e.data.code === 'work_rejected')).toBe(true);
    expect(agent.proc.exitCode).toBeNull();
  }, 120_000);

  it('refuses results for replicas the host does not hold, and result packets with a bad signature', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('rita', 'researcher');
    const a = await volunteerToken(grid, 'holder');
    const b = await volunteerToken(grid, 'intruder');
    const holder = await connectRaw(grid.url, await enrollRaw(grid.url, a.token, 'holder'));
    const intruder = await connectRaw(grid.url, await enrollRaw(grid.url, b.token, 'intruder'));
    holder.send(helloFor(holder.credential));
    intruder.send(helloFor(intruder.credential));
    await holder.next('welcome');
    await intruder.next('welcome');

    const submit = await researcher.api.post('/api/v1/batches', { name: 'one', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, policy: { minQuorum: 2 } });
    expect(submit.status).toBe(201);
    holder.send({ type: 'request_work', max: 1 });
    const work = await holder.next('work');
    const claims = JSON.parse(Buffer.from(work.jws.split('.')[1], 'base64url').toString());
    const replicaId = claims.items[0].replicaId as number;

    const output = { value: 1, rounds: 10 };
    const result = { replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)), cpuSeconds: 0.1, elapsedSeconds: 0.1, steps: 1 };
    // The intruder reports the holder's replica, signed with its own key: refused by replica id.
    intruder.send({ type: 'result', jws: await signResultPacket(intruder.privateKey, intruder.hostId, [result]) });
    const ack = await intruder.next('result_ack');
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toEqual([expect.objectContaining({ replicaId, code: 'not_held' })]);
    // The intruder signs a packet in the holder's name: the signature does not verify.
    intruder.send({ type: 'result', jws: await signResultPacket(intruder.privateKey, holder.hostId, [result]) });
    const err = await intruder.next('error');
    expect(err.code).toMatch(/bad_signature|wrong_host/);
    // An output whose hash is wrong is refused too.
    holder.send({ type: 'result', jws: await signResultPacket(holder.privateKey, holder.hostId, [{ ...result, outputSha256: 'a'.repeat(64) }]) });
    expect((await holder.next('result_ack')).rejected[0].code).toBe('bad_output_hash');
    // The holder itself is accepted.
    holder.send({ type: 'result', jws: await signResultPacket(holder.privateKey, holder.hostId, [result]) });
    expect((await holder.next('result_ack')).accepted).toEqual([replicaId]);
    const [row] = await grid.testDb.db.rows<{ state: string; host_id: string }>(sql`SELECT state, host_id FROM replicas WHERE id = ${replicaId}`);
    expect(row).toEqual({ state: 'reported', host_id: holder.hostId });
    holder.close();
    intruder.close();
  }, 120_000);

  it('answers bad frames with protocol errors and keeps serving', async () => {
    grid = await startTestGrid(kind);
    const v = await volunteerToken(grid, 'fuzzy');
    const ident = await enrollRaw(grid.url, v.token, 'fuzzy');
    const raw = await connectRaw(grid.url, ident);
    raw.sendRaw('this is not json');
    expect((await raw.next('error')).code).toBe('bad_json');
    raw.send({ type: 'no_such_message' });
    expect((await raw.next('error')).code).toBe('bad_message');
    raw.send({ type: 'request_work', max: 1 });
    expect((await raw.next('error')).code).toBe('hello_required');
    raw.send(helloFor('not-a-real-credential-at-all'));
    const bad = await raw.next('error');
    expect(bad.code).toBe('bad_host_credential');
    expect((await raw.closed).code).toBe(4401);

    const ok = await connectRaw(grid.url, ident);
    ok.send(helloFor(ident.credential));
    await ok.next('welcome');
    ok.send({ type: 'request_work', max: -5 });
    const e1 = await ok.next('error');
    expect(e1.code).toBe('bad_message');
    expect(e1.fields).toContain('max');
    ok.send({ type: 'progress', items: [{ replicaId: 'x' }], intensity: 'hot', readings: {} });
    expect((await ok.next('error')).code).toBe('bad_message');
    ok.send({ type: 'result', jws: 'a.b.c' });
    expect((await ok.next('error')).code).toBe('bad_signature');
    ok.send({ type: 'checkpoint', replicaId: 12345, step: 1, sha256: 'b'.repeat(64), data: Buffer.from('x').toString('base64'), signature: 'a.b.c' });
    expect((await ok.next('error')).code).toBe('checkpoint_refused');
    ok.send(helloFor(ident.credential));
    expect((await ok.next('error')).code).toBe('already_hello');
    ok.send({ type: 'request_work', max: 3 });
    expect((await ok.next('no_work')).retryAfterMs).toBeGreaterThan(0);
    ok.close();

    const health = await fetch(`${grid.url}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);
});

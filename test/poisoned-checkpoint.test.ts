import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { signCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { eventually } from './support/api-client';
import { setHostRecord } from './support/grid-fixtures';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { connectRaw, enrollRaw, helloFor, type RawAgent } from './support/raw-agent';
import { dbKinds } from './support/test-db';
import { benchOutput } from './support/volunteers';

/*
 * Poisoned checkpoints against a real coordinator (websocket gateway, daemons, the checkpoint
 * route) with real agent processes as the honest volunteers and raw protocol clients as the
 * forger and its colluder: a forged checkpoint never makes a forged output canonical, unsigned or
 * wrongly signed uploads are refused, checkpoint bytes that no longer match their maker's
 * signature are refused at resume, and an honest checkpoint is still resumed from.
 */

const bench = getKernel('bench.hash@1');
const noData = createKernelData(new Map());
const PARAMS = { rounds: 4000, steps: 20 };
type BenchState = { step: number; h: number; rounds: number; steps: number };

/** bench.hash's honest state after `step` steps. */
function stateAt(params: unknown, seed: number, step: number): BenchState {
  let s = bench.init(bench.paramsSchema.parse(params), seed, noData) as BenchState;
  while (s.step < step) s = bench.step(s, noData) as BenchState;
  return s;
}
/** The output a run resumed from `s` ends with. */
function finishFrom(s: BenchState): { value: number; rounds: number } {
  let x = s;
  while (x.step < x.steps) x = bench.step(x, noData) as BenchState;
  return bench.finish(x, noData) as { value: number; rounds: number };
}
const bytesOf = (s: unknown) => Buffer.from(JSON.stringify(s));
const shaOf = async (b: Buffer) => sha256Hex(new Uint8Array(b));

let grid: TestGrid | null = null;
const raws: RawAgent[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.close();
  await grid?.stop();
  grid = null;
});

async function rawVolunteer(g: TestGrid, name: string): Promise<RawAgent> {
  const u = await g.createUser(name, 'volunteer');
  const tok = await u.api.post('/api/v1/enrollment-tokens', {});
  const raw = await connectRaw(g.url, await enrollRaw(g.url, tok.body.token, name));
  raws.push(raw);
  raw.send(helloFor(raw.credential));
  await raw.next('welcome');
  return raw;
}

/** Asks for work and returns the items of the signed packet (claims read, as a raw client may). */
async function takeWork(raw: RawAgent, max: number): Promise<WorkItem[]> {
  raw.send({ type: 'request_work', max });
  const work = await raw.next('work');
  return JSON.parse(Buffer.from(work.jws.split('.')[1], 'base64url').toString()).items as WorkItem[];
}

async function submit(g: TestGrid, n: number): Promise<string> {
  const researcher = await g.createUser(`res-${Math.random().toString(36).slice(2, 7)}`, 'researcher');
  const r = await researcher.api.post('/api/v1/batches', {
    name: 'checkpointed', kernel: 'bench.hash', params: PARAMS, replicates: n, seed: 11, policy: { minQuorum: 2, adaptive: false, maxTotalReplicas: 6 },
  });
  expect(r.status).toBe(201);
  return r.body.batchId as string;
}

async function allDone(g: TestGrid, batchId: string) {
  return eventually(async () => {
    const rows = await g.testDb.db.rows<{ id: number; state: string; seed: number; output: unknown; canonical: number }>(sql`
      SELECT w.id, w.state, w.seed, r.output, w.canonical_replica_id AS canonical
        FROM work_units w LEFT JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.batch_id = ${batchId} ORDER BY w.id`);
    return rows.every((w) => w.state === 'done' || w.state === 'failed') ? rows : null;
  }, 60_000, 'every work unit decided');
}

describe.each(dbKinds())('poisoned checkpoints on %s', (kind) => {
  it('a forger\'s checkpoint never makes its forged output canonical, however it is signed', async () => {
    grid = await startTestGrid(kind);
    const db = grid.testDb.db;
    const batchId = await submit(grid, 1);
    const forger = await rawVolunteer(grid, 'forger');
    const colluder = await rawVolunteer(grid, 'colluder');
    const [mine] = await takeWork(forger, 1);
    const honest = stateAt(mine!.params, mine!.seed, 10);
    const forgedState = { ...honest, h: (honest.h ^ 0x5a5a5a5a) >>> 0 };
    const data = bytesOf(forgedState);
    const sha256 = await shaOf(data);
    const upload = { type: 'checkpoint', replicaId: mine!.replicaId, step: 10, sha256, data: data.toString('base64') };
    const claims = { wuId: mine!.wuId, replicaId: mine!.replicaId, hostId: forger.hostId, kernel: mine!.kernel, step: 10, sha256 };

    // Unsigned: refused by the wire schema, naming the field.
    forger.send(upload);
    expect(await forger.next('error')).toMatchObject({ code: 'bad_message', fields: ['signature'] });
    // Signed with a key that is not the host's: refused by the gateway.
    const stranger = await importPrivate((await newEd25519KeyPair()).privateJwk);
    forger.send({ ...upload, signature: await signCheckpoint(stranger, claims) });
    expect(await forger.next('error')).toMatchObject({ code: 'checkpoint_bad_signature', fields: ['signature'], message: expect.stringContaining('does not verify') });
    // The host's own signature, but over another step: refused.
    forger.send({ ...upload, signature: await signCheckpoint(forger.privateKey, { ...claims, step: 11 }) });
    expect(await forger.next('error')).toMatchObject({ code: 'checkpoint_bad_signature', message: expect.stringContaining('is for step 11, not 10') });
    expect(await db.rows(sql`SELECT 1 FROM checkpoints`)).toHaveLength(0);
    // Properly signed by the forger: kept, with its signature.
    forger.send({ ...upload, signature: await signCheckpoint(forger.privateKey, claims) });
    await eventually(async () => (await db.rows(sql`SELECT 1 FROM checkpoints WHERE signature IS NOT NULL`)).length === 1, 10_000, 'the signed checkpoint stored');

    // The colluder, on another account, holds the quorum's other replica and reports the forged value.
    const [theirs] = await takeWork(colluder, 1);
    expect(theirs!.wuId).toBe(mine!.wuId);
    const forgedOutput = finishFrom(forgedState);
    const right = benchOutput(mine!.params, mine!.seed);
    expect(forgedOutput).not.toEqual(right);
    colluder.send({ type: 'result', jws: await signResultPacket(colluder.privateKey, colluder.hostId, [{
      replicaId: theirs!.replicaId, output: forgedOutput, outputSha256: await sha256Hex(canonicalJson(forgedOutput)), cpuSeconds: 0.01, elapsedSeconds: 0.01, steps: 20,
    }]) });
    expect((await colluder.next('result_ack')).accepted).toEqual([theirs!.replicaId]);
    // The forger gives its replica back, leaving the checkpoint behind.
    forger.send({ type: 'bye', reason: 'leaving', abandon: [mine!.replicaId] });
    await forger.closed;

    // Honest volunteers come: real agents.
    const h1 = await grid.volunteerAgent('honest-1');
    const h2 = await grid.volunteerAgent('honest-2');
    // The colluder's dissent may raise the quorum above its base: a third honest volunteer is about.
    const h3 = await grid.volunteerAgent('honest-3');
    const [wu] = await allDone(grid, batchId);
    expect(wu!.state).toBe('done');
    expect(wu!.output).toEqual(right);
    const replicas = await db.rows<{ host_id: string; state: string; validate_state: string; resumed_from: number | null }>(sql`
      SELECT host_id, state, validate_state, resumed_from FROM replicas WHERE wu_id = ${mine!.wuId} ORDER BY id`);
    // The forger is not trusted: its checkpoint was never handed on; every honest agent started from scratch.
    expect(replicas.every((r) => r.resumed_from === null)).toBe(true);
    expect(replicas.find((r) => r.host_id === colluder.hostId)!.validate_state).toBe('invalid');
    const valid = replicas.filter((r) => r.validate_state === 'valid').map((r) => r.host_id);
    expect(valid.length).toBeGreaterThanOrEqual(2);
    for (const id of valid) expect([h1.hostId, h2.hostId, h3.hostId]).toContain(id);
    for (const h of [h1, h2, h3]) expect(h.lines.join('\n')).not.toMatch(/resumed replica=/);
  }, 120_000);

  it('an honest checkpoint is resumed from with its signature checked; bytes changed after signing are refused at resume', async () => {
    grid = await startTestGrid(kind);
    const db = grid.testDb.db;
    const batchId = await submit(grid, 2);
    const maker = await rawVolunteer(grid, 'maker');
    // A host with a long valid record: its checkpoints may be handed on.
    await setHostRecord(db, maker.hostId, { consecutiveValid: 20, errorRate: 0.01 });
    const items = await takeWork(maker, 2);
    expect(items).toHaveLength(2);
    for (const it of items) {
      const data = bytesOf(stateAt(it.params, it.seed, 10));
      const sha256 = await shaOf(data);
      maker.send({ type: 'checkpoint', replicaId: it.replicaId, step: 10, sha256, data: data.toString('base64'),
        signature: await signCheckpoint(maker.privateKey, { wuId: it.wuId, replicaId: it.replicaId, hostId: maker.hostId, kernel: it.kernel, step: 10, sha256 }) });
    }
    await eventually(async () => (await db.rows(sql`SELECT 1 FROM checkpoints`)).length === 2, 10_000, 'both checkpoints stored');
    // The second WU's stored bytes are swapped (with a sha256 to match) after the maker signed them.
    const [kept, swapped] = items;
    const forged = bytesOf({ ...stateAt(swapped!.params, swapped!.seed, 10), h: 1 });
    await db.rows(sql`UPDATE checkpoints SET data = ${forged.toString('base64')}, sha256 = ${await shaOf(forged)} WHERE wu_id = ${swapped!.wuId}`);
    maker.send({ type: 'bye', reason: 'leaving', abandon: items.map((i) => i.replicaId) });
    await maker.closed;

    const rescuer = await grid.volunteerAgent('rescuer');
    await rescuer.waitFor(new RegExp(`resumed replica=\\d+ from step=10 of 20 \\(coordinator checkpoint of wu=${kept!.wuId}\\)`), 30_000);
    await rescuer.waitFor(new RegExp(`no usable checkpoint from the coordinator for replica=\\d+ wu=${swapped!.wuId} \\(checkpoint signature is for sha256 .*\\(refused\\)\\); starting from step 0`), 30_000);
    // The quorum's other replica is computed from scratch by another volunteer.
    const second = await grid.volunteerAgent('second');
    const wus = await allDone(grid, batchId);
    expect(wus.map((w) => [w.state, w.output])).toEqual(items.map((i) => ['done', benchOutput(i.params, i.seed)]));
    const rows = await db.rows<{ wu_id: number; host_id: string; validate_state: string; resumed_from: number | null }>(sql`
      SELECT wu_id, host_id, validate_state, resumed_from FROM replicas WHERE host_id IN (${rescuer.hostId}, ${second.hostId}) ORDER BY wu_id, id`);
    // The rescuer's replicas were handed the checkpoints; the second volunteer's were not; all valid.
    expect(rows.map((r) => [Number(r.wu_id), r.host_id, r.validate_state, r.resumed_from !== null])).toEqual([
      [kept!.wuId, rescuer.hostId, 'valid', true], [kept!.wuId, second.hostId, 'valid', false],
      [swapped!.wuId, rescuer.hostId, 'valid', true], [swapped!.wuId, second.hostId, 'valid', false],
    ]);
    // The canonical output of each is a from-scratch one.
    const canonicalHosts = await db.rows<{ host_id: string }>(sql`
      SELECT r.host_id FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.batch_id = ${batchId}`);
    expect(canonicalHosts.map((c) => c.host_id)).toEqual([second.hostId, second.hostId]);
  }, 120_000);
});

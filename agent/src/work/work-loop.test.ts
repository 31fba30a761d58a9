import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMessage, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { signCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate, importPublic, keyId, newEd25519KeyPair, type PrivateKey, type PublicKey } from '@nfl-grid/shared/signing/keys';
import { verifyResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { signWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { testSettings } from '../../../test/support/agent-settings';
import { captureLog, type CapturedLogger } from '../../../test/support/capture-log';
import type { AgentSettings } from '../config';
import { CheckpointStore } from '../disk/checkpoint-store';
import { WorkStore } from '../disk/work-store';
import { HeatControl } from '../heat/heat';
import { ErrorReports } from '../link/error-reports';
import { Outbox } from '../link/outbox';
import { ResultReporter } from '../link/reporter';
import { InputStore } from './inputs';
import { WorkInHand } from './work-in-hand';
import { WorkLoop } from './work-loop';
import { WorkerPool } from './worker-pool';

/*
 * The work loop with its real parts (outbox on disk, reporter, packet verification, kernel
 * runner); the coordinator side is played by calling onWelcome/onMessage and reading `sent`.
 */

const HOST = '7c3b2a19-4d5e-4f60-8a7b-9c0d1e2f3a4b';
let coordinatorKey: PrivateKey;
let impostorKey: PrivateKey;
let hostKey: PrivateKey;
let hostPublic: PublicKey;
let kid: string;
let jwks: ReturnType<typeof createLocalJWKSet>;
let dataDir: string;
let sent: AgentMessage[];
let online: boolean;
let log: CapturedLogger;
let loop: WorkLoop | null;
let pool: WorkerPool;

beforeAll(() => {
  pool = new WorkerPool(captureLog(), 2);
});
afterAll(() => pool.close());

beforeEach(async () => {
  const c = await newEd25519KeyPair();
  const i = await newEd25519KeyPair();
  const h = await newEd25519KeyPair();
  coordinatorKey = await importPrivate(c.privateJwk);
  impostorKey = await importPrivate(i.privateJwk);
  hostKey = await importPrivate(h.privateJwk);
  hostPublic = await importPublic(h.publicJwk);
  kid = await keyId(c.publicJwk);
  jwks = createLocalJWKSet({ keys: [{ ...c.publicJwk, kid, alg: 'EdDSA' }] });
  dataDir = await mkdtemp(join(tmpdir(), 'nfl-agent-loop-'));
  sent = [];
  online = true;
  log = captureLog();
  loop = null;
});
afterEach(async () => {
  await loop?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const settings: AgentSettings = testSettings();
const item = (replicaId: number, rounds = 100_000): WorkItem => ({
  wuId: replicaId, replicaId, kernel: 'bench.hash@1', params: { rounds, steps: 10 }, seed: replicaId, inputs: [], costEstimate: 1,
  deadline: Date.now() + 60_000, resumeFrom: null,
});
const welcome = (paused = false, dropped: number[] = []): CoordinatorMessage => ({
  type: 'welcome', hostId: HOST, serverTime: Date.now(), dropped,
  config: { intensity: 'low', checkpointIntervalSeconds: 30, progressIntervalSeconds: 60, paused },
});

async function build(o: { onFinishedExit?: () => void } = {}): Promise<{ loop: WorkLoop; outbox: Outbox; store: WorkStore }> {
  const outbox = await Outbox.open(join(dataDir, 'outbox'), log);
  const store = await WorkStore.open(join(dataDir, 'work'), log);
  const send = (m: AgentMessage) => online && (sent.push(m), true);
  const reporter = new ResultReporter({ outbox, hostId: HOST, key: hostKey, send, log });
  const heat = new HeatControl('low', 2);
  const checkpoints = new CheckpointStore(dataDir, log);
  const errors = new ErrorReports(send);
  const hand = new WorkInHand({
    hostId: HOST, store, checkpoints, outbox, reporter, heat, errors, log,
    onFinished: () => undefined,
    runner: {
      inputs: new InputStore({ dataDir, coordinator: settings.coordinator, credential: 'c'.repeat(20), log }),
      pool, fault: null, log, upload: send,
      signCheckpoint: (c) => signCheckpoint(hostKey, { ...c, hostId: HOST }),
      tf: { load: () => ({ wasmDir: null, gpu: false }), loaded: () => undefined },
      fetchCheckpoint: async () => ({ status: 'unavailable', reason: 'test' }),
    },
  });
  loop = new WorkLoop({
    settings: { ...settings, dataDir }, hostId: HOST, keys: jwks, outbox, reporter, send, log, heat, hand, errors, onFinishedExit: o.onFinishedExit,
  });
  await hand.restore();
  loop.start();
  return { loop, outbox, store };
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out; sent: ${sent.map((m) => m.type).join(',')}\n${log.text()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const ofType = <T extends AgentMessage['type']>(t: T) => sent.filter((m): m is Extract<AgentMessage, { type: T }> => m.type === t);
const resultIds = async () => (await Promise.all(ofType('result').map((m) => verifyResultPacket(m.jws, hostPublic, HOST)))).flatMap((c) => c.results.map((r) => r.replicaId));

describe('WorkLoop', () => {
  it('asks for work after welcome, runs verified items, and clears the outbox on result_ack', async () => {
    const { loop, outbox } = await build();
    loop.onWelcome(welcome() as never);
    await until(() => ofType('request_work').length === 1);
    expect(ofType('request_work')[0]).toEqual({ type: 'request_work', max: 2, rid: expect.stringMatching(/^[0-9a-f]{8}-\d+$/) });
    expect(loop.state).toBe('requesting');

    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(1), item(2)], 600) });
    await until(async () => (await resultIds()).length === 2);
    expect((await resultIds()).sort()).toEqual([1, 2]);
    expect(outbox.replicaIds().sort()).toEqual([1, 2]);

    loop.onMessage({ type: 'result_ack', accepted: [1], rejected: [{ replicaId: 2, code: 'late', message: 'too late' }] });
    await until(() => log.text().includes('results acknowledged'));
    expect(outbox.size).toBe(0);
    expect(log.text()).toContain('results acknowledged accepted=1 rejected=2');
    expect(log.text()).toContain('result rejected replica=2 (late): too late');
  });

  it('never runs a refused packet and tells the coordinator why', async () => {
    const { loop } = await build();
    loop.onWelcome(welcome() as never);
    await until(() => ofType('request_work').length === 1);
    loop.onMessage({ type: 'work', jws: await signWorkPacket(impostorKey, kid, HOST, [item(5)], 600) });
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, '11111111-2222-4333-8444-555555555555', [item(6)], 600) });
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(7)], 600, Date.now() - 7_200_000) });
    await until(() => ofType('error').length === 3);
    const messages = ofType('error').map((e) => e.message).join('\n');
    for (const code of ['bad_signature', 'wrong_host', 'expired']) expect(messages).toContain(`work packet refused (${code})`);
    expect(ofType('error').every((e) => e.code === 'work_rejected' && e.replicaId === null)).toBe(true);
    expect(loop.holding()).toEqual([]);
    expect(log.text()).not.toContain('running replica');
  });

  it('aborts cancelled replicas and reports kernel errors', async () => {
    const { loop } = await build();
    loop.onWelcome(welcome() as never);
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(8, 100_000_000), { ...item(9), kernel: 'nope@1' }], 600) });
    await until(() => log.text().includes('running replica=8'));
    loop.onMessage({ type: 'cancel', replicaIds: [8], reason: 'quorum reached' });
    await until(() => ofType('error').length === 1);
    expect(ofType('error')[0]).toMatchObject({ replicaId: 9, code: 'kernel_error' });
    expect(log.text()).toContain('stopped replica=8');
    expect(await resultIds()).toEqual([]);
  });

  it('asks for nothing while paused, and sends results left from an earlier run after welcome', async () => {
    const first = await build();
    await first.outbox.put(HOST, { replicaId: 21, output: { value: 1 }, outputSha256: 'd'.repeat(64), cpuSeconds: 1, elapsedSeconds: 1, steps: 1 });
    await first.loop.stop();

    const { loop } = await build();
    expect(loop.holding()).toEqual([21]);
    loop.onWelcome(welcome(true) as never);
    await until(() => ofType('result').length === 1);
    expect(await resultIds()).toEqual([21]);
    await new Promise((r) => setTimeout(r, 100));
    expect(ofType('request_work')).toEqual([]);
    expect(loop.state).toBe('paused');
    expect(log.text()).toContain('sending 1 results left in the outbox by an earlier run');
    expect(log.text()).toContain(`agent ready host=${HOST}`);

    loop.onMessage({ type: 'config', config: { intensity: 'high', checkpointIntervalSeconds: 30, progressIntervalSeconds: 60, paused: false } });
    await until(() => ofType('request_work').length === 1);
    expect(ofType('request_work')[0]).toEqual({ type: 'request_work', max: 4, rid: expect.stringMatching(/^[0-9a-f]{8}-\d+$/) });
  });

  it('keeps running and holds results while offline, then resends them on the next session', async () => {
    const { loop, outbox } = await build();
    loop.onWelcome(welcome() as never);
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(31)], 600) });
    online = false;
    loop.onDisconnect();
    await until(() => outbox.size === 1);
    expect(loop.state).toBe('offline');
    online = true;
    loop.onWelcome(welcome() as never);
    await until(() => ofType('result').length === 1);
    expect(await resultIds()).toEqual([31]);
    expect(log.text()).toContain('session resumed');
  });

  it('stop() keeps queued and running replicas (suspended); stop({ abandon }) gives them back and deletes their files', async () => {
    const { loop, store } = await build();
    loop.onWelcome(welcome() as never);
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(41, 100_000_000), item(42)], 600) });
    await until(() => log.text().includes('running replica=41'));
    const kept = await loop.stop();
    expect(kept.suspended.sort()).toEqual([41, 42]);
    expect(kept.abandoned).toEqual([]);
    expect(loop.state).toBe('stopping');
    expect(store.list().map((e) => e.item.replicaId).sort()).toEqual([41, 42]);

    const again = await build();
    again.loop.onWelcome(welcome() as never);
    await until(() => log.text().split('running replica=41').length > 2);
    const given = await again.loop.stop({ abandon: true });
    expect(given).toEqual({ suspended: [], abandoned: expect.arrayContaining([41, 42]) });
    expect(again.store.list()).toEqual([]);
  });

  it('keeps accepted work on disk: the next run holds it, resumes it from its checkpoint, and drops what the coordinator no longer wants', async () => {
    const first = await build();
    first.loop.onWelcome(welcome() as never);
    first.loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(51, 60_000_000), item(52)], 600) });
    await until(() => first.loop.hand.runningItems().some((r) => r.item.replicaId === 51 && r.step > 0), 30_000);
    expect((await first.loop.stop()).suspended.sort()).toEqual([51, 52]);
    expect(first.store.list().map((e) => e.item.replicaId).sort()).toEqual([51, 52]);
    expect(log.text()).toMatch(/stopped replica=51 at step [1-9]\d* \(agent stopping; checkpoint kept\)/);

    sent = [];
    const second = await build();
    expect(second.loop.holding().sort()).toEqual([51, 52]);
    expect(log.text()).toContain('restored 2 work items from an earlier run replicas=51,52');
    second.loop.onWelcome(welcome(false, [52]) as never);
    await until(async () => (await resultIds()).includes(51), 60_000);
    expect(log.text()).toMatch(/resumed replica=51 from step=[1-9]\d* of 10 \(local checkpoint\)/);
    expect(await resultIds()).toEqual([51]);
    await until(() => second.store.size === 0);
  }, 90_000);

  it('finish: runs the work in hand, asks for no more, then pauses — or asks the agent to stop', async () => {
    let exits = 0;
    const { loop } = await build({ onFinishedExit: () => exits++ });
    loop.onWelcome(welcome() as never);
    await until(() => ofType('request_work').length === 1);
    loop.onMessage({ type: 'work', jws: await signWorkPacket(coordinatorKey, kid, HOST, [item(61), item(62)], 600) });
    loop.setFinish({ exitAfter: true });
    await until(async () => (await resultIds()).length === 2, 30_000);
    expect(loop.state).toBe('finishing');
    expect(exits).toBe(0);
    loop.onMessage({ type: 'result_ack', accepted: [61, 62], rejected: [] });
    await until(() => exits === 1);
    expect(loop.state).toBe('paused');
    expect(ofType('request_work')).toHaveLength(1);
    expect(log.text()).toContain('finished the work in hand; stopping');
    loop.setFinish(null);
    await until(() => ofType('request_work').length === 2);
  }, 60_000);
});

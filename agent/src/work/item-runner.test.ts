import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { datasetPath, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import type { AgentMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { signCheckpoint, verifyCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate, importPublic, newEd25519KeyPair, type KeyPairJwk } from '@nfl-grid/shared/signing/keys';
import { captureLog, type CapturedLogger } from '../../../test/support/capture-log';
import { CheckpointStore, encodeSnapshot, sha256Of } from '../disk/checkpoint-store';
import type { Throttle } from '../heat/heat';
import type { RemoteCheckpoint } from '../link/checkpoint-fetch';
import type { Fault } from './fault';
import { InputStore } from './inputs';
import { newRunningItem, runItem, type ItemRunnerDeps } from './item-runner';
import { WorkerPool } from './worker-pool';

/*
 * runItem with real worker threads (started from source through tsx), real checkpoint files and
 * real kernels; the coordinator's side is a tiny HTTP server where inputs are needed.
 */

let dataDir: string;
let log: CapturedLogger;
let uploads: AgentMessage[];
let pool: WorkerPool;
let hostKeys: KeyPairJwk;
let hostKey: CryptoKey;
const HOST = '00000000-0000-4000-8000-0000000000aa';
beforeAll(async () => {
  pool = new WorkerPool(captureLog(), 2);
  hostKeys = await newEd25519KeyPair();
  hostKey = await importPrivate(hostKeys.privateJwk);
});
afterAll(() => pool.close());
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nfl-agent-runner-'));
  log = captureLog();
  uploads = [];
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const bench = getKernel('bench.hash@1');
const noData = { dataset: () => { throw new Error('none'); } };
const item = (o: Partial<WorkItem> = {}): WorkItem => ({
  wuId: 1, replicaId: 11, kernel: 'bench.hash@1', params: { rounds: 200_000, steps: 8 }, seed: 42, inputs: [], costEstimate: 1,
  deadline: Date.now() + 60_000, resumeFrom: null, ...o,
});
const expectedBench = (params: unknown, seed: number) => runKernelSync(bench, bench.paramsSchema.parse(params), seed, noData);

const deps = (o: Partial<Omit<ItemRunnerDeps, 'throttle'>> & { fault?: Fault; duty?: Throttle; everyMs?: number } = {}): ItemRunnerDeps => ({
  inputs: new InputStore({ dataDir, coordinator: 'http://127.0.0.1:1', credential: 'x'.repeat(20), log }),
  pool,
  checkpoints: new CheckpointStore(dataDir, log),
  fetchCheckpoint: async (): Promise<RemoteCheckpoint> => ({ status: 'unavailable', reason: 'none in this test' }),
  upload: (m) => (uploads.push(m), true),
  signCheckpoint: (c) => signCheckpoint(hostKey, { ...c, hostId: HOST }),
  throttle: () => o.duty ?? { duty: 1, suspended: false },
  checkpointEveryMs: () => o.everyMs ?? 0,
  tf: { load: () => ({ wasmDir: null, gpu: false }), loaded: () => undefined },
  fault: o.fault ?? null,
  log,
  ...(o.inputs ? { inputs: o.inputs } : {}),
  ...(o.fetchCheckpoint ? { fetchCheckpoint: o.fetchCheckpoint } : {}),
});

describe('runItem', () => {
  it('produces the kernel output, its canonical sha256, steps and timings', async () => {
    const run = newRunningItem(item());
    const outcome = await runItem(run, deps());
    expect(outcome.status).toBe('finished');
    if (outcome.status !== 'finished') return;
    const expected = expectedBench({ rounds: 200_000, steps: 8 }, 42);
    expect(outcome.result).toMatchObject({ replicaId: 11, output: expected, steps: 8 });
    expect(outcome.result.outputSha256).toBe(await sha256Hex(canonicalJson(expected)));
    expect(outcome.result.cpuSeconds).toBeGreaterThan(0);
    expect(outcome.result.elapsedSeconds).toBeGreaterThan(0);
    expect(run).toMatchObject({ step: 8, totalSteps: 8, resumedFrom: null });
  }, 60_000);

  it('with the wrong-output drill, reports a perturbed output hashed consistently', async () => {
    const honest = await runItem(newRunningItem(item()), deps());
    const faulty = await runItem(newRunningItem(item()), deps({ fault: 'wrong-output' }));
    if (honest.status !== 'finished' || faulty.status !== 'finished') throw new Error('expected both to finish');
    expect(faulty.result.output).not.toEqual(honest.result.output);
    expect(faulty.result.outputSha256).toBe(await sha256Hex(canonicalJson(faulty.result.output)));
  }, 60_000);

  it('turns unknown kernels, bad params, missing inputs and late starts into error codes', async () => {
    expect(await runItem(newRunningItem(item({ kernel: 'nope@1' })), deps())).toMatchObject({ status: 'failed', code: 'kernel_error', message: expect.stringContaining('unknown kernel nope@1') });
    expect(await runItem(newRunningItem(item({ params: { rounds: -1 } })), deps())).toMatchObject({ status: 'failed', code: 'kernel_error' });
    expect(await runItem(newRunningItem(item({ inputs: [{ name: 'plays', sha256: 'c'.repeat(64) }] })), deps())).toMatchObject({ status: 'failed', code: 'input_unavailable' });
    expect(await runItem(newRunningItem(item({ deadline: Date.now() - 1 })), deps())).toMatchObject({ status: 'failed', code: 'deadline_passed' });
  }, 60_000);
});

describe('runItem checkpoints', () => {
  const long = { rounds: 40_000_000, steps: 400 };

  it('stops between steps with a checkpoint, and a new run resumes there to the same output', async () => {
    const run = newRunningItem(item({ params: long }));
    const d = deps();
    const stopping = (async () => {
      while (run.step < 5) await new Promise((r) => setTimeout(r, 5));
      run.controller.abort();
    })();
    const stopped = await runItem(run, d);
    await stopping;
    expect(stopped.status).toBe('stopped');
    if (stopped.status !== 'stopped') return;
    expect(stopped.steps).toBeGreaterThan(0);
    expect(stopped.steps).toBeLessThan(400);
    const saved = await d.checkpoints.load(11);
    expect(saved).toMatchObject({ status: 'ok', header: { step: stopped.steps, replicaId: 11, wuId: 1 } });
    expect(uploads).toContainEqual(expect.objectContaining({ type: 'checkpoint', replicaId: 11, step: stopped.steps }));

    const again = newRunningItem(item({ params: long }));
    const finished = await runItem(again, deps());
    expect(again.resumedFrom).toBe(stopped.steps);
    expect(log.text()).toContain(`resumed replica=11 from step=${stopped.steps}`);
    if (finished.status !== 'finished') throw new Error(JSON.stringify(finished));
    expect(finished.result.output).toEqual(expectedBench(long, 42));
  }, 120_000);

  it('posts checkpoints every N ms of work; upload bytes hash to what the message says', async () => {
    const outcome = await runItem(newRunningItem(item({ params: long })), deps({ everyMs: 20 }));
    expect(outcome.status).toBe('finished');
    const sent = uploads.filter((m): m is Extract<AgentMessage, { type: 'checkpoint' }> => m.type === 'checkpoint');
    expect(sent.length).toBeGreaterThan(1);
    const publicKey = await importPublic(hostKeys.publicJwk);
    for (const m of sent) {
      expect(sha256Of(new Uint8Array(Buffer.from(m.data, 'base64')))).toBe(m.sha256);
      // Each upload is signed by this host over exactly this WU, replica, kernel, step and hash.
      await verifyCheckpoint(m.signature, publicKey, { wuId: 1, replicaId: 11, hostId: HOST, kernel: 'bench.hash@1', step: m.step, sha256: m.sha256 });
    }
    expect(log.text()).toMatch(/checkpoint saved replica=11 step=\d+ bytes=\d+ uploaded/);
  }, 120_000);

  it('detects a truncated checkpoint, sets it aside, and restarts cleanly from step 0', async () => {
    const store = new CheckpointStore(dataDir, log);
    const state = bench.init(bench.paramsSchema.parse(long), 42, noData);
    await store.save({ replicaId: 11, wuId: 1, kernel: 'bench.hash@1', step: 0 }, encodeSnapshot({ ...state, step: 0 }));
    const file = join(store.dir, '11.ckpt');
    const size = (await stat(file)).size;
    await truncate(file, size - 3);
    const run = newRunningItem(item({ params: long }));
    const outcome = await runItem(run, deps());
    expect(log.text()).toContain('checkpoint of replica=11 is corrupt');
    expect(run.resumedFrom).toBeNull();
    if (outcome.status !== 'finished') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.output).toEqual(expectedBench(long, 42));
    expect(log.text()).toMatch(/payload is \d+ bytes, header says \d+ \(truncated\?\)/);
    expect((await readFile(`${file}.bad`)).length).toBe(size - 3);
  }, 120_000);

  it('resumes a reissued replica from the coordinator checkpoint, and ignores one that fails its hash', async () => {
    const p = bench.paramsSchema.parse(long);
    let s = bench.init(p, 42, noData);
    for (let i = 0; i < 100; i++) s = bench.step(s, noData);
    const payload = encodeSnapshot(bench.checkpoint(s));
    const maker = { hostId: HOST, replicaId: 10, publicKey: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: hostKeys.publicJwk.x! } };
    const resumeFrom = { step: 100, sha256: sha256Of(payload), maker };
    const good = async (): Promise<RemoteCheckpoint> => ({ status: 'ok', step: 100, sha256: resumeFrom.sha256, payload });
    const run = newRunningItem(item({ params: long, resumeFrom }));
    const outcome = await runItem(run, deps({ fetchCheckpoint: good }));
    expect(run.resumedFrom).toBe(100);
    if (outcome.status !== 'finished') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.output).toEqual(expectedBench(long, 42));
    expect(log.text()).toContain('resumed replica=11 from step=100');

    const bad = async (): Promise<RemoteCheckpoint> => ({ status: 'unavailable', reason: 'data hashes to 0000 (corrupt)' });
    const again = newRunningItem(item({ replicaId: 12, params: long, resumeFrom }));
    const second = await runItem(again, deps({ fetchCheckpoint: bad }));
    expect(again.resumedFrom).toBeNull();
    expect(second.status).toBe('finished');
    expect(log.text()).toContain('no usable checkpoint from the coordinator for replica=12');
  }, 120_000);

  it('honours the duty cycle in the worker: busy time is about duty × elapsed', async () => {
    const outcome = await runItem(newRunningItem(item({ params: { rounds: 30_000_000, steps: 300 } })), deps({ duty: { duty: 0.25, suspended: false } }));
    if (outcome.status !== 'finished') throw new Error(JSON.stringify(outcome));
    const duty = outcome.result.cpuSeconds / outcome.result.elapsedSeconds;
    // Wall-clock duty (busy / elapsed in the worker), so it holds on a loaded machine too.
    expect(duty).toBeGreaterThan(0.15);
    expect(duty).toBeLessThan(0.35);
  }, 120_000);
});

describe('runItem suspension', () => {
  it('a suspended item waits between steps and carries on when the heat plan lets it', async () => {
    const run = newRunningItem(item({ params: { rounds: 2_000_000, steps: 50 } }));
    const done = runItem(run, deps({ duty: { duty: 1, suspended: true } }));
    while (run.step < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 400));
    expect(run.step).toBe(1);
    run.thread!.setThrottle({ duty: 1, suspended: false });
    const outcome = await done;
    expect(outcome.status).toBe('finished');
    expect(run.step).toBe(50);
  }, 60_000);
});

describe('runItem with a kernel that reads data sets', () => {
  const names = ['teams.crosswalk', 'spreadspoke.games'];
  const bySha = new Map<string, Uint8Array>();
  const shaOf = new Map<string, string>();
  let server: Server;
  let coordinator: string;
  beforeAll(async () => {
    for (const n of names) {
      const bytes = new Uint8Array(await readFile(datasetPath(n)));
      const sha = await sha256Hex(bytes);
      bySha.set(sha, bytes);
      shaOf.set(n, sha);
    }
    server = createServer((req, res) => {
      const bytes = bySha.get((req.url ?? '').replace('/api/v1/inputs/', ''));
      if (!bytes) return void res.writeHead(404).end();
      res.writeHead(200).end(bytes);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const seasonItem = (inputs: string[]) => item({
    kernel: 'mc.season@1', params: { season: 2023, nSims: 40, simsPerStep: 20 }, seed: 7,
    inputs: inputs.map((name) => ({ name, sha256: shaOf.get(name)! })),
  });
  const dataDeps = () => deps({ inputs: new InputStore({ dataDir, coordinator, credential: 'x'.repeat(20), log }) });

  it('fetches the inputs by sha256 and computes what a local run computes', async () => {
    const outcome = await runItem(newRunningItem(seasonItem(names)), dataDeps());
    expect(outcome.status).toBe('finished');
    if (outcome.status !== 'finished') return;
    const kernel = getKernel('mc.season@1');
    const expected = runKernelSync(kernel, kernel.paramsSchema.parse({ season: 2023, nSims: 40, simsPerStep: 20 }), 7, loadLocalKernelData(join(datasetPath('teams.crosswalk'), '../..'), names));
    expect(outcome.result.output).toEqual(expected);
    expect(outcome.result.steps).toBe(2);
  }, 60_000);

  it('reports a data set the item did not send as a kernel error', async () => {
    const outcome = await runItem(newRunningItem(seasonItem(['spreadspoke.games'])), dataDeps());
    expect(outcome).toMatchObject({ status: 'failed', code: 'kernel_error', message: expect.stringContaining("dataset 'teams.crosswalk'") });
  }, 60_000);
});

describe('runItem with a kernel that trains', () => {
  const trainMlp = getKernel('train.mlp@1');
  const params = { fold: { testSeason: 2019 }, hidden: [4], maxRows: 600, epochs: 4, batchSize: 64 };
  const names = datasetClosure(trainMlp.datasets(trainMlp.paramsSchema.parse(params)));
  const bySha = new Map<string, Uint8Array>();
  const inputs: WorkItem['inputs'] = [];
  let server: Server;
  beforeAll(async () => {
    for (const name of names) {
      const bytes = new Uint8Array(await readFile(datasetPath(name)));
      const sha256 = await sha256Hex(bytes);
      bySha.set(sha256, bytes);
      inputs.push({ name, sha256 });
    }
    server = createServer((req, res) => {
      const bytes = bySha.get((req.url ?? '').replace('/api/v1/inputs/', ''));
      if (!bytes) return void res.writeHead(404).end();
      res.writeHead(200).end(bytes);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('loads the wasm backend in its worker, checkpoints after every epoch, and says what it trained on', async () => {
    const coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const d = deps({ everyMs: 3_600_000, inputs: new InputStore({ dataDir, coordinator, credential: 'x'.repeat(20), log }) });
    const outcome = await runItem(newRunningItem(item({ kernel: 'train.mlp@1', params, inputs })), d);
    expect(outcome.status).toBe('finished');
    if (outcome.status !== 'finished') return;
    expect((outcome.result.output as { backends: string[] }).backends).toEqual(['wasm']);
    expect(log.text()).toMatch(/replica=11 trains on the TensorFlow\.js backend wasm/);
    // An hour between checkpoints, yet one after every epoch but the last (the saver may skip
    // one that a newer one overtakes while the first is written: never the first or the newest).
    const steps = uploads.map((m) => (m.type === 'checkpoint' ? m.step : null));
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(3);
    expect([...steps].sort()).toEqual(steps);
  }, 120_000);

  it('a kernel that does not train loads no backend', async () => {
    expect((await runItem(newRunningItem(item()), deps())).status).toBe('finished');
    expect(log.text()).not.toMatch(/trains on/);
  }, 60_000);
});

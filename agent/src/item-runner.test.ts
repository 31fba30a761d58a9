import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { datasetPath, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { canonicalJson } from '@nfl-grid/shared/util/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/util/sha256';
import type { Fault } from './fault';
import { HeatControl } from './heat';
import { InputStore } from './inputs';
import { runItem, type RunningItem } from './item-runner';
import { KernelDataCache } from './kernel-data';
import { captureLog } from './testing/capture-log';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nfl-agent-runner-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const item = (o: Partial<WorkItem> = {}): WorkItem => ({
  wuId: 1, replicaId: 11, kernel: 'bench.hash@1', params: { rounds: 200_000, steps: 8 }, seed: 42, inputs: [], costEstimate: 1,
  deadline: Date.now() + 60_000, resumeFrom: null, ...o,
});
const running = (i: WorkItem): RunningItem => ({ item: i, controller: new AbortController(), step: 0, totalSteps: 0, cancelled: false });
const deps = (fault: Fault = null) => ({
  inputs: new InputStore({ dataDir, coordinator: 'http://127.0.0.1:1', credential: 'x'.repeat(20), log: captureLog() }),
  data: new KernelDataCache(),
  heat: new HeatControl('high', 2),
  fault,
  log: captureLog(),
});

describe('runItem', () => {
  it('produces the kernel output, its canonical sha256, steps and timings', async () => {
    const run = running(item());
    const outcome = await runItem(run, deps());
    expect(outcome.status).toBe('finished');
    if (outcome.status !== 'finished') return;
    const kernel = getKernel('bench.hash@1');
    const expected = runKernelSync(kernel, kernel.paramsSchema.parse({ rounds: 200_000, steps: 8 }), 42, { dataset: () => { throw new Error('none'); } });
    expect(outcome.result).toMatchObject({ replicaId: 11, output: expected, steps: 8 });
    expect(outcome.result.outputSha256).toBe(await sha256Hex(canonicalJson(expected)));
    expect(outcome.result.cpuSeconds).toBeGreaterThan(0);
    expect(outcome.result.elapsedSeconds).toBeGreaterThan(0);
    expect(run).toMatchObject({ step: 8, totalSteps: 8 });
  });

  it('with the wrong-output drill, reports a perturbed output hashed consistently', async () => {
    const honest = await runItem(running(item()), deps());
    const faulty = await runItem(running(item()), deps('wrong-output'));
    if (honest.status !== 'finished' || faulty.status !== 'finished') throw new Error('expected both to finish');
    expect(faulty.result.output).not.toEqual(honest.result.output);
    expect(faulty.result.outputSha256).toBe(await sha256Hex(canonicalJson(faulty.result.output)));
  });

  it('stops between steps when aborted', async () => {
    const run = running(item({ params: { rounds: 50_000_000, steps: 1000 } }));
    setTimeout(() => run.controller.abort(), 30);
    const outcome = await runItem(run, deps());
    expect(outcome.status).toBe('stopped');
    if (outcome.status === 'stopped') expect(outcome.steps).toBeLessThan(1000);
  });

  it('turns unknown kernels, bad params, missing inputs and late starts into error codes', async () => {
    expect(await runItem(running(item({ kernel: 'nope@1' })), deps())).toMatchObject({ status: 'failed', code: 'kernel_error', message: expect.stringContaining('unknown kernel nope@1') });
    expect(await runItem(running(item({ params: { rounds: -1 } })), deps())).toMatchObject({ status: 'failed', code: 'kernel_error' });
    expect(await runItem(running(item({ inputs: [{ name: 'plays', sha256: 'c'.repeat(64) }] })), deps())).toMatchObject({ status: 'failed', code: 'input_unavailable' });
    expect(await runItem(running(item({ deadline: Date.now() - 1 })), deps())).toMatchObject({ status: 'failed', code: 'deadline_passed' });
  });
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
  const dataDeps = () => ({ ...deps(), inputs: new InputStore({ dataDir, coordinator, credential: 'x'.repeat(20), log: captureLog() }) });

  it('fetches the inputs by sha256 and computes what a local run computes', async () => {
    const outcome = await runItem(running(seasonItem(names)), dataDeps());
    expect(outcome.status).toBe('finished');
    if (outcome.status !== 'finished') return;
    const kernel = getKernel('mc.season@1');
    const expected = runKernelSync(kernel, kernel.paramsSchema.parse({ season: 2023, nSims: 40, simsPerStep: 20 }), 7, loadLocalKernelData(join(datasetPath('teams.crosswalk'), '../..'), names));
    expect(outcome.result.output).toEqual(expected);
    expect(outcome.result.steps).toBe(2);
  }, 30_000);

  it('reports a data set the item did not send as a kernel error', async () => {
    const outcome = await runItem(running(seasonItem(['spreadspoke.games'])), dataDeps());
    expect(outcome).toMatchObject({ status: 'failed', code: 'kernel_error', message: expect.stringContaining("dataset 'teams.crosswalk'") });
  }, 30_000);
});

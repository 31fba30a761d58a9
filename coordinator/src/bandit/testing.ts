import { createLocalJWKSet } from 'jose';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { datasetClosure } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import type { KernelData } from '@nfl-grid/shared/kernels/types';
import type { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { importPublic, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { verifyWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { canonicalJson } from '@nfl-grid/shared/util/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/util/sha256';
import type { TestHost } from '../../../test/support/grid-fixtures';
import type { AgentSession } from '../gateway/agent-session';
import type { Grid } from '../coordinator';
import { recordReplicaFailures } from '../queue/record-replica-errors';
import { reportResults } from '../queue/report-results';
import { submitBatch } from '../queue/submit-batch';

/*
 * Test support for the bandit: agent sessions that keep what the scheduler sends them, and a
 * volunteer that verifies each signed packet, runs the real kernels on the real data and reports
 * (or reports a kernel error where the test says the kernel fails).
 */

export const SEASON = 'mc.season@1';
export const BENCH = 'bench.hash@1';

export interface TestSession extends AgentSession { sent: CoordinatorMessage[] }

export async function sessionFor(h: TestHost): Promise<TestSession> {
  const { publicJwk } = await newEd25519KeyPair();
  const sent: CoordinatorMessage[] = [];
  return {
    hostId: h.id, ownerId: h.ownerId, kernels: h.claiming.kernels, gpu: h.claiming.gpu, memoryMb: h.claiming.memoryMb,
    benchmarkFlops: h.benchmarkFlops, publicKey: await importPublic(publicJwk), paused: false, lastProgressWrite: 0,
    sent, closed: false,
    send: (msg) => void sent.push(msg),
    close() {},
  };
}

/** Submits a batch of either kernel with quorum 1 (one replica per WU), through the real submitBatch. */
export async function submitArmBatch(grid: Grid, ownerId: string, kernel: 'bench' | 'season', over: Partial<BatchSpecInput> & { n?: number } = {}) {
  const { n = 10, ...rest } = over;
  const base: BatchSpecInput = kernel === 'bench'
    ? { name: `bench-${n}`, kernel: 'bench.hash', params: { rounds: 200, steps: 1 }, replicates: n, seed: 3 }
    : { name: `season-${n}`, kernel: 'mc.season', params: { nSims: 10, simsPerStep: 10 }, grid: { season: [2019, 2020, 2021, 2022, 2023] }, replicates: Math.ceil(n / 5), seed: 5 };
  return submitBatch(grid, ownerId, BatchSpec.parse({ policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 600 }, ...base, ...rest }));
}

const dataCache = new Map<string, KernelData>();

/** What an honest host computes for a work item. */
export function computeOutput(item: Pick<WorkItem, 'kernel' | 'params' | 'seed'>): unknown {
  const kernel = getKernel(item.kernel);
  const p = kernel.paramsSchema.parse(item.params);
  const names = datasetClosure(kernel.datasets(p));
  const key = names.join(',');
  let data = dataCache.get(key);
  if (!data) dataCache.set(key, (data = loadLocalKernelData(DEFAULT_DATA_DIR, names)));
  return runKernelSync(kernel, p, item.seed, data);
}

/** The items of every work packet sent to the session since `from`, verified as an agent does. */
export async function packetsOf(grid: Grid, s: TestSession, from = 0): Promise<WorkItem[][]> {
  const keys = createLocalJWKSet(await grid.keys.jwks());
  const packets = s.sent.slice(from).filter((m): m is Extract<CoordinatorMessage, { type: 'work' }> => m.type === 'work');
  return Promise.all(packets.map(async (m) => (await verifyWorkPacket(m.jws, keys, s.hostId)).items));
}

/**
 * One work request of a volunteer: ask the scheduler for up to `max` replicas, then run each one
 * and report it, or report a kernel error for items `fails` picks. Returns the items received.
 */
export async function volunteerRound(grid: Grid, requestWork: (s: TestSession, max: number) => Promise<boolean>, s: TestSession, h: TestHost, opts: {
  max?: number; fails?: (item: WorkItem) => boolean;
} = {}): Promise<WorkItem[]> {
  const from = s.sent.length;
  if (!(await requestWork(s, opts.max ?? 4))) return [];
  const items = (await packetsOf(grid, s, from)).flat();
  const failing = items.filter((i) => opts.fails?.(i));
  const good = items.filter((i) => !failing.includes(i));
  if (failing.length) {
    await recordReplicaFailures(grid.db, h.id, failing.map((i) => ({ replicaId: i.replicaId, state: 'errored', code: 'kernel_error', message: 'the kernel threw' })));
  }
  if (good.length) {
    const results = await Promise.all(good.map(async (i) => {
      const output = computeOutput(i);
      return {
        replicaId: i.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)),
        cpuSeconds: i.costEstimate / h.benchmarkFlops, elapsedSeconds: 0.01, steps: getKernel(i.kernel).totalSteps(i.params),
      };
    }));
    await reportResults(grid.db, h.id, h.benchmarkFlops, results);
  }
  return items;
}

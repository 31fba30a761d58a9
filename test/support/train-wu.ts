import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { loadTfBackend } from '@nfl-grid/shared/learn/tf-backend';
import { eventually } from './api-client';
import type { TestGrid } from './grid-harness';

/*
 * A small train.mlp@1 WU for whole-system tests of training agents: a few thousand rows, many
 * short epochs (one checkpoint after each), and what an uninterrupted run on the wasm backend —
 * the one an agent without a GPU trains on — produces for a seed.
 */

const trainMlp = getKernel('train.mlp@1');
export const TRAIN_PARAMS = { fold: { testSeason: 2019 }, hidden: [16, 8], maxRows: 4000, epochs: 16, batchSize: 16 };
const uninterruptedBySeed = new Map<number, unknown>();

/** The output of an uninterrupted run on the wasm backend, loaded in this thread. */
export async function uninterruptedTraining(seed: number): Promise<unknown> {
  if (!uninterruptedBySeed.has(seed)) {
    expect((await loadTfBackend({ order: ['wasm'] })).backend).toBe('wasm');
    const p = trainMlp.paramsSchema.parse(TRAIN_PARAMS);
    uninterruptedBySeed.set(seed, runKernelSync(trainMlp, p, seed, loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(p))));
  }
  return uninterruptedBySeed.get(seed);
}

/** Submits a one-WU train.mlp batch with quorum 1; returns its id. */
export async function submitTraining(g: TestGrid, seed = 7): Promise<string> {
  const researcher = await g.createUser(`res-${Math.random().toString(36).slice(2, 7)}`, 'researcher');
  const r = await researcher.api.post('/api/v1/batches', {
    name: 'small mlp', kernel: 'train.mlp@1', seed, params: TRAIN_PARAMS, policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900 },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.batchId as string;
}

export interface ReportedTraining {
  replicaId: number;
  hostId: string;
  /** The backend the host reported in `hello` (hosts.backend). */
  hostBackend: string | null;
  /** The backend the result itself names (replicas.backend). */
  resultBackend: string | null;
  output: { backends: string[]; epochsRun: number } & Record<string, unknown>;
  seed: number;
}

/** Waits until the batch's WU has a reported replica; returns it. */
export async function reportedTraining(g: TestGrid, batchId: string, timeoutMs = 240_000): Promise<ReportedTraining> {
  const db = g.testDb.db;
  const row = await eventually(async () => {
    const [r] = await db.rows<{ id: number; host_id: string; backend: string | null; result_backend: string | null; output: ReportedTraining['output']; seed: number }>(sql`
      SELECT r.id, r.host_id, h.backend, r.backend AS result_backend, r.output, w.seed
      FROM work_units w JOIN replicas r ON r.wu_id = w.id JOIN hosts h ON h.id = r.host_id
      WHERE w.batch_id = ${batchId} AND r.state = 'reported'`);
    return r ?? null;
  }, timeoutMs, 'a reported train.mlp replica');
  return { replicaId: row.id, hostId: row.host_id, hostBackend: row.backend, resultBackend: row.result_backend, output: row.output, seed: Number(row.seed) };
}

/** Waits until the batch's WU is done (validated); returns its canonical replica's id and verdict. */
export async function validatedTraining(g: TestGrid, batchId: string, timeoutMs = 60_000): Promise<{ canonical: number; validateState: string }> {
  const db = g.testDb.db;
  return eventually(async () => {
    const [r] = await db.rows<{ id: number; validate_state: string }>(sql`
      SELECT r.id, r.validate_state FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
      WHERE w.batch_id = ${batchId} AND w.state = 'done'`);
    return r ? { canonical: r.id, validateState: r.validate_state } : null;
  }, timeoutMs, 'the train.mlp WU validated');
}

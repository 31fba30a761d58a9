import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { validationPlays } from '@nfl-grid/shared/kernels/train/mlp-data';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import { fedAverage } from '@nfl-grid/shared/learn/fed-average';
import { rescorePlays } from '@nfl-grid/shared/learn/rescore';
import { eventually } from './support/api-client';
import { dbKinds } from './support/test-db';
import { startTestGrid, type TestGrid } from './support/grid-harness';

/*
 * A federated plan run through a real coordinator by two real agent processes: three rounds of
 * two shards of a small train.mlp. Each round after the first carries, in every shard's `init`,
 * the examples-weighted average of the previous round's canonical outputs; the plan state holds
 * each round's averaged validation scores; the batch ends on its rounds criterion and the best
 * round's average is offered to the registry with the WUs that made it as lineage (no shard's
 * own network is offered).
 */

const PARAMS = { fold: { testSeason: 2019 }, hidden: [16, 8], maxRows: 4000, epochs: 3, batchSize: 16 };
const trainMlp = getKernel('train.mlp@1');

let grid: TestGrid | null = null;
afterEach(async () => {
  await grid?.stop();
  grid = null;
});

interface Wu { id: number; stage: number; seed: number; params: Record<string, unknown> & { init?: unknown }; output: TrainMlpOutput }

// Training dominates this run, not the database: it runs on the last database kind (PostgreSQL in CI);
// the plan's database work is tested on both in coordinator/src/plans/federated.test.ts.
describe.each([dbKinds().at(-1)!])('federated rounds through the grid (%s)', (kind) => {
  it('averages each round into the next, ends after its rounds and offers the best average', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('fed-res', 'researcher');
    const sub = await researcher.api.post('/api/v1/batches', {
      name: 'fedavg', kernel: 'train.mlp@1', seed: 3, params: PARAMS,
      policy: { minQuorum: 1, adaptive: false, delayBoundSeconds: 900 }, plan: { kind: 'federated', shards: 2, rounds: 3 },
    });
    expect(sub.status, sub.text).toBe(201);
    const batchId = sub.body.batchId as string;
    await grid.volunteerAgent('fed-a', { intensity: 'inferno' });
    await grid.volunteerAgent('fed-b', { intensity: 'inferno' });

    const batch = await eventually(async () => {
      const r = await researcher.api.get(`/api/v1/batches/${batchId}`);
      return r.body.state === 'done' ? r.body : null;
    }, 1_500_000, 'the federated batch done');
    const state = batch.planState;
    expect(batch.wuCount).toBe(6);
    expect(state.rounds.map((r: { round: number; shardsAveraged: number }) => [r.round, r.shardsAveraged])).toEqual([[0, 2], [1, 2], [2, 2]]);
    expect(state.ended).toMatchObject({ reason: '3 rounds done', note: null });

    const wus = await grid.testDb.db.rows<Wu>(sql`
      SELECT w.id, w.stage, w.seed, w.params, r.output FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
       WHERE w.batch_id = ${batchId} AND w.state = 'done' ORDER BY w.stage, w.seq`);
    const round = (k: number) => wus.filter((w) => w.stage === k);
    expect(round(0).every((w) => w.params.init === undefined && Number(w.seed) === Number(round(0)[0]!.seed))).toBe(true);
    const p = trainMlp.paramsSchema.parse(PARAMS);
    const valPlays = validationPlays(loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(p)), p);
    for (let k = 0; k < 3; k++) {
      const avg = fedAverage(round(k).map((w) => ({ model: w.output.model, examples: w.output.rows.fit })));
      expect(round(k).map((w) => (w.params.shard as { index: number }).index)).toEqual([0, 1]);
      if (k < 2) for (const next of round(k + 1)) expect(next.params.init).toEqual(avg);
      expect(state.rounds[k].validation.logLoss).toBeCloseTo(rescorePlays(avg, valPlays).logLoss, 7);
      expect(state.rounds[k].wuIds).toEqual(round(k).map((w) => Number(w.id)));
    }
    const best = state.bestRound as number;
    const lowest = Math.min(...state.rounds.map((r: { validation: { logLoss: number } }) => r.validation.logLoss));
    expect(state.rounds[best].validation.logLoss).toBe(lowest);

    const models = await researcher.api.get('/api/v1/models?name=cover');
    const mine = models.body.models.filter((m: { lineage: { batchId: string } }) => m.lineage.batchId === batchId);
    expect(mine.map((m: { id: string }) => m.id)).toEqual([state.ended.modelId]);
    expect(mine[0].lineage.wuIds.map(Number)).toEqual(wus.filter((w) => w.stage <= best).map((w) => Number(w.id)));
    expect(mine[0].metrics.overall).toMatchObject({ rounds: best + 1, bestRound: best, validationLogLoss: lowest });
    const artifact = await researcher.api.get(`/api/v1/models/${state.ended.modelId}/artifact`);
    expect(artifact.body.layers).toEqual(state.best.layers);
  }, 1_600_000);
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { playsDataset, type ParsedPlays } from '../../data/gamestate/plays';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { checkClaim, rescorePlays } from '../../learn/rescore';
import { loadTfBackend } from '../../learn/tf-backend';
import { MlpArtifact } from '../../models/mlp-artifact';
import { coverMetrics } from '../cover/metrics';
import { getKernel } from '../registry';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';
import { base64ToF32, f32ToBase64 } from './mlp-checkpoint';
import { validationPlays } from './mlp-data';
import { trainMlp } from './mlp-kernel';
import { REPLICA_TOLERANCE } from './mlp-output';
import { TrainMlpParams } from './mlp-params';
import { validateTrainMlp } from './mlp-validate';

const small = TrainMlpParams.parse({ fold: { testSeason: 2019 }, featureSet: 'full', maxRows: 12_000, epochs: 4, batchSize: 256, optimizer: { name: 'adam', learningRate: 0.003 } });
// The agent's data: every season but the test season. The held-out season is the coordinator's.
const data = loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(small));
const heldOut = loadLocalKernelData(DEFAULT_DATA_DIR, ['gamestate.games', playsDataset(2019)]).dataset<ParsedPlays>(playsDataset(2019)).rows;

describe('train.mlp params', () => {
  it('has defaults, is registered, and never reads the test season', () => {
    const p = TrainMlpParams.parse({ fold: { testSeason: 2015 } });
    expect(p).toMatchObject({ dataset: 'cover', featureSet: 'state', target: 'cover', hidden: [32, 16], activation: 'relu', epochs: 10, batchSize: 512 });
    expect(p.optimizer).toEqual({ name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(getKernel('train.mlp@1')).toBe(trainMlp);
    expect(trainMlp.capabilities.gpu).toBe('optional');
    expect(trainMlp.datasets(p)).toHaveLength(11);
    expect(trainMlp.datasets(p)).not.toContain('gamestate.plays_2015');
    expect(trainMlp.datasets(small)).not.toContain('gamestate.plays_2019');
  });

  it('rejects bad params and an init model of another shape', () => {
    for (const bad of [{}, { fold: { testSeason: 2008 } }, { fold: { testSeason: 2019 }, featureSet: 'all' }, { fold: { testSeason: 2019 }, seed: 1 },
      { fold: { testSeason: 2019 }, optimizer: { name: 'sgd' } }, { fold: { testSeason: 2019 }, hidden: [0] }, { fold: { testSeason: 2019 }, maxRows: 5 }]) {
      expect(TrainMlpParams.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    const init = trainMlp.finish(trainMlp.step(trainMlp.init(small, 1, data), data), data).model;
    expect(TrainMlpParams.safeParse({ ...small, init }).success).toBe(true);
    expect(TrainMlpParams.safeParse({ ...small, featureSet: 'state', init }).success).toBe(false);
    expect(TrainMlpParams.safeParse({ ...small, hidden: [32, 8], init }).success).toBe(false);
  });

  it('estimates cost in proportion to examples × parameters × epochs', () => {
    const c = (o: object) => trainMlp.costEstimate(TrainMlpParams.parse({ fold: { testSeason: 2019 }, ...o }));
    expect(c({ epochs: 20 })).toBeGreaterThan(1.9 * c({ epochs: 10 }) - 1e9);
    expect(c({ hidden: [64, 32] })).toBeGreaterThan(c({ hidden: [32, 16] }));
    expect(c({ maxRows: 1000 })).toBeLessThan(c({}));
  });

  it('stores float32 arrays in checkpoints bit for bit', () => {
    const a = Float32Array.from([0.1, -3.5e-12, 1e30, 0, -0]);
    expect(base64ToF32(f32ToBase64(a))).toEqual(a);
  });
});

describe('train.mlp run (wasm)', () => {
  let out: ReturnType<typeof trainMlp.finish>;
  beforeAll(async () => {
    expect((await loadTfBackend({ order: ['wasm'] })).backend).toBe('wasm');
    out = runKernelSync(trainMlp, small, 11, data);
  });

  it('returns a valid artifact that beats a constant forecast on the held-out season', () => {
    expect(MlpArtifact.safeParse(out.model).success).toBe(true);
    expect(out).toMatchObject({ testSeason: 2019, validationSeason: 2018, rows: { fit: 12_000, validation: 12_000 }, epochsRun: 4, backends: ['wasm'] });
    expect(out.parameterCount).toBe(10 * 32 + 32 + 32 * 16 + 16 + 16 + 1);
    expect(out.examplesProcessed).toBe(4 * 12_000);
    expect(out.work).toBe(out.examplesProcessed * out.parameterCount);
    expect(out.claimed).toEqual({ season: 2018, ...out.epochs[out.bestEpoch - 1].validation });
    const test = rescorePlays(out.model, heldOut);
    const base = heldOut.reduce((s, p) => s + p.covered, 0) / heldOut.length;
    const constant = coverMetrics(new Array(heldOut.length).fill(base), heldOut.map((p) => p.covered));
    expect(test.logLoss).toBeLessThan(constant.logLoss - 0.1);
    expect(test.brier).toBeLessThan(constant.brier - 0.04);
  });

  it('passes the coordinator’s re-scoring; poisoned weights do not', () => {
    const verdict = validateTrainMlp(out, validationPlays(data, small), heldOut);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.ok).toBe(true);
    const last = out.model.layers.length - 1;
    const poisoned = structuredClone(out);
    poisoned.model.layers[last].weights = poisoned.model.layers[last].weights.map((w) => -w);
    expect(validateTrainMlp(poisoned, validationPlays(data, small), heldOut).ok).toBe(false);
    const lying = structuredClone(out);
    lying.claimed.logLoss -= 0.01;
    expect(validateTrainMlp(lying, validationPlays(data, small), heldOut).reasons).toEqual([expect.stringMatching(/^validation season: logLoss/)]);
    expect(trainMlp.compare(out, poisoned)).toBe(true); // shapes and claims agree: only re-scoring tells them apart
    expect(trainMlp.compare(out, lying)).toBe(false);
  });

  it('is the same again with the same seed, different with another', () => {
    expect(runKernelSync(trainMlp, small, 11, data)).toEqual(out);
    const other = runKernelSync(trainMlp, small, 12, data);
    expect(other.model.layers[0].weights).not.toEqual(out.model.layers[0].weights);
    expect(trainMlp.compare(out, other)).toBe(checkClaim(out.claimed, other.claimed, REPLICA_TOLERANCE).ok);
  });

  it('resumed from JSON checkpoints equals the uninterrupted run, with a flat tensor count', () => {
    const before = tf.memory().numTensors;
    const fresh = loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(small));
    expect(runWithRestarts(trainMlp, small, 11, data, [1, 3], fresh)).toEqual(out);
    let s = trainMlp.init(small, 11, data);
    for (let e = 0; e < 2; e++) {
      s = trainMlp.step(s, data);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() => trainMlp.restore({ ...small, epochs: 5 }, trainMlp.checkpoint(s), data)).toThrow(/does not belong/);
  });

  it('goes on from a wasm checkpoint on cpu, within the replica tolerance', async () => {
    let s = trainMlp.init(small, 11, data);
    s = trainMlp.step(trainMlp.step(s, data), data);
    const snap = JSON.parse(JSON.stringify(trainMlp.checkpoint(s)));
    await loadTfBackend({ order: ['cpu'] });
    try {
      let r = trainMlp.restore(small, snap, data);
      while (trainMlp.stepOf(r) < small.epochs) r = trainMlp.step(r, data);
      const mixed = trainMlp.finish(r, data);
      expect(mixed.backends).toEqual(['wasm', 'cpu']);
      expect(trainMlp.compare(out, mixed)).toBe(true);
    } finally {
      await loadTfBackend({ order: ['wasm'] });
    }
  });

  it('stops early after `patience` epochs without a better validation loss', () => {
    const p = TrainMlpParams.parse({ ...small, epochs: 6, patience: 1, optimizer: { name: 'adam', learningRate: 0.3 } });
    const o = runKernelSync(trainMlp, p, 11, data);
    expect(o.epochsRun).toBeLessThan(6);
    expect(o.epochsRun).toBe(o.bestEpoch + 1);
    expect(o.examplesProcessed).toBe(o.epochsRun * 12_000);
  });
});

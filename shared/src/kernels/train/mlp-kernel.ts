import { FEATURE_SETS } from '../../learn/cover-rows';
import { glorotInit, layerSizes, parameterCount, predict, trainEpoch, zeroMoments, type MlpShape } from '../../learn/mlp-tf';
import { checkClaim } from '../../learn/rescore';
import { ensureTfBackend } from '../../learn/tf-backend';
import { MLP_FORMAT, type MlpArtifact } from '../../models/mlp-artifact';
import { coverMetrics } from '../cover/metrics';
import { seasonPlaysDatasets } from '../cover/plays';
import { Rng, shuffledOrder } from '../../math/rng';
import { round } from '../../math/round';
import type { Kernel } from '../types';
import { fromCheckpoint, toCheckpoint, type TrainMlpState } from './mlp-checkpoint';
import { costEstimateOf, shapeOf } from './mlp-cost';
import { trainRows } from './mlp-data';
import { fitSeasons, TrainMlpParams, validationSeason } from './mlp-params';
import { REPLICA_TOLERANCE, type TrainMlpOutput } from './mlp-output';
import { trainMlpVerifier } from './mlp-validate';

/*
 * train.mlp@1: a feed-forward network for the in-game cover probability, trained with
 * TensorFlow.js (on whatever backend the host loaded: shared/src/learn/tf-backend.ts) on the fit
 * seasons of one fold, one epoch per step, validated after every epoch on the validation season
 * (mlp-params.ts states which seasons). The output carries the weights of the epoch with the
 * lowest validation log loss as an MlpArtifact, and that epoch's validation scores as the claim
 * the coordinator re-scores (shared/src/learn/rescore.ts).
 *
 * The WU's seed draws the initial weights and then each epoch's shuffle from one stream, whose
 * state is in the checkpoint (mlp-checkpoint.ts), as are the Adam moments.
 */

const RNG_STREAM = 0x6d6c70;

const arrayLengths = (shape: MlpShape): number[] => layerSizes(shape).flatMap(([i, u]) => [i * u, u]);

function initialWeights(p: TrainMlpParams, rng: Rng): Float32Array[] {
  if (!p.init) return glorotInit(shapeOf(p), rng);
  return p.init.layers.flatMap((l) => [Float32Array.from(l.weights), Float32Array.from(l.bias)]);
}

function artifactOf(p: TrainMlpParams, scaler: MlpArtifact['scaler'], weights: readonly Float32Array[]): MlpArtifact {
  const layers = layerSizes(shapeOf(p)).map(([inputs, units], l) => ({
    inputs, units, activation: l === p.hidden.length ? 'sigmoid' as const : p.activation,
    weights: Array.from(weights[2 * l]), bias: Array.from(weights[2 * l + 1]),
  }));
  return { format: MLP_FORMAT, features: [...FEATURE_SETS[p.featureSet]], scaler: { mean: [...scaler.mean], sd: [...scaler.sd] }, layers };
}

const r8 = (x: number) => round(x, 8);


export const trainMlp: Kernel<TrainMlpParams, TrainMlpState, TrainMlpOutput> = {
  name: 'train.mlp',
  version: 1,
  title: 'Cover probability: train a feed-forward network (TensorFlow.js) on one leave-one-season-out fold',
  paramsSchema: TrainMlpParams,
  capabilities: { gpu: 'optional', minMemoryMb: 1024 },
  datasets: (p) => seasonPlaysDatasets([...fitSeasons(p.fold.testSeason), validationSeason(p.fold.testSeason)]),
  costEstimate: costEstimateOf,
  totalSteps: (p) => p.epochs,
  init(p, seed) {
    const rng = Rng.create(seed, RNG_STREAM);
    const weights = initialWeights(p, rng);
    return {
      params: p, step: 0, rng: rng.exportState(), weights, adam: zeroMoments(weights),
      best: null, history: [], sinceBest: 0, stopped: false, examples: 0, backends: [],
    };
  },
  step(s, data) {
    const p = s.params;
    if (!s.stopped) {
      const backend = ensureTfBackend(), rows = trainRows(data, p), shape = shapeOf(p);
      if (!s.backends.includes(backend)) s.backends.push(backend);
      const rng = Rng.fromState(s.rng), order = shuffledOrder(rows.fit.n, rng);
      const r = trainEpoch(shape, s.weights, s.adam, p.optimizer, rows.fit, order, p.batchSize);
      const validation = coverMetrics(predict(shape, r.params, rows.validation.x, rows.validation.n), rows.validation.y);
      const epoch = s.step + 1;
      s.history.push({ epoch, trainLoss: r.trainLoss, validation });
      if (!s.best || validation.logLoss < s.best.validation.logLoss) {
        s.best = { epoch, weights: r.params.map((w) => w.slice()), validation };
        s.sinceBest = 0;
      } else {
        s.sinceBest++;
      }
      if (p.patience !== undefined && s.sinceBest >= p.patience) s.stopped = true;
      s.weights = r.params;
      s.adam = r.adam;
      s.rng = rng.exportState();
      s.examples += rows.fit.n;
    }
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: toCheckpoint,
  restore: (p, snap) => fromCheckpoint(p, snap, arrayLengths(shapeOf(p))),
  finish(s, data) {
    const p = s.params, rows = trainRows(data, p), best = s.best;
    if (!best) throw new Error('train.mlp: finish before any epoch');
    const parameters = parameterCount(shapeOf(p));
    const scores = (m: typeof best.validation) => ({ n: m.n, logLoss: r8(m.logLoss), brier: r8(m.brier), calibrationError: r8(m.calibrationError) });
    return {
      model: artifactOf(p, rows.scaler, best.weights),
      featureSet: p.featureSet,
      testSeason: p.fold.testSeason,
      validationSeason: rows.validationSeason,
      fitSeasons: rows.fitSeasons,
      rows: { fit: rows.fit.n, validation: rows.validation.n },
      epochs: s.history.map((h) => ({ epoch: h.epoch, trainLoss: r8(h.trainLoss), validation: scores(h.validation) })),
      bestEpoch: best.epoch,
      epochsRun: s.history.length,
      claimed: { season: rows.validationSeason, ...scores(best.validation) },
      examplesProcessed: s.examples,
      parameterCount: parameters,
      work: s.examples * parameters,
      backends: [...s.backends],
    };
  },
  /**
   * Replicas agree when they trained the same network on the same rows and their claimed
   * validation scores are within REPLICA_TOLERANCE (backends differ in float rounding, so weights
   * are never compared). The coordinator re-scores each claim first (mlp-validate.ts) and compares
   * replicas on the re-scored figures.
   */
  compare: (a, b) => a.model.features.join() === b.model.features.join()
    && a.model.layers.map((l) => `${l.inputs}x${l.units}:${l.activation}`).join() === b.model.layers.map((l) => `${l.inputs}x${l.units}:${l.activation}`).join()
    && a.testSeason === b.testSeason && a.rows.fit === b.rows.fit && a.rows.validation === b.rows.validation
    && checkClaim(a.claimed, b.claimed, REPLICA_TOLERANCE).ok,
  verify: trainMlpVerifier,
};

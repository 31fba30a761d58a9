import { glorotInit, layerSizes, parameterCount, trainEpoch, zeroMoments, type AdamMoments, type MlpShape } from '../../learn/mlp-tf';
import { ensureTfBackend, type TfBackend } from '../../learn/tf-backend';
import { Rng, shuffledOrder, type RngState } from '../../math/rng';
import { round } from '../../math/round';
import { loadFamily, type FamilyArtifact } from '../../sports/families/index';
import { fitLogistic } from '../../sports/families/logistic';
import { MLP_DEFAULTS, mlpFromArtifact, type MlpArtifact } from '../../sports/families/mlp';
import { fitScaler, scale, type Scaler } from '../../sports/families/standardise';
import { brier, logLoss } from '../../sports/families/walk-forward';
import type { GameTable, GameTableRow } from '../../sports/game-table';
import type { Kernel, KernelData } from '../types';
import { base64ToF32, f32ToBase64 } from './mlp-checkpoint';
import { SPORT_DATASETS, TrainSportParams } from './sport-params';
import { sportFold, sportTable } from './sport-table';
import { trainSportVerifier, SPORT_REPLICA_TOLERANCE, type TrainSportOutput } from './sport-validate';

/*
 * train.sport@1: one pre-game model family (sports/families) of one sport, trained walk-forward on
 * the seasons before the WU's test season and scored on that season's games. The mlp family runs
 * one epoch per step (weights, Adam moments and the shuffle stream are checkpointed after each, as
 * train.mlp@1 does); the logistic family is one step. The output carries the family artifact and
 * its per-game predictions of the test season, which the coordinator re-scores (sport-validate.ts)
 * and stores with the registry model.
 */

const RNG_STREAM = 0x73706f;
const FORMAT = 'nfl-grid.train.sport-checkpoint/1';

interface TrainSportState {
  params: TrainSportParams;
  step: number;
  rng: RngState;
  weights: Float32Array[];
  adam: AdamMoments;
  /** The logistic family's artifact once fitted. */
  fitted: FamilyArtifact | null;
  examples: number;
  backends: TfBackend[];
}

const shapeOf = (table: GameTable): MlpShape => ({ inputs: table.features.length, hidden: MLP_DEFAULTS.hidden, activation: 'relu' });
const lengthsOf = (shape: MlpShape) => layerSizes(shape).flatMap(([i, u]) => [i * u, u]);
const totalSteps = (p: TrainSportParams) => (p.family === 'mlp' ? p.epochs : 1);

/** The mlp run's scaler: the init model's, or fitted on the training rows. */
function scalerOf(p: TrainSportParams, table: GameTable, train: readonly GameTableRow[]): Scaler {
  return p.init ? (p.init as unknown as MlpArtifact).scaler : fitScaler(train.map((r) => r.x), table.features.length);
}

function mlpArtifact(p: TrainSportParams, table: GameTable, train: readonly GameTableRow[], weights: readonly Float32Array[]): MlpArtifact {
  return { family: 'mlp', version: 1, features: [...table.features], shape: shapeOf(table), scaler: scalerOf(p, table, train), params: weights.map((w) => Array.from(w)) };
}

function initialWeights(p: TrainSportParams, table: GameTable, rng: Rng): Float32Array[] {
  if (p.init) {
    const a = p.init as unknown as MlpArtifact;
    loadFamily(a, table.features); // throws on a foreign artifact or other features
    if (a.family !== 'mlp' || JSON.stringify(a.shape) !== JSON.stringify(shapeOf(table))) throw new Error('train.sport: init is not an mlp of this shape');
    return a.params.map((w) => Float32Array.from(w));
  }
  return glorotInit(shapeOf(table), rng);
}

function epochData(p: TrainSportParams, table: GameTable, train: readonly GameTableRow[]) {
  const k = table.features.length, s = scalerOf(p, table, train), x = new Float32Array(train.length * k);
  train.forEach((r, i) => x.set(scale(s, r.x), i * k));
  return { x, y: Uint8Array.from(train, (r) => (r.homeWin > 0.5 ? 1 : 0)), n: train.length };
}


const r8 = (x: number) => round(x, 8);

function foldOf(data: KernelData, p: TrainSportParams) {
  const table = sportTable(data, p.sport);
  return { table, ...sportFold(table, p.testSeason) };
}

export const trainSport: Kernel<TrainSportParams, TrainSportState, TrainSportOutput> = {
  name: 'train.sport',
  version: 1,
  title: 'Pre-game win probability: train one model family of a sport on the seasons before a test season, scored on that season',
  paramsSchema: TrainSportParams,
  capabilities: { gpu: 'optional', minMemoryMb: 512 },
  datasets: (p) => SPORT_DATASETS[p.sport],
  // ~1,300 games a season: the table (1e9), then per epoch ≈ rows × parameters × 15 flops plus per-row overhead
  costEstimate: (p) => 1e9 + (p.family === 'mlp' ? p.epochs * 20_000 * (400 * 15 + 3_000) : 5e9),
  totalSteps,
  init(p, seed, data) {
    const rng = Rng.create(seed, RNG_STREAM), { table } = foldOf(data, p);
    const weights = p.family === 'mlp' ? initialWeights(p, table, rng) : [];
    return { params: p, step: 0, rng: rng.exportState(), weights, adam: zeroMoments(weights), fitted: null, examples: 0, backends: [] };
  },
  step(s, data) {
    const p = s.params, { table, train } = foldOf(data, p);
    if (train.length < 10) throw new Error(`train.sport: ${train.length} training games before ${p.testSeason}`);
    if (p.family === 'logistic') {
      s.fitted = fitLogistic(table, train).toArtifact();
    } else {
      const backend = ensureTfBackend(), rng = Rng.fromState(s.rng);
      if (!s.backends.includes(backend)) s.backends.push(backend);
      const cfg = { learningRate: p.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
      const r = trainEpoch(shapeOf(table), s.weights, s.adam, cfg, epochData(p, table, train), shuffledOrder(train.length, rng), p.batchSize);
      s.weights = r.params;
      s.adam = r.adam;
      s.rng = rng.exportState();
    }
    s.examples += train.length;
    s.step++;
    return s;
  },
  stepOf: (s) => s.step,
  checkpoint: (s) => ({
    format: FORMAT, params: s.params, step: s.step, rng: { s: [...s.rng.s], spare: s.rng.spare }, weights: s.weights.map(f32ToBase64),
    adam: { t: s.adam.t, m: s.adam.m.map(f32ToBase64), v: s.adam.v.map(f32ToBase64) }, fitted: s.fitted, examples: s.examples, backends: [...s.backends],
  }),
  restore(p, snap) {
    const c = JSON.parse(JSON.stringify(snap)) as Record<string, any>;
    if (!c || c.format !== FORMAT || JSON.stringify(c.params) !== JSON.stringify(p)) throw new Error('train.sport: snapshot does not belong to these params');
    const dec = (xs: string[]) => xs.map(base64ToF32);
    return {
      params: p, step: c.step, rng: c.rng, weights: dec(c.weights), adam: { t: c.adam.t, m: dec(c.adam.m), v: dec(c.adam.v) },
      fitted: c.fitted, examples: c.examples, backends: c.backends,
    };
  },
  finish(s, data) {
    const p = s.params, { table, train, test } = foldOf(data, p);
    const artifact = p.family === 'logistic' ? s.fitted! : mlpArtifact(p, table, train, s.weights);
    const model = p.family === 'logistic' ? loadFamily(artifact, table.features) : mlpFromArtifact(artifact as MlpArtifact);
    const ps = model.predict(table, test);
    const mean = (f: (p: number, y: number) => number) => ps.reduce((a, x, i) => a + f(x, test[i]!.homeWin), 0) / ps.length;
    return {
      sport: p.sport, family: p.family, testSeason: p.testSeason,
      trainSeasons: [...new Set(train.map((r) => r.season))].sort((a, b) => a - b),
      rows: { train: train.length, test: test.length },
      epochsRun: s.step,
      artifact,
      predictions: test.map((r, i) => ({ id: r.id, p: r8(ps[i]!) })),
      claimed: { season: p.testSeason, n: test.length, logLoss: r8(mean(logLoss)), brier: r8(mean(brier)) },
      examplesProcessed: s.examples,
      parameterCount: p.family === 'mlp' ? parameterCount(shapeOf(table)) : table.features.length + 1,
      backends: [...s.backends],
    };
  },
  compare: (a, b) => a.family === b.family && a.testSeason === b.testSeason && a.rows.test === b.rows.test && a.rows.train === b.rows.train
    && Math.abs(a.claimed.logLoss - b.claimed.logLoss) <= SPORT_REPLICA_TOLERANCE.logLoss && Math.abs(a.claimed.brier - b.claimed.brier) <= SPORT_REPLICA_TOLERANCE.brier,
  verify: trainSportVerifier,
};

import type * as TF from '@tensorflow/tfjs';
import { tfjs } from '../../learn/tfjs';
import { Rng } from '../../math/rng';
import type { GameTable, GameTableRow } from '../game-table';
import { fitScaler, scale, type Scaler } from './standardise';
import type { FamilyArtifact, FitOptions, FittedFamily } from './types';

/*
 * The sequence family: one GRU, shared by both sides, reads each team's last N games (the table's
 * sequence features, oldest first, front-padded with zeros and a "present" flag), and its two
 * final states join the game's own features in a small dense head. tfjs layers with every
 * initialiser seeded and the minibatch order drawn from the seed (fit's own shuffle would use
 * Math.random), so a seed gives one model on one backend.
 */

export interface GruArtifact extends FamilyArtifact {
  family: 'gru';
  historyLength: number;
  sequenceFeatures: string[];
  units: number;
  scaler: Scaler;
  seqScaler: Scaler;
  weights: { shape: number[]; values: number[] }[];
}

export const GRU_DEFAULTS = { epochs: 10, learningRate: 3e-3, batchSize: 64, seed: 1, historyLength: 8, units: 8 };

function buildModel(k: number, steps: number, width: number, units: number, seed: number): TF.LayersModel {
  const tf = tfjs();
  const home = tf.input({ shape: [steps, width] }), away = tf.input({ shape: [steps, width] }), x = tf.input({ shape: [k] });
  const gru = tf.layers.gru({
    units,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  });
  const joined = tf.layers.concatenate().apply([gru.apply(home) as TF.SymbolicTensor, gru.apply(away) as TF.SymbolicTensor, x]) as TF.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }).apply(joined);
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) })
    .apply(hidden) as TF.SymbolicTensor;
  return tf.model({ inputs: [home, away, x], outputs: out });
}

interface Inputs { home: Float32Array; away: Float32Array; x: Float32Array; n: number }

function history(table: GameTable, team: string, date: string, steps: number, seqScaler: Scaler, out: Float32Array, at: number): void {
  const h = table.teamHistory(team, date, steps), width = seqScaler.mean.length + 1;
  const pad = steps - h.length;
  h.forEach((g, i) => {
    const base = at + (pad + i) * width;
    out.set(scale(seqScaler, g), base);
    out[base + width - 1] = 1;
  });
}

function inputsOf(table: GameTable, rows: readonly GameTableRow[], a: Pick<GruArtifact, 'historyLength' | 'scaler' | 'seqScaler'>): Inputs {
  const steps = a.historyLength, width = a.seqScaler.mean.length + 1, k = a.scaler.mean.length, per = steps * width;
  const home = new Float32Array(rows.length * per), away = new Float32Array(rows.length * per), x = new Float32Array(rows.length * k);
  rows.forEach((r, i) => {
    history(table, r.home, r.date, steps, a.seqScaler, home, i * per);
    history(table, r.away, r.date, steps, a.seqScaler, away, i * per);
    x.set(scale(a.scaler, r.x), i * k);
  });
  return { home, away, x, n: rows.length };
}

function tensorsOf(inp: Inputs, steps: number, width: number, k: number): TF.Tensor[] {
  const tf = tfjs();
  return [tf.tensor3d(inp.home, [inp.n, steps, width]), tf.tensor3d(inp.away, [inp.n, steps, width]), tf.tensor2d(inp.x, [inp.n, k])];
}

export async function fitGru(table: GameTable, rows: readonly GameTableRow[], opts: FitOptions): Promise<FittedFamily> {
  const tf = tfjs(), seed = opts.seed ?? GRU_DEFAULTS.seed, rng = Rng.create(seed, 7);
  const steps = opts.historyLength ?? GRU_DEFAULTS.historyLength, k = table.features.length, width = table.sequenceFeatures.length + 1;
  const scaler = fitScaler(rows.map((r) => r.x), k);
  const seqRows = rows.flatMap((r) => [...table.teamHistory(r.home, r.date, 1), ...table.teamHistory(r.away, r.date, 1)]);
  const seqScaler = fitScaler(seqRows, table.sequenceFeatures.length);
  const base = { historyLength: steps, scaler, seqScaler };
  const inp = inputsOf(table, rows, base);
  const model = buildModel(k, steps, width, GRU_DEFAULTS.units, seed);
  model.compile({ optimizer: tf.train.adam(opts.learningRate ?? GRU_DEFAULTS.learningRate), loss: 'binaryCrossentropy' });
  const all = tensorsOf(inp, steps, width, k), y = tf.tensor2d(Float32Array.from(rows, (r) => r.homeWin), [rows.length, 1]);
  try {
    for (let e = 0; e < (opts.epochs ?? GRU_DEFAULTS.epochs); e++) {
      const order = Int32Array.from(rows, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const idx = tf.tensor1d(order, 'int32');
      const xs = all.map((t) => tf.gather(t, idx)), ys = tf.gather(y, idx);
      await model.fit(xs, ys, { epochs: 1, batchSize: opts.batchSize ?? GRU_DEFAULTS.batchSize, shuffle: false, verbose: 0 });
      tf.dispose([idx, ...xs, ys]);
    }
    const weights = model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
    return gruFromArtifact({
      family: 'gru', version: 1, features: table.features, sequenceFeatures: table.sequenceFeatures,
      units: GRU_DEFAULTS.units, weights, ...base,
    });
  } finally {
    tf.dispose([...all, y]);
    model.dispose();
  }
}

export function gruFromArtifact(a: GruArtifact): FittedFamily {
  const tf = tfjs(), k = a.scaler.mean.length, width = a.seqScaler.mean.length + 1;
  const model = buildModel(k, a.historyLength, width, a.units, 1);
  const init = a.weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(init);
  tf.dispose(init);
  return {
    type: 'gru',
    predict: (table, rows) => {
      if (!rows.length) return [];
      const xs = tensorsOf(inputsOf(table, rows, a), a.historyLength, width, k);
      const out = model.predict(xs) as TF.Tensor;
      const p = Array.from(out.dataSync());
      tf.dispose([...xs, out]);
      return p;
    },
    toArtifact: () => structuredClone(a),
  };
}

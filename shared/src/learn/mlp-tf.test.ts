import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../math/rng';
import { glorotInit, parameterCount, predict, trainEpoch, zeroMoments, type MlpShape } from './mlp-tf';
import { loadTfBackend } from './tf-backend';

const shape: MlpShape = { inputs: 3, hidden: [5], activation: 'tanh' };
const cfg = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

function problem(n: number, seed: number) {
  const rng = Rng.create(seed), x = new Float32Array(n * 3), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) x[i * 3 + j] = rng.normal();
    y[i] = rng.next() < 1 / (1 + Math.exp(-(2 * x[i * 3] - x[i * 3 + 2]))) ? 1 : 0;
  }
  return { x, y, n };
}

describe('mlp-tf', () => {
  beforeAll(async () => {
    await loadTfBackend({ order: ['cpu'] });
  });

  it('counts parameters and draws the same weights from the same seed', () => {
    expect(parameterCount(shape)).toBe(3 * 5 + 5 + 5 + 1);
    expect(glorotInit(shape, Rng.create(1))).toEqual(glorotInit(shape, Rng.create(1)));
    expect(glorotInit(shape, Rng.create(1))).not.toEqual(glorotInit(shape, Rng.create(2)));
  });

  it('takes the same Adam steps as tf.train.adam', () => {
    const data = problem(96, 3), start = glorotInit(shape, Rng.create(4)), order = Uint32Array.from({ length: 96 }, (_, i) => i);
    const ours = trainEpoch(shape, start, zeroMoments(start), cfg, data, order, 32);
    expect(ours.adam.t).toBe(3);

    const vars = [tf.variable(tf.tensor2d(start[0], [3, 5])), tf.variable(tf.tensor1d(start[1])), tf.variable(tf.tensor2d(start[2], [5, 1])), tf.variable(tf.tensor1d(start[3]))];
    const opt = tf.train.adam(cfg.learningRate, cfg.beta1, cfg.beta2, cfg.epsilon);
    for (let b = 0; b < 3; b++) {
      tf.tidy(() => {
        const x = tf.tensor2d(data.x.slice(b * 96, (b + 1) * 96), [32, 3]), y = tf.tensor2d(Float32Array.from(data.y.slice(b * 32, (b + 1) * 32)), [32, 1]);
        opt.minimize(() => {
          const h = tf.tanh(tf.add(tf.matMul(x, vars[0]), vars[1]));
          return tf.losses.sigmoidCrossEntropy(y, tf.add(tf.matMul(h, vars[2]), vars[3])) as tf.Scalar;
        }, false, vars);
      });
    }
    vars.forEach((v, i) => Array.from(v.dataSync()).forEach((w, j) => expect(ours.params[i][j]).toBeCloseTo(w, 6)));
    opt.dispose();
    tf.dispose(vars);
  });

  it('learns, and leaves no tensor behind', () => {
    const data = problem(2000, 5), order = Uint32Array.from({ length: 2000 }, (_, i) => i);
    const before = tf.memory().numTensors;
    let params = glorotInit(shape, Rng.create(6)), adam = zeroMoments(params);
    const p0 = predict(shape, params, data.x, data.n);
    const initialLoss = -data.y.reduce((s, y, i) => s + Math.log(y ? p0[i] : 1 - p0[i]), 0) / data.n;
    const losses: number[] = [];
    for (let e = 0; e < 4; e++) {
      const r = trainEpoch(shape, params, adam, cfg, data, order, 64);
      ({ params, adam } = r);
      losses.push(r.trainLoss);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(losses[3]).toBeLessThan(losses[0] - 0.02);
    expect(losses[3]).toBeLessThan(initialLoss - 0.05);
    const p = predict(shape, params, data.x, data.n, 300);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });
});

import type * as TF from '@tensorflow/tfjs';
import type { Rng } from '../math/rng';
import { tfjs } from './tfjs';

/*
 * A small feed-forward binary classifier trained with TensorFlow.js ops, one epoch per call, its
 * whole state (weights, Adam moments, update count) in plain Float32Arrays between calls: the
 * caller checkpoints them as they are and a restored run continues with the very same numbers.
 * Tensors live only inside a call and are all disposed before it returns.
 *
 * Parameters are a flat list [W0, b0, W1, b1, …]: W row-major inputs × units, as the model
 * artifact stores them. The last layer has one unit; training reads its output as a logit and
 * minimises the mean sigmoid cross-entropy of each minibatch.
 *
 * Adam (Kingma & Ba): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², and after t updates
 * w ← w − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε). It is written out here rather than taken
 * from tf.train.adam because that optimiser reads and restores its moments only asynchronously.
 */

type HiddenActivation = 'relu' | 'tanh';

export interface MlpShape {
  inputs: number;
  hidden: readonly number[];
  activation: HiddenActivation;
}

export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamMoments {
  /** Updates made so far (t). */
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** [inputs, units] of each dense layer, the output layer last. */
export function layerSizes(shape: MlpShape): [number, number][] {
  const widths = [shape.inputs, ...shape.hidden, 1];
  return widths.slice(1).map((units, i) => [widths[i], units]);
}

export const parameterCount = (shape: MlpShape): number => layerSizes(shape).reduce((n, [i, u]) => n + i * u + u, 0);

/** Glorot-uniform weights (limit √(6 / (inputs + units))) drawn from rng, zero biases. */
export function glorotInit(shape: MlpShape, rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  for (const [inputs, units] of layerSizes(shape)) {
    const limit = Math.sqrt(6 / (inputs + units)), w = new Float32Array(inputs * units);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
    out.push(w, new Float32Array(units));
  }
  return out;
}

export const zeroMoments = (params: readonly Float32Array[]): AdamMoments =>
  ({ t: 0, m: params.map((p) => new Float32Array(p.length)), v: params.map((p) => new Float32Array(p.length)) });

function tensorsOf(shape: MlpShape, params: readonly Float32Array[]): TF.Tensor[] {
  const tf = tfjs();
  return layerSizes(shape).flatMap(([i, u], l) => [tf.tensor2d(params[2 * l].slice(), [i, u]), tf.tensor1d(params[2 * l + 1].slice())]);
}

/** The logits of a batch x (rows × inputs). */
function logits(shape: MlpShape, p: readonly TF.Tensor[], x: TF.Tensor2D): TF.Tensor2D {
  const tf = tfjs();
  let h = x;
  const layers = layerSizes(shape).length;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(h, p[2 * l] as TF.Tensor2D), p[2 * l + 1]) as TF.Tensor2D;
    h = l === layers - 1 ? z : shape.activation === 'relu' ? tf.relu(z) : tf.tanh(z);
  }
  return h;
}

export interface EpochData {
  /** n × inputs standardised values, row-major. */
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

export interface EpochResult {
  params: Float32Array[];
  adam: AdamMoments;
  /** Mean cross-entropy over the epoch's minibatches, weighted by their rows. */
  trainLoss: number;
}

/** One pass over the rows in `order`, in minibatches of batchSize (the last may be shorter). */
export function trainEpoch(
  shape: MlpShape, params: readonly Float32Array[], adam: AdamMoments, cfg: AdamConfig,
  data: EpochData, order: Uint32Array, batchSize: number,
): EpochResult {
  const tf = tfjs(), k = shape.inputs;
  const shapes = layerSizes(shape).flatMap(([i, u]) => [[i, u], [u]]);
  const vars = (arrays: readonly Float32Array[], trainable: boolean) =>
    arrays.map((a, j) => tf.tidy(() => tf.variable(tf.tensor(a.slice(), shapes[j]), trainable)));
  const w = vars(params, true), m = vars(adam.m, false), v = vars(adam.v, false);
  const lossSum = tf.tidy(() => tf.variable(tf.scalar(0), false));
  let t = adam.t;
  const bx = new Float32Array(batchSize * k), by = new Float32Array(batchSize);
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = Math.min(batchSize, order.length - start);
      for (let r = 0; r < rows; r++) {
        const i = order[start + r];
        bx.set(data.x.subarray(i * k, (i + 1) * k), r * k);
        by[r] = data.y[i];
      }
      t++;
      const c1 = 1 / (1 - cfg.beta1 ** t), c2 = 1 / (1 - cfg.beta2 ** t);
      tf.tidy(() => {
        const x = tf.tensor2d(bx.slice(0, rows * k), [rows, k]), y = tf.tensor2d(by.slice(0, rows), [rows, 1]);
        const { value, grads } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, logits(shape, w, x)) as TF.Scalar, w);
        w.forEach((wi, j) => {
          const g = grads[wi.name];
          const mj = tf.add(tf.mul(m[j], cfg.beta1), tf.mul(g, 1 - cfg.beta1));
          const vj = tf.add(tf.mul(v[j], cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2));
          const step = tf.div(tf.mul(mj, cfg.learningRate * c1), tf.add(tf.sqrt(tf.mul(vj, c2)), cfg.epsilon));
          m[j].assign(mj);
          v[j].assign(vj);
          wi.assign(tf.sub(wi, step));
        });
        lossSum.assign(tf.add(lossSum, tf.mul(value, rows)));
      });
    }
    const read = (x: TF.Tensor) => Float32Array.from(x.dataSync());
    return {
      params: w.map(read),
      adam: { t, m: m.map(read), v: v.map(read) },
      trainLoss: order.length ? lossSum.dataSync()[0] / order.length : NaN,
    };
  } finally {
    tf.dispose([...w, ...m, ...v, lossSum]);
  }
}

/** P(y = 1) for each row of x (n × inputs), computed in chunks. */
export function predict(shape: MlpShape, params: readonly Float32Array[], x: Float32Array, n: number, chunk = 16384): Float32Array {
  const tf = tfjs(), k = shape.inputs, out = new Float32Array(n);
  const p = tensorsOf(shape, params);
  try {
    for (let s = 0; s < n; s += chunk) {
      const rows = Math.min(chunk, n - s);
      const probs = tf.tidy(() => tf.sigmoid(logits(shape, p, tf.tensor2d(x.subarray(s * k, (s + rows) * k), [rows, k]))));
      out.set(probs.dataSync(), s);
      probs.dispose();
    }
    return out;
  } finally {
    tf.dispose(p);
  }
}

import { z } from 'zod';

/*
 * A trained feed-forward network as the grid stores, hands on and serves it: plain JSON, so the
 * coordinator re-scores and serves it without TensorFlow.js (a forward pass of a small network is
 * a few hundred multiply-adds) and the agent that trained it writes it from its tfjs model.
 *
 * Layer weights are row-major `inputs × units` (weights[i * units + j] joins input i to unit j),
 * as tfjs's Dense kernel reads back with dataSync().
 */

export const MLP_FORMAT = 'nfl-grid.mlp/1';

const Activation = z.enum(['relu', 'tanh', 'sigmoid', 'linear']);
export type Activation = z.infer<typeof Activation>;

const finite = z.number().finite();

export const DenseLayer = z.strictObject({
  inputs: z.number().int().min(1),
  units: z.number().int().min(1),
  activation: Activation,
  weights: z.array(finite),
  bias: z.array(finite),
});
export type DenseLayer = z.infer<typeof DenseLayer>;

export const MlpArtifact = z
  .strictObject({
    format: z.literal(MLP_FORMAT),
    /** Input feature names, in input order. */
    features: z.array(z.string().min(1)).min(1),
    /** Standardisation fitted on the training rows: x' = (x − mean) / sd, a missing value → 0. */
    scaler: z.strictObject({ mean: z.array(finite), sd: z.array(z.number().positive()) }),
    layers: z.array(DenseLayer).min(1),
  })
  .superRefine((a, ctx) => {
    const k = a.features.length;
    if (a.scaler.mean.length !== k || a.scaler.sd.length !== k) {
      ctx.addIssue({ code: 'custom', path: ['scaler'], message: `scaler needs ${k} means and sds, one per feature` });
    }
    let width = k;
    a.layers.forEach((l, i) => {
      if (l.inputs !== width) ctx.addIssue({ code: 'custom', path: ['layers', i, 'inputs'], message: `layer ${i} takes ${width} inputs, not ${l.inputs}` });
      if (l.weights.length !== l.inputs * l.units) ctx.addIssue({ code: 'custom', path: ['layers', i, 'weights'], message: `layer ${i} needs ${l.inputs * l.units} weights` });
      if (l.bias.length !== l.units) ctx.addIssue({ code: 'custom', path: ['layers', i, 'bias'], message: `layer ${i} needs ${l.units} biases` });
      width = l.units;
    });
    if (width !== 1) ctx.addIssue({ code: 'custom', path: ['layers'], message: 'the last layer must have one unit' });
  });
export type MlpArtifact = z.infer<typeof MlpArtifact>;

function activate(kind: Activation, x: number): number {
  switch (kind) {
    case 'relu': return x > 0 ? x : 0;
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'linear': return x;
  }
}

/** Raw feature values (NaN for missing) → the network's single output. */
export function mlpForward(a: MlpArtifact, raw: readonly number[]): number {
  let x = raw.map((v, j) => (Number.isNaN(v) ? 0 : (v - a.scaler.mean[j]) / a.scaler.sd[j]));
  for (const l of a.layers) {
    const out = new Array<number>(l.units);
    for (let j = 0; j < l.units; j++) {
      let s = l.bias[j];
      for (let i = 0; i < l.inputs; i++) s += x[i] * l.weights[i * l.units + j];
      out[j] = activate(l.activation, s);
    }
    x = out;
  }
  return x[0];
}

/** Number of weights and biases: the "parameters" in a training WU's credit (examples × parameters). */
export const mlpParameterCount = (a: Pick<MlpArtifact, 'layers'>): number =>
  a.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);

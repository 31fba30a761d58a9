import type { MlpArtifact } from './mlp-artifact';

/*
 * The forward pass of an nfl-grid.mlp/1 network over many rows at once: each layer is one
 * rows × inputs by inputs × units product into a flat Float64Array, so a batch of requests costs
 * one pass over the weights rather than one per row. Same numbers as mlpForward, row by row.
 */

function activateInPlace(kind: MlpArtifact['layers'][number]['activation'], v: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (kind === 'relu') v[i] = x > 0 ? x : 0;
    else if (kind === 'tanh') v[i] = Math.tanh(x);
    else if (kind === 'sigmoid') v[i] = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}

/** rows: raw feature vectors in `a.features` order (NaN: missing → the training mean). */
export function mlpForwardBatch(a: MlpArtifact, rows: readonly (readonly number[])[]): Float64Array {
  const n = rows.length, k = a.features.length;
  let x = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    for (let j = 0; j < k; j++) {
      const v = row[j]!;
      x[r * k + j] = Number.isNaN(v) ? 0 : (v - a.scaler.mean[j]!) / a.scaler.sd[j]!;
    }
  }
  let width = k;
  for (const l of a.layers) {
    const out = new Float64Array(n * l.units);
    for (let r = 0; r < n; r++) {
      const o = r * l.units, xi = r * width;
      for (let j = 0; j < l.units; j++) out[o + j] = l.bias[j]!;
      for (let i = 0; i < l.inputs; i++) {
        const v = x[xi + i]!;
        if (v === 0) continue;
        const w = i * l.units;
        for (let j = 0; j < l.units; j++) out[o + j] += v * l.weights[w + j]!;
      }
    }
    activateInPlace(l.activation, out);
    x = out;
    width = l.units;
  }
  return x;
}

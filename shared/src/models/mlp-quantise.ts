import type { MlpArtifact } from './mlp-artifact';

/*
 * Reduced-precision copies of a network's weights and biases, for comparing size, speed and loss
 * with float32:
 *   float16  IEEE half precision: 11 significant bits, normal range down to 2^-14 (subnormals
 *            below), rounded to nearest, ties to even; 2 bytes a parameter
 *   int8     symmetric per-layer quantisation: q = round(w / s), s = max|w| / 127, one float32
 *            scale per layer for weights and one for biases; 1 byte a parameter
 * The result is the artifact with the values it would compute with after decoding, and the
 * parameter payload's size in bytes (the scaler, kept in float32, is counted in every precision).
 */

export type Precision = 'float32' | 'float16' | 'int8';

export function toFloat16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  const e = Math.max(-14, Math.floor(Math.log2(a)));
  const step = 2 ** (e - 10);
  // round half to even, as IEEE 754 does
  const r = a / step, f = Math.floor(r), frac = r - f;
  const q = frac > 0.5 || (frac === 0.5 && f % 2 === 1) ? f + 1 : f;
  return Math.sign(x) * q * step;
}

function int8(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (max === 0) return values.map(() => 0);
  const s = Math.fround(max / 127);
  return values.map((v) => Math.max(-127, Math.min(127, Math.round(v / s))) * s);
}

export function quantise(a: MlpArtifact, precision: Precision): { artifact: MlpArtifact; bytes: number } {
  const params = a.layers.reduce((n, l) => n + l.weights.length + l.bias.length, 0);
  const scalerBytes = a.features.length * 2 * 4;
  const f32 = (v: number) => Math.fround(v);
  const map = precision === 'float32'
    ? (vs: readonly number[]) => vs.map(f32)
    : precision === 'float16' ? (vs: readonly number[]) => vs.map(toFloat16) : int8;
  const perParam = precision === 'float32' ? 4 : precision === 'float16' ? 2 : 1;
  // int8 carries two float32 scales per layer
  const overhead = precision === 'int8' ? a.layers.length * 2 * 4 : 0;
  return {
    artifact: { ...a, layers: a.layers.map((l) => ({ ...l, weights: map(l.weights), bias: map(l.bias) })) },
    bytes: params * perParam + overhead + scalerBytes,
  };
}

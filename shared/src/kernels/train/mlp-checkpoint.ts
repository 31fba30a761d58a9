import type { CoverMetrics } from '../cover/metrics';
import type { RngState } from '../../math/rng';
import type { TfBackend } from '../../learn/tf-backend';
import type { AdamMoments } from '../../learn/mlp-tf';
import { canonicalJson } from '../../hashing/canonical-json';
import type { TrainMlpParams } from './mlp-params';

/*
 * State of a train.mlp run after each epoch, and its checkpoint: everything the next epoch reads,
 * so a run restored from it goes on exactly as the uninterrupted one (on the same backend).
 *
 * Checkpoint (JSON), format CHECKPOINT_FORMAT:
 *   params, step            the params it belongs to; epochs completed
 *   rng                     xoshiro128** state after the last shuffle (kernels/rng.ts)
 *   weights                 current parameters [W0, b0, W1, b1, …]
 *   adam                    { t: updates made, m: first moments, v: second moments }, same layout
 *   best                    { epoch, weights, validation } of the lowest validation log loss so far
 *   history                 per epoch: trainLoss and the validation season's scores
 *   sinceBest, stopped      early-stopping count and flag
 *   examples                training rows processed so far
 *   backends                TensorFlow.js backends the epochs ran on, in order of first use
 * Every float32 array is base64 of its little-endian bytes, so values come back bit for bit.
 */

const CHECKPOINT_FORMAT = 'nfl-grid.train.mlp-checkpoint/1';

interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validation: CoverMetrics;
}

export interface TrainMlpState {
  params: TrainMlpParams;
  step: number;
  rng: RngState;
  weights: Float32Array[];
  adam: AdamMoments;
  best: { epoch: number; weights: Float32Array[]; validation: CoverMetrics } | null;
  history: EpochRecord[];
  sinceBest: number;
  stopped: boolean;
  examples: number;
  backends: TfBackend[];
}

export function f32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.length * 4), view = new DataView(bytes.buffer);
  a.forEach((x, i) => view.setFloat32(i * 4, x, true));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function base64ToF32(s: string): Float32Array {
  const bin = atob(s), view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  if (bin.length % 4) throw new Error('checkpoint: float32 data of a length not a multiple of 4');
  return Float32Array.from({ length: bin.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

const enc = (list: readonly Float32Array[]) => list.map(f32ToBase64);
const dec = (list: unknown, lengths: readonly number[]): Float32Array[] => {
  if (!Array.isArray(list) || list.length !== lengths.length) throw new Error('checkpoint: wrong number of arrays');
  return list.map((s, i) => {
    const a = base64ToF32(String(s));
    if (a.length !== lengths[i]) throw new Error(`checkpoint: array ${i} has ${a.length} values, not ${lengths[i]}`);
    return a;
  });
};

export function toCheckpoint(s: TrainMlpState): unknown {
  return {
    format: CHECKPOINT_FORMAT, params: s.params, step: s.step, rng: { s: [...s.rng.s], spare: s.rng.spare },
    weights: enc(s.weights), adam: { t: s.adam.t, m: enc(s.adam.m), v: enc(s.adam.v) },
    best: s.best && { epoch: s.best.epoch, weights: enc(s.best.weights), validation: { ...s.best.validation } },
    history: s.history.map((h) => ({ ...h, validation: { ...h.validation } })),
    sinceBest: s.sinceBest, stopped: s.stopped, examples: s.examples, backends: [...s.backends],
  };
}

/** The state of a checkpoint made for these params; `lengths` are the parameter array sizes. */
export function fromCheckpoint(params: TrainMlpParams, snap: unknown, lengths: readonly number[]): TrainMlpState {
  const c = JSON.parse(JSON.stringify(snap)) as Record<string, any>;
  if (!c || c.format !== CHECKPOINT_FORMAT || typeof c.step !== 'number' || canonicalJson(c.params) !== canonicalJson(params)) {
    throw new Error('train.mlp: snapshot does not belong to these params');
  }
  if (!Array.isArray(c.history) || c.history.length > c.step || !c.adam || typeof c.adam.t !== 'number') {
    throw new Error('train.mlp: malformed snapshot');
  }
  return {
    params, step: c.step, rng: c.rng, weights: dec(c.weights, lengths),
    adam: { t: c.adam.t, m: dec(c.adam.m, lengths), v: dec(c.adam.v, lengths) },
    best: c.best && { epoch: c.best.epoch, weights: dec(c.best.weights, lengths), validation: c.best.validation },
    history: c.history, sinceBest: c.sinceBest, stopped: c.stopped, examples: c.examples, backends: c.backends,
  };
}

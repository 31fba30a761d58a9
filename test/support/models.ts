import { MLP_FORMAT, type MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { NORMAL_FORMAT } from '../../coordinator/src/models/cover-predictor';

/** Hand-made cover models for tests and the benchmark. */

export const normalArtifact = (sigma: number) => ({ format: NORMAL_FORMAT, sigma });

/**
 * A network on (t, lead, line, coverZ, down) with `hidden` tanh units and a sigmoid output, its
 * weights from a fixed sequence: the size of a small trained model, not a good one.
 */
export function handMadeNet(hidden = [32, 16]): MlpArtifact {
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.4;
  const features = ['t', 'lead', 'line', 'coverZ', 'down'];
  const widths = [features.length, ...hidden, 1];
  const layers = widths.slice(1).map((units, i) => {
    const inputs = widths[i]!;
    return {
      inputs, units, activation: (i === widths.length - 2 ? 'sigmoid' : 'tanh') as 'sigmoid' | 'tanh',
      weights: Array.from({ length: inputs * units }, next), bias: Array.from({ length: units }, next),
    };
  });
  // let coverZ dominate so the output moves the right way with the score
  layers[0]!.weights[3 * hidden[0]!] = 2;
  return { format: MLP_FORMAT, features, scaler: { mean: [0.5, 0, 5, 0, 2], sd: [0.3, 8, 4, 3, 1] }, layers };
}

/** A registration body for name `cover`. */
export function coverModelBody(artifact: unknown, over: Record<string, unknown> = {}) {
  return {
    name: 'cover', kernel: 'cover.baseline@1', params: { note: 'test' },
    dataHashes: { 'gamestate.games': 'a'.repeat(64) },
    metrics: { overall: { logLoss: 0.49 }, seasons: { 2019: { logLoss: 0.48 } } },
    heldOutSeasons: [2019], artifact, ...over,
  };
}

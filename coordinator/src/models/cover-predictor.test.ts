import { describe, expect, it } from 'vitest';
import { coverZ } from '@nfl-grid/shared/data/gamestate/features';
import { coverProbability } from '@nfl-grid/shared/kernels/cover/baseline';
import { MLP_FORMAT, type MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { BASELINE_SIGMA } from '@nfl-grid/shared/kernels/cover/baseline';
import { ArtifactError, baselineArtifact, coverPredictor, parseCoverArtifact } from './cover-predictor';

// one sigmoid unit on coverZ with the other inputs' weights 0: p = σ(w·(coverZ − mean)/sd + b)
const net: MlpArtifact = {
  format: MLP_FORMAT,
  features: ['coverZ', 'down', 't'],
  scaler: { mean: [0.5, 2, 0.5], sd: [2, 1, 0.25] },
  layers: [{ inputs: 3, units: 1, activation: 'sigmoid', weights: [0.8, 5, 0], bias: [0.1] }],
};

describe('cover predictor', () => {
  it('serves the analytic baseline at σ = 18', () => {
    const p = coverPredictor(baselineArtifact());
    expect(BASELINE_SIGMA).toBe(18);
    expect(p.predict({ lead: 2, line: 5, secondsLeft: 1600 })).toBeCloseTo(coverProbability(2, 5, 1600 / 3600, 18), 14);
  });

  it('builds the network input by name, missing features as NaN', () => {
    const p = coverPredictor(parseCoverArtifact(net));
    const z = coverZ(2, 5, 1600 / 3600);
    // down is missing → standardised 0, so its weight adds nothing
    expect(p.predict({ lead: 2, line: 5, secondsLeft: 1600 })).toBeCloseTo(1 / (1 + Math.exp(-(0.8 * (z - 0.5) / 2 + 0.1))), 14);
  });

  it('refuses networks a request cannot feed, or whose output is not a probability', () => {
    const expectField = (a: unknown, field: string) => {
      try {
        parseCoverArtifact(a);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ArtifactError);
        expect((e as ArtifactError).field).toBe(field);
      }
    };
    expectField({ ...net, features: ['coverZ', 'weather', 't'] }, 'artifact.features');
    expectField({ ...net, layers: [{ ...net.layers[0], activation: 'linear' }] }, 'artifact.layers.0.activation');
    expectField({ ...net, layers: [{ ...net.layers[0], bias: [] }] }, 'artifact.layers.0.bias');
    expectField({ format: 'onnx' }, 'artifact.format');
    expectField({ format: 'nfl-grid.cover-normal/1', sigma: 0 }, 'artifact.sigma');
  });
});

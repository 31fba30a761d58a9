import { describe, expect, it } from 'vitest';
import { MLP_FORMAT } from '@nfl-grid/shared/models/mlp-artifact';
import { ArtifactError } from '../models/cover-predictor';
import { parseNbaArtifact } from './nba-artifact';

const logistic = (features: string[], activation: 'sigmoid' | 'linear' = 'sigmoid') => ({
  format: MLP_FORMAT, features, scaler: { mean: features.map(() => 0), sd: features.map(() => 1) },
  layers: [{ inputs: features.length, units: 1, activation, weights: features.map(() => 0.1), bias: [0.2] }],
});

function fieldOf(raw: unknown): string {
  try {
    parseNbaArtifact(raw);
  } catch (e) {
    if (e instanceof ArtifactError) return e.field;
    throw e;
  }
  return 'accepted';
}

describe('parseNbaArtifact', () => {
  it('takes a sigmoid network on features the coordinator computes', () => {
    expect(parseNbaArtifact(logistic(['elo_gap_100', 'home_b2b'])).features).toEqual(['elo_gap_100', 'home_b2b']);
  });

  it('refuses, naming the field, features it cannot compute, a non-sigmoid output and a malformed network', () => {
    expect(fieldOf(logistic(['elo_gap_100', 'lead']))).toBe('artifact.features');
    expect(fieldOf(logistic(['elo_gap_100'], 'linear'))).toBe('artifact.layers.0.activation');
    expect(fieldOf({ ...logistic(['elo_gap_100']), scaler: { mean: [], sd: [] } })).toBe('artifact.scaler');
    expect(fieldOf({ format: 'nfl-grid.cover-normal/1', sigma: 13 })).toBe('artifact.format');
  });
});

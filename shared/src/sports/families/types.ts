import type { GameTable, GameTableRow } from '../game-table';

/*
 * The contract every model family keeps: fitted on some rows of a GameTable, it gives the home
 * win probability of any rows of a table with the same feature columns, and saves itself as a
 * JSON-safe artifact that loadFamily turns back into the same predictions.
 */

export const FAMILY_TYPES = ['logistic', 'mlp', 'gru', 'stacked'] as const;
export type FamilyType = (typeof FAMILY_TYPES)[number];

export interface FitOptions {
  /** Passes over the training rows (neural families). */
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  /** Seeds weight initialisation and minibatch order; same seed, same backend → same model. */
  seed?: number;
  /** Games of each team's past the sequence family reads. */
  historyLength?: number;
  /** Families the stacked model combines (default logistic, mlp, gru). */
  stackOf?: Exclude<FamilyType, 'stacked'>[];
}

export interface FittedFamily {
  type: FamilyType;
  /** P(home win) for each row, in order. Rows must come from `table` (the sequence family reads its history). */
  predict(table: GameTable, rows: readonly GameTableRow[]): number[];
  /** JSON-safe; loadFamily(artifact) predicts exactly as this model does. */
  toArtifact(): FamilyArtifact;
}

export interface FamilyArtifact {
  family: FamilyType;
  version: 1;
  features: string[];
  [key: string]: unknown;
}

export class FamilyError extends Error {
  constructor(readonly code: 'unknown_family' | 'feature_mismatch' | 'bad_artifact' | 'too_few_rows', message: string) {
    super(message);
    this.name = 'FamilyError';
  }
}

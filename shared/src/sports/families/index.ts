import type { GameTable, GameTableRow } from '../game-table';
import { fitGru, gruFromArtifact, type GruArtifact } from './gru';
import { fitLogistic, logisticFromArtifact, type LogisticArtifact } from './logistic';
import { fitMlp, mlpFromArtifact, type MlpArtifact } from './mlp';
import { fitStacked, stackedFromArtifact, type StackedArtifact } from './stacked';
import { FAMILY_TYPES, FamilyError, type FamilyArtifact, type FamilyType, type FitOptions, type FittedFamily } from './types';

/*
 * The one entry point to the pre-game model families: fitFamily trains a family on some rows of a
 * GameTable, loadFamily rebuilds a fitted one from its artifact. The neural families need a
 * TensorFlow.js backend loaded first (learn/tf-backend.ts: loadTfBackend).
 */

export { FAMILY_TYPES, FamilyError, type FamilyArtifact, type FamilyType, type FitOptions, type FittedFamily };

export async function fitFamily(type: FamilyType, table: GameTable, trainRows: readonly GameTableRow[], opts: FitOptions = {}): Promise<FittedFamily> {
  if (trainRows.length < 10) throw new FamilyError('too_few_rows', `${type} needs at least 10 training rows, got ${trainRows.length}`);
  switch (type) {
    case 'logistic': return fitLogistic(table, trainRows);
    case 'mlp': return fitMlp(table, trainRows, opts);
    case 'gru': return fitGru(table, trainRows, opts);
    case 'stacked': return fitStacked(table, trainRows, opts, fitFamily, loadFamily);
    default: throw new FamilyError('unknown_family', `unknown model family '${String(type)}'; known: ${FAMILY_TYPES.join(', ')}`);
  }
}

/** Rebuilds a fitted family; `features`, when given, must equal the artifact's (the table it will read). */
export function loadFamily(artifact: unknown, features?: readonly string[]): FittedFamily {
  const a = artifact as FamilyArtifact | null;
  if (!a || typeof a !== 'object' || a.version !== 1 || !Array.isArray(a.features)) {
    throw new FamilyError('bad_artifact', 'not a model-family artifact (needs family, version 1, features)');
  }
  if (features && (features.length !== a.features.length || features.some((f, i) => f !== a.features[i]))) {
    throw new FamilyError('feature_mismatch', `artifact features [${a.features.join(', ')}] differ from the table's [${features.join(', ')}]`);
  }
  switch (a.family) {
    case 'logistic': return logisticFromArtifact(a as LogisticArtifact);
    case 'mlp': return mlpFromArtifact(a as MlpArtifact);
    case 'gru': return gruFromArtifact(a as GruArtifact);
    case 'stacked': return stackedFromArtifact(a as StackedArtifact, (b) => loadFamily(b));
    default: throw new FamilyError('unknown_family', `unknown model family '${String(a.family)}'; known: ${FAMILY_TYPES.join(', ')}`);
  }
}

import { NBA_FEATURES } from '@nfl-grid/shared/sports/nba/features';
import { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { ArtifactError } from '../models/cover-predictor';

/*
 * An NBA win-probability model as the registry stores it: an nfl-grid.mlp/1 network (a one-layer
 * one is the logistic model) whose inputs are pre-game features the coordinator computes
 * (NBA_FEATURES) and whose last layer is one sigmoid unit, so its output is the home win probability.
 */

export function parseNbaArtifact(raw: unknown): MlpArtifact {
  const r = MlpArtifact.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ArtifactError(`artifact: ${i.path.join('.') || '(top level)'}: ${i.message}`, ['artifact', ...i.path].join('.'));
  }
  const a = r.data;
  const unknown = a.features.filter((f) => !(NBA_FEATURES as readonly string[]).includes(f));
  if (unknown.length) throw new ArtifactError(`the coordinator cannot compute the NBA feature(s) ${unknown.join(', ')}; known: ${NBA_FEATURES.join(', ')}`, 'artifact.features');
  if (a.layers.at(-1)!.activation !== 'sigmoid') throw new ArtifactError('the last layer must be sigmoid (the output is the probability)', `artifact.layers.${a.layers.length - 1}.activation`);
  return a;
}

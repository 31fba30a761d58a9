import { z } from 'zod';
import { coverZ, FEATURE_NAMES, leadVsLine, SECONDS_PER_GAME } from '@nfl-grid/shared/data/gamestate/features';
import { BASELINE_SIGMA, coverProbability } from '@nfl-grid/shared/kernels/cover/baseline';
import { MLP_FORMAT, MlpArtifact, mlpForward } from '@nfl-grid/shared/models/mlp-artifact';
import { ENSEMBLE_FORMAT, ensembleForward, MlpEnsembleArtifact } from '@nfl-grid/shared/models/mlp-ensemble';

/*
 * A cover model as served: the artifact (weights) turned into a function of the game state.
 *
 * Three artifact formats are served:
 *   nfl-grid.mlp/1          a trained network (shared/src/models/mlp-artifact.ts); its last layer
 *                           must be one sigmoid unit, so its output is the probability itself
 *   nfl-grid.mlp-ensemble/1 networks of that kind averaged, with an optional Platt layer
 *                           (shared/src/models/mlp-ensemble.ts); each member is checked as above
 *   nfl-grid.cover-normal/1 the analytic baseline Φ((lead − line·(1 − t)) / (σ√t)) with its σ
 *
 * A request gives the clock, the score and the spread, so the features a network can be served
 * with are t, lead, line, leadVsLine and coverZ (features.ts); the in-play features of the
 * training data (possession, yard line, down, distance, has-down) are sent as missing (NaN), which
 * the network's scaler turns into the training mean. A network that declares a feature name
 * outside FEATURE_NAMES is refused at registration.
 */

export const NORMAL_FORMAT = 'nfl-grid.cover-normal/1';

export const NormalArtifact = z.strictObject({
  format: z.literal(NORMAL_FORMAT),
  sigma: z.number().min(1).max(100),
});
export type NormalArtifact = z.infer<typeof NormalArtifact>;
export type CoverArtifact = MlpArtifact | MlpEnsembleArtifact | NormalArtifact;

/** Features a request provides. */
export const SERVED_FEATURES = ['t', 'lead', 'line', 'leadVsLine', 'coverZ'] as const;
interface ServedState { lead: number; line: number; secondsLeft: number }

export interface CoverPredictor {
  readonly format: string;
  readonly features: readonly string[];
  predict(s: ServedState): number;
  /** The model on a vector of raw values in `features` order (NaN: missing), as permutation importance reads it. */
  predictFeatures(x: ArrayLike<number>): number;
}

export class ArtifactError extends Error {
  constructor(message: string, readonly field: string) { super(message); }
}

/** Parses and checks an artifact of a served format; throws ArtifactError naming the field. */
export function parseCoverArtifact(raw: unknown): CoverArtifact {
  const format = (raw as { format?: unknown } | null)?.format;
  const schema = format === MLP_FORMAT ? MlpArtifact : format === ENSEMBLE_FORMAT ? MlpEnsembleArtifact : format === NORMAL_FORMAT ? NormalArtifact : null;
  if (!schema) throw new ArtifactError(`artifact format must be ${MLP_FORMAT}, ${ENSEMBLE_FORMAT} or ${NORMAL_FORMAT}`, 'artifact.format');
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ArtifactError(`artifact: ${i.path.join('.') || '(top level)'}: ${i.message}`, ['artifact', ...i.path].join('.'));
  }
  const a = r.data as CoverArtifact;
  if (a.format === MLP_FORMAT) checkNetwork(a, 'artifact');
  if (a.format === ENSEMBLE_FORMAT) a.members.forEach((m, i) => checkNetwork(m, `artifact.members.${i}`));
  return a;
}

function checkNetwork(a: MlpArtifact, at: string): void {
  const unknown = a.features.filter((f) => !(FEATURE_NAMES as readonly string[]).includes(f));
  if (unknown.length) throw new ArtifactError(`a request cannot provide the feature(s) ${unknown.join(', ')}; known: ${FEATURE_NAMES.join(', ')}`, `${at}.features`);
  const last = a.layers[a.layers.length - 1]!;
  if (last.activation !== 'sigmoid') throw new ArtifactError('the last layer must be sigmoid (the output is the probability)', `${at}.layers.${a.layers.length - 1}.activation`);
}

type Extract = (s: ServedState, t: number) => number;
const EXTRACT: Record<string, Extract> = {
  t: (_s, t) => t,
  lead: (s) => s.lead,
  line: (s) => s.line,
  leadVsLine: (s, t) => leadVsLine(s.lead, s.line, t),
  coverZ: (s, t) => coverZ(s.lead, s.line, t),
};

/** The predictor of a parsed artifact: the feature vector is built by name. */
export function coverPredictor(a: CoverArtifact): CoverPredictor {
  if (a.format === NORMAL_FORMAT) {
    return {
      format: a.format, features: ['lead', 'line', 't'],
      predict: (s) => coverProbability(s.lead, s.line, s.secondsLeft / SECONDS_PER_GAME, a.sigma),
      predictFeatures: (v) => coverProbability(v[0]!, v[1]!, v[2]!, a.sigma),
    };
  }
  const features = a.format === ENSEMBLE_FORMAT ? a.members[0]!.features : a.features;
  const forward = a.format === ENSEMBLE_FORMAT ? (v: number[]) => ensembleForward(a, v) : (v: number[]) => mlpForward(a, v);
  const pick = features.map((f) => EXTRACT[f] ?? (() => NaN));
  const x = new Array<number>(pick.length);
  return {
    format: a.format, features,
    predict(s) {
      const t = Math.max(s.secondsLeft / SECONDS_PER_GAME, 0);
      for (let j = 0; j < pick.length; j++) x[j] = pick[j]!(s, t);
      return Math.min(1, Math.max(0, forward(x)));
    },
    predictFeatures: (v) => Math.min(1, Math.max(0, forward(Array.from(v)))),
  };
}

export const baselineArtifact = (): NormalArtifact => ({ format: NORMAL_FORMAT, sigma: BASELINE_SIGMA });

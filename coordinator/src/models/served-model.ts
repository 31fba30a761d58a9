import { baselineArtifact, coverPredictor, type CoverArtifact, type CoverPredictor } from './cover-predictor';
import { gameState, ruledProbability, type CoverRequest, type GamePhase } from './game-rules';

/** The cover model a process serves, and the one answer function the route and the CLI share. */

/** Registry name of the served cover model. */
export const COVER_MODEL_NAME = 'cover';
const BASELINE_NAME = 'cover-baseline';
const BASELINE_VERSION = 'analytic';
/** Seasons the fallback's σ was not fitted on: its evaluation plays in a promotion. */
const BASELINE_HELD_OUT = [2019];

export interface ServedModel {
  /** Registry id, or null for the analytic fallback. */
  id: string | null;
  name: string;
  version: string;
  heldOutSeasons: number[];
  predictor: CoverPredictor;
  loadMs: number;
  loadedAt: Date;
}

export interface CoverAnswer {
  cover_probability: number;
  model: string;
  version: string;
  phase: GamePhase;
}

/** Builds a served model from an artifact, timing the load. */
export function servedModel(id: string | null, name: string, version: string, heldOutSeasons: number[], artifact: CoverArtifact, startedAt = performance.now()): ServedModel {
  const predictor = coverPredictor(artifact);
  return { id, name, version, heldOutSeasons, predictor, loadMs: performance.now() - startedAt, loadedAt: new Date() };
}

export const baselineModel = (): ServedModel => servedModel(null, BASELINE_NAME, BASELINE_VERSION, BASELINE_HELD_OUT, baselineArtifact());

export function answerCover(r: CoverRequest, m: ServedModel): CoverAnswer {
  const s = gameState(r);
  const ruled = ruledProbability(s);
  const p = ruled ?? m.predictor.predict(s);
  return { cover_probability: p, model: m.name, version: m.version, phase: s.phase };
}

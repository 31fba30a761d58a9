import type { CoverPlay } from '../../data/gamestate/plays';
import { checkClaim, HELD_OUT_TOLERANCE, rescorePlays, SAME_ROWS_TOLERANCE, type ClaimCheck } from '../../learn/rescore';
import { MlpArtifact } from '../../models/mlp-artifact';
import type { CoverMetrics } from '../cover/metrics';
import type { TrainMlpOutput } from './mlp-output';

/*
 * The coordinator's check of one train.mlp@1 result, run before replicas are compared:
 *   1. the model is a well-formed artifact with the features of its feature set;
 *   2. re-scored on the validation season (the rows the claim was made on; pass the same rows the
 *      WU had, i.e. capped by maxRows the same way) it gives the claim within SAME_ROWS_TOLERANCE;
 *   3. re-scored on the held-out test season, which the agent never received, it stays within
 *      HELD_OUT_TOLERANCE of the claim.
 * The held-out scores are the model's figures for the registry.
 */

export interface TrainMlpVerdict {
  ok: boolean;
  reasons: string[];
  validation: CoverMetrics | null;
  heldOut: CoverMetrics | null;
}

export function validateTrainMlp(out: TrainMlpOutput, validationPlays: readonly CoverPlay[], heldOutPlays: readonly CoverPlay[]): TrainMlpVerdict {
  const parsed = MlpArtifact.safeParse(out.model);
  if (!parsed.success) return { ok: false, reasons: [`model: ${parsed.error.issues[0]?.message}`], validation: null, heldOut: null };
  if (heldOutPlays.some((p) => p.season !== out.testSeason)) {
    return { ok: false, reasons: [`held-out plays must all be of season ${out.testSeason}`], validation: null, heldOut: null };
  }
  const validation = rescorePlays(parsed.data, validationPlays), heldOut = rescorePlays(parsed.data, heldOutPlays);
  const checks: [string, ClaimCheck][] = [
    ['validation season', checkClaim(out.claimed, validation, SAME_ROWS_TOLERANCE)],
    ['held-out season', checkClaim(out.claimed, heldOut, HELD_OUT_TOLERANCE)],
  ];
  const reasons = checks.flatMap(([what, c]) => c.failures.map((f) => `${what}: ${f}`));
  return { ok: reasons.length === 0, reasons, validation, heldOut };
}

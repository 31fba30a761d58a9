import { playsDataset, type CoverPlay, type ParsedPlays } from '../../data/gamestate/plays';
import { parameterCount } from '../../learn/mlp-tf';
import { round } from '../../math/round';
import { baselineScores, checkClaim, checkNotWorse, HELD_OUT_MARGIN, rescorePlays, SAME_ROWS_TOLERANCE, type ClaimCheck } from '../../learn/rescore';
import { MlpArtifact } from '../../models/mlp-artifact';
import type { CoverMetrics } from '../cover/metrics';
import { seasonPlaysDatasets } from '../cover/plays';
import type { KernelVerifier } from '../types';
import { shapeOf, trainingFlops } from './mlp-cost';
import { validationPlays } from './mlp-data';
import type { TrainMlpOutput } from './mlp-output';
import { validationSeason, type TrainMlpParams } from './mlp-params';

/*
 * The coordinator's check of one train.mlp@1 result, run before replicas are compared:
 *   1. the model is a well-formed artifact with the features of its feature set;
 *   2. re-scored on the validation season (the rows the claim was made on; pass the same rows the
 *      WU had, i.e. capped by maxRows the same way) it gives the claim within SAME_ROWS_TOLERANCE;
 *   3. re-scored on the held-out test season, which the agent never received, it is no worse than
 *      the analytic baseline on the same plays by more than HELD_OUT_MARGIN.
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
    ['held-out season', checkNotWorse(heldOut, baselineScores(heldOutPlays), HELD_OUT_MARGIN)],
  ];
  const reasons = checks.flatMap(([what, c]) => c.failures.map((f) => `${what}: ${f}`));
  return { ok: reasons.length === 0, reasons, validation, heldOut };
}

const r8 = (x: number) => round(x, 8);
const figures = (season: number, m: CoverMetrics) =>
  ({ season, n: m.n, logLoss: r8(m.logLoss), brier: r8(m.brier), calibrationError: r8(m.calibrationError) });

/** What the coordinator re-scored a train.mlp@1 result at (kept with the replica, and in the registry). */
export interface TrainMlpRescored {
  validation: CoverMetrics & { season: number };
  heldOut: CoverMetrics & { season: number };
}

/** Counts the output states about its own run that must match the params before anything is re-scored. */
function bookkeeping(out: TrainMlpOutput, p: TrainMlpParams): string[] {
  const bad: string[] = [];
  const params = parameterCount(shapeOf(p));
  if (out.testSeason !== p.fold.testSeason) bad.push(`test season ${out.testSeason}, the WU's is ${p.fold.testSeason}`);
  if (out.featureSet !== p.featureSet) bad.push(`feature set ${out.featureSet}, the WU's is ${p.featureSet}`);
  if (out.parameterCount !== params) bad.push(`${out.parameterCount} parameters, the WU's network has ${params}`);
  if (!Number.isInteger(out.epochsRun) || out.epochsRun < 1 || out.epochsRun > p.epochs) bad.push(`${out.epochsRun} epochs run of ${p.epochs}`);
  if (out.examplesProcessed !== out.epochsRun * out.rows.fit) bad.push(`${out.examplesProcessed} examples for ${out.epochsRun} epochs of ${out.rows.fit} rows`);
  if (p.maxRows !== undefined && out.rows.fit > p.maxRows) bad.push(`${out.rows.fit} fit rows, more than maxRows ${p.maxRows}`);
  if (out.work !== out.examplesProcessed * out.parameterCount) bad.push(`work ${out.work} is not examples × parameters`);
  return bad;
}

/**
 * train.mlp@1's Kernel.verify: the bookkeeping of the output against the WU's params, then
 * validateTrainMlp on the validation rows the WU had and on the held-out season the agent never
 * received. Credit is for the work the output shows (examples × parameters, costed as the
 * estimate is, and never above it).
 */
export const trainMlpVerifier: KernelVerifier<TrainMlpParams, TrainMlpOutput> = {
  datasets: (p) => seasonPlaysDatasets([validationSeason(p.fold.testSeason), p.fold.testSeason]),
  check(out, p, costEstimate, data) {
    const failed = (reasons: string[]) => ({ ok: false, reason: reasons.join('; '), rescored: null, workFlops: null });
    const bad = bookkeeping(out, p);
    if (out.rows.validation !== validationPlays(data, p).length) bad.push(`${out.rows.validation} validation rows, the WU has ${validationPlays(data, p).length}`);
    if (bad.length) return failed(bad);
    const heldOut = data.dataset<ParsedPlays>(playsDataset(p.fold.testSeason)).rows;
    const v = validateTrainMlp(out, validationPlays(data, p), heldOut);
    if (!v.ok || !v.validation || !v.heldOut) return failed(v.reasons);
    const rescored: TrainMlpRescored = { validation: figures(out.validationSeason, v.validation), heldOut: figures(out.testSeason, v.heldOut) };
    const flops = trainingFlops(out.examplesProcessed, out.epochsRun * out.rows.validation, out.parameterCount);
    return { ok: true, reason: null, rescored: { ...rescored }, workFlops: Math.min(flops, costEstimate) };
  },
  asRescored: (out, r) => ({ ...out, claimed: (r as unknown as TrainMlpRescored).validation }),
};

/*
 * Adaptive two-stage step-up procedure of Benjamini, Krieger & Yekutieli (2006, Biometrika
 * 93:491–507, Definition 6, "TST"), which controls the FDR at q for independent p-values and
 * gains power by estimating the number of true nulls m0:
 *
 *   1. q' = q/(1 + q). Run BH at q'; r1 = its rejections. r1 = 0: reject nothing; r1 = m: reject all.
 *   2. m̂0 = m − r1. Run BH at q* = q'·m/m̂0; its rejections are the result.
 *
 * Stage 2 rejects p₍ᵢ₎ ≤ i·q* / m, i.e. BH-adjusted p × (1 + q) m̂0/m ≤ q; those values are returned
 * as `adjusted`. They depend on q through m̂0, so — unlike BH — they are valid only at this α.
 */
import { bhAdjust, type AdjustedPValues } from './p-adjust';
import { requireOpenUnit, requirePValues } from '../math/validate';

export interface BkyResult extends AdjustedPValues {
  /** Rejections of the first stage (BH at q/(1+q)). */
  stage1Rejections: number;
  /** m̂0 = m − r1. */
  m0Estimate: number;
}

export function benjaminiKriegerYekutieli(p: readonly number[], alpha = 0.05): BkyResult {
  requirePValues(p);
  requireOpenUnit('alpha', alpha);
  const m = p.length;
  const qPrime = alpha / (1 + alpha);
  const bh = bhAdjust(p);
  const stage1Rejections = bh.filter((v) => v <= qPrime).length;
  const m0Estimate = m - stage1Rejections;
  let adjusted: number[];
  let rejected: boolean[];
  if (stage1Rejections === 0 || stage1Rejections === m) {
    // Stop after stage 1: the stage-1 adjusted values (BH × (1 + q)) reproduce its decisions.
    adjusted = bh.map((v) => Math.min(1, v * (1 + alpha)));
    rejected = bh.map((v) => v <= qPrime);
  } else {
    const scale = ((1 + alpha) * m0Estimate) / m;
    adjusted = bh.map((v) => Math.min(1, v * scale));
    rejected = bh.map((v) => v <= qPrime * (m / m0Estimate));
  }
  return { adjusted, rejected, rejections: rejected.filter(Boolean).length, alpha, stage1Rejections, m0Estimate };
}

import { z } from 'zod';
import { MlpArtifact, mlpForward } from './mlp-artifact';

/*
 * Several networks trained on the same fold with different seeds, served as one model: the mean
 * of the members' probabilities, optionally passed through a Platt layer
 *   p' = σ(a · logit(p̄) + b)
 * fitted on the fold's validation season (never its test season). Members must read the same
 * features in the same order, so one feature vector feeds them all.
 */

export const ENSEMBLE_FORMAT = 'nfl-grid.mlp-ensemble/1';

/** Averaged probabilities are clipped this far from 0 and 1 before the logit. */
const LOGIT_CLIP = 1e-6;

export const PlattLayer = z.strictObject({
  kind: z.literal('platt'),
  a: z.number().finite(),
  b: z.number().finite(),
});
export type PlattLayer = z.infer<typeof PlattLayer>;

export const MlpEnsembleArtifact = z
  .strictObject({
    format: z.literal(ENSEMBLE_FORMAT),
    members: z.array(MlpArtifact).min(1).max(64),
    calibration: PlattLayer.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.members.length === 0) return; // min(1) has said so
    const features = a.members[0]!.features.join();
    a.members.forEach((m, i) => {
      if (m.features.join() !== features) ctx.addIssue({ code: 'custom', path: ['members', i, 'features'], message: `member ${i} reads other features than member 0` });
    });
  });
export type MlpEnsembleArtifact = z.infer<typeof MlpEnsembleArtifact>;

const logit = (p: number) => {
  const q = Math.min(1 - LOGIT_CLIP, Math.max(LOGIT_CLIP, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const applyPlatt = (c: PlattLayer, p: number): number => sigmoid(c.a * logit(p) + c.b);

/** The members' mean probability (before any calibration layer). */
export function ensembleMean(members: readonly MlpArtifact[], raw: readonly number[]): number {
  let s = 0;
  for (const m of members) s += mlpForward(m, raw);
  return s / members.length;
}

/** Raw feature values (NaN for missing) → the ensemble's probability. */
export function ensembleForward(a: MlpEnsembleArtifact, raw: readonly number[]): number {
  const p = ensembleMean(a.members, raw);
  return a.calibration ? applyPlatt(a.calibration, p) : p;
}

/**
 * The Platt layer that maximises the likelihood of labels y given forecasts p: a logistic
 * regression on logit(p), by Newton's method (two parameters, a concave objective). Starts at the
 * identity (a = 1, b = 0).
 */
export function fitPlatt(p: ArrayLike<number>, y: ArrayLike<number>, iterations = 50): PlattLayer {
  const n = p.length;
  const x = Float64Array.from({ length: n }, (_, i) => logit(p[i]!));
  let a = 1, b = 0;
  for (let it = 0; it < iterations; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const q = sigmoid(a * x[i]! + b), r = y[i]! - q, w = q * (1 - q);
      ga += r * x[i]!; gb += r;
      haa += w * x[i]! * x[i]!; hab += w * x[i]!; hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a += da; b += db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { kind: 'platt', a, b };
}

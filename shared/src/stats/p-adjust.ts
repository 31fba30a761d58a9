/*
 * Multiple-comparison adjustments of m p-values. Each returns adjusted p-values in the input
 * order — monotone in the raw p-values, capped at 1 — and the rejections at level α
 * (adjusted ≤ α), which are exactly those of the step procedure at α.
 *
 *  - Bonferroni: p̃ = min(1, m p)                                         (FWER)
 *  - Holm (1979): step-down, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) p₍ⱼ₎)    (FWER, uniformly ≥ Bonferroni in power)
 *  - Benjamini & Hochberg (1995): step-up, p̃₍ᵢ₎ = min_{j ≥ i} min(1, m p₍ⱼ₎ / j)   (FDR under independence / PRDS)
 *
 * p₍₁₎ ≤ … ≤ p₍ₘ₎ are the sorted p-values (ties keep their input order; the adjusted values of
 * tied p-values come out equal).
 */
import { requireOpenUnit, requirePValues } from '../math/validate';

export interface AdjustedPValues {
  /** Adjusted p-values (or q-values), in input order. */
  adjusted: number[];
  rejected: boolean[];
  rejections: number;
  alpha: number;
}

/** Indices that sort p ascending (stable). */
function ascendingOrder(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((i, j) => p[i] - p[j] || i - j);
}

export function withRejections(adjusted: number[], alpha: number): AdjustedPValues {
  const rejected = adjusted.map((q) => q <= alpha);
  return { adjusted, rejected, rejections: rejected.filter(Boolean).length, alpha };
}

function checkInputs(p: readonly number[], alpha: number): void {
  requirePValues(p);
  requireOpenUnit('alpha', alpha);
}

export function bonferroni(p: readonly number[], alpha = 0.05): AdjustedPValues {
  checkInputs(p, alpha);
  return withRejections(p.map((v) => Math.min(1, v * p.length)), alpha);
}

export function holm(p: readonly number[], alpha = 0.05): AdjustedPValues {
  checkInputs(p, alpha);
  const m = p.length;
  const order = ascendingOrder(p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]));
    adjusted[idx] = running;
  });
  return withRejections(adjusted, alpha);
}

/** BH-adjusted p-values (no validation), shared with Storey's q-values and the BKY procedure. */
export function bhAdjust(p: readonly number[], scale = 1): number[] {
  const m = p.length;
  const order = ascendingOrder(p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank];
    running = Math.min(running, (scale * m * p[idx]) / (rank + 1));
    adjusted[idx] = running;
  }
  return adjusted;
}

export function benjaminiHochberg(p: readonly number[], alpha = 0.05): AdjustedPValues {
  checkInputs(p, alpha);
  return withRejections(bhAdjust(p), alpha);
}

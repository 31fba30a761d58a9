import type { PromotionNumbers, PromotionVerdict } from '@nfl-grid/shared/api/console-types';
import { signFlipTest } from '@nfl-grid/shared/stats/paired-permutation';

/*
 * The promotion decision. Both models score the same evaluation plays; a play's loss is its clipped
 * log loss. Plays of one game share the game's label, so they are not independent: the unit of the
 * test is the game. A game's difference is the sum over its plays of (production loss − candidate
 * loss), scaled by games / plays so that the mean over games is Δ, the mean difference per play
 * (positive when the candidate is better); the scaling does not change the test.
 *
 * A paired permutation (sign-flip) test of the games' differences, two-sided, gives p. Then:
 *   ship     Δ > 0 and p < α            the candidate is better, beyond chance
 *   kill     Δ < 0 and p < α            the candidate is worse, beyond chance
 *   iterate  otherwise, or fewer than MIN_GAMES games    no evidence either way
 */

const DEFAULT_ALPHA = 0.05;
const DEFAULT_PERMUTATIONS = 10_000;
export const MIN_GAMES = 20;

export interface DecisionOptions {
  alpha?: number;
  permutations?: number;
  seed?: number;
}

/** The test's part of a promotion's answer (the rest says which plays and seasons were scored). */
export type DecisionNumbers = Pick<PromotionNumbers, 'decision' | 'reason' | 'games' | 'meanImprovement' | 'pValue' | 'alpha' | 'permutations' | 'method'>;

/** Decides from per-game loss differences (production − candidate). */
export function decidePromotion(diffs: readonly number[], opts: DecisionOptions = {}): DecisionNumbers {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const permutations = opts.permutations ?? DEFAULT_PERMUTATIONS;
  const games = diffs.length;
  const meanImprovement = games ? diffs.reduce((s, d) => s + d, 0) / games : 0;
  const base = { games, meanImprovement, alpha, permutations };
  if (games < MIN_GAMES) {
    return { ...base, decision: 'iterate', reason: `only ${games} evaluation games (at least ${MIN_GAMES} needed)`, pValue: null, method: null };
  }
  if (diffs.every((d) => d === 0)) {
    return { ...base, decision: 'iterate', reason: 'the two models score every game the same', pValue: 1, method: null };
  }
  const test = signFlipTest(diffs, { permutations, alternative: 'two-sided', seed: opts.seed ?? 1 });
  const p = test.pValue;
  const significant = p < alpha;
  const decision: PromotionVerdict = significant && meanImprovement > 0 ? 'ship' : significant && meanImprovement < 0 ? 'kill' : 'iterate';
  const reason = decision === 'ship' ? `the candidate's log loss is lower by ${meanImprovement.toPrecision(3)} per play (p = ${p.toPrecision(3)} < ${alpha})`
    : decision === 'kill' ? `the candidate's log loss is higher by ${(-meanImprovement).toPrecision(3)} per play (p = ${p.toPrecision(3)} < ${alpha})`
      : `no significant difference (mean improvement ${meanImprovement.toPrecision(3)}, p = ${p.toPrecision(3)} ≥ ${alpha})`;
  return { ...base, decision, reason, pValue: p, method: test.method };
}

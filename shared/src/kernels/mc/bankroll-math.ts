import { normalCdf } from '../../math/normal';

/*
 * The betting arithmetic of mc.bankroll, kept apart so it can be checked against hand-worked
 * cases. A "side" is the team bet on; it covers when its final margin beats the points it must
 * win by, c = −(its line): the home side has c = −homeLine, the away side c = +homeLine.
 */

/** Net win per unit staked at American odds: -110 → 100/110, +150 → 1.5. */
export function netOdds(american: number): number {
  if (!(Math.abs(american) >= 100)) throw new RangeError(`American odds must be ≤ -100 or ≥ 100, got ${american}`);
  return american < 0 ? 100 / -american : american / 100;
}

export interface CoverProbabilities {
  win: number;
  push: number;
  lose: number;
}

/**
 * The side's margin is round(Z) with Z ~ Normal(c + skill, sigma): the market's expectation c
 * plus the bettor's edge `skill` in points; rounding (half up) to whole points makes pushes on
 * integer lines. Win iff round(Z) > c ⇔ Z ≥ floor(c) + ½; push iff c is an integer and
 * c − ½ ≤ Z < c + ½.
 */
export function coverProbabilities(c: number, skill: number, sigma: number): CoverProbabilities {
  const win = normalCdf((c - Math.floor(c) - 0.5 + skill) / sigma);
  const push = Number.isInteger(c) ? normalCdf((0.5 - skill) / sigma) - normalCdf((-0.5 - skill) / sigma) : 0;
  return { win, push, lose: 1 - win - push };
}

/**
 * Kelly stake as a fraction of bankroll for a bet paying b per unit with win / lose
 * probabilities (a push returns the stake). Maximising win·ln(1 + b f) + lose·ln(1 − f):
 * win·b / (1 + b f) = lose / (1 − f) ⇒ f = (win·b − lose) / (b·(win + lose)). Never negative.
 */
export function kellyFraction(win: number, lose: number, b: number): number {
  const f = (win * b - lose) / (b * (win + lose));
  return f > 0 ? f : 0;
}

/** Win rate (pushes excluded) at which a bet paying b per unit breaks even: 1 / (1 + b). */
export function breakEvenWinRate(b: number): number {
  return 1 / (1 + b);
}

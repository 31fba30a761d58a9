import { kellyFraction } from '../mc/bankroll-math';
import type { SideOffer } from './model';

/*
 * How much a strategy stakes on a chosen bet, from the bankroll at the start of the round
 * (every bet of a round is sized from the same bankroll; engine.ts then scales the round
 * down if its stakes exceed `maxExposure` × bankroll):
 *   fixed_amount    `amount` every bet
 *   fixed_fraction  `fraction` × bankroll
 *   kelly           `multiplier` × the full-Kelly fraction × bankroll, at most `maxFraction`
 *                   (full Kelly with pushes: f = (p·b − q) / (b·(p + q)), ../mc/bankroll-math.ts)
 *   confidence      `amount` × (edge / `edgeUnit`): stake proportional to the expected profit
 *                   per unit, not compounding; at most `maxFraction` × bankroll
 * and never more than the bankroll.
 */

export type StakingSpec =
  | { kind: 'fixed_amount'; amount: number }
  | { kind: 'fixed_fraction'; fraction: number }
  | { kind: 'kelly'; multiplier: number; maxFraction: number }
  | { kind: 'confidence'; amount: number; edgeUnit: number; maxFraction: number };

export function stakeFor(s: StakingSpec, o: SideOffer, bankroll: number): number {
  let stake: number;
  switch (s.kind) {
    case 'fixed_amount': stake = s.amount; break;
    case 'fixed_fraction': stake = s.fraction * bankroll; break;
    case 'kelly': stake = Math.min(s.multiplier * kellyFraction(o.win, o.lose, o.b), s.maxFraction) * bankroll; break;
    case 'confidence': stake = Math.min(s.amount * (Math.max(o.ev, 0) / s.edgeUnit), s.maxFraction * bankroll); break;
  }
  return Math.max(0, Math.min(stake, bankroll));
}

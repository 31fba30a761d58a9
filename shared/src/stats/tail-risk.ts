/*
 * Empirical tail risk of a P&L sample and drawdown of a path, for the bankroll kernels and their
 * batch merge. The 5 % tail is counted in whole outcomes, ceil(n / 20), so replicas agree exactly.
 */

/** How many of n values make the 5 % tail of tailRisk95: ceil(n / 20). */
export const tailSize95 = (n: number): number => Math.ceil(n / 20);

export interface TailRisk {
  /** Loss not exceeded with 95 % confidence: minus the ceil(n/20)-th smallest P&L. */
  var95: number;
  /** Expected shortfall: minus the mean of those ceil(n/20) smallest P&Ls. */
  cvar95: number;
}

/** VaR and CVaR at 95 % of a P&L sample, as positive numbers for losses (negative for gains). */
export function tailRisk95(pnl: readonly number[]): TailRisk {
  const n = pnl.length;
  if (n === 0) return { var95: NaN, cvar95: NaN };
  const sorted = [...pnl].sort((a, b) => a - b);
  const k = tailSize95(n);
  let s = 0;
  for (let i = 0; i < k; i++) s += sorted[i];
  return { var95: -sorted[k - 1], cvar95: -s / k };
}

/** Largest fall from a running peak, as a fraction of that peak (0 when the path never falls). */
export function maxDrawdown(path: readonly number[]): number {
  let peak = -Infinity, dd = 0;
  for (const x of path) {
    if (x > peak) peak = x;
    else if (peak > 0) dd = Math.max(dd, (peak - x) / peak);
  }
  return dd;
}

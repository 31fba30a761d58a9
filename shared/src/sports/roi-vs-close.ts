/*
 * Return on investment against the closing market, the rule every performance figure uses:
 * one unit staked on every game where the model disagrees with the de-vigged close (p > market:
 * the home side; p < market: the away side; p = market or no market or no price: no bet), at the
 * closing price of that side, as decimal odds (NBA: the closing moneyline; NFL: −110 against the
 * closing spread, 1.909…). `homeResult` settles the bet on the home side: 1 won, 0.5 pushed
 * (stake back), 0 lost; the away side's result is 1 − homeResult.
 *   roi = Σ profit / bets;  se = sd(profit per bet) / √bets (sample sd).
 */

export interface PricedGame {
  p: number;
  market: number | null;
  /** Decimal odds of a bet on each side; null without a price. */
  homeOdds: number | null;
  awayOdds: number | null;
  homeResult: number;
}

export interface RoiVsClose {
  bets: number;
  won: number;
  profit: number;
  roi: number | null;
  se: number | null;
}

export function betProfit(odds: number, result: number): number {
  if (result === 1) return odds - 1;
  if (result === 0.5) return 0;
  return -1;
}

export function roiVsClose(games: readonly PricedGame[]): RoiVsClose {
  const profits: number[] = [];
  let won = 0;
  for (const g of games) {
    if (g.market === null || g.homeOdds === null || g.awayOdds === null || g.p === g.market) continue;
    const home = g.p > g.market, result = home ? g.homeResult : 1 - g.homeResult;
    if (result === 1) won++;
    profits.push(betProfit(home ? g.homeOdds : g.awayOdds, result));
  }
  const n = profits.length, profit = profits.reduce((a, x) => a + x, 0);
  if (!n) return { bets: 0, won: 0, profit: 0, roi: null, se: null };
  const m = profit / n;
  const sd = n > 1 ? Math.sqrt(profits.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) : null;
  return { bets: n, won, profit, roi: m, se: sd === null ? null : sd / Math.sqrt(n) };
}

/** Decimal odds of an American price (−110 → 1.9091, +150 → 2.5). */
export function decimalOdds(american: number): number {
  if (!(Math.abs(american) >= 100)) throw new RangeError(`decimalOdds: American odds are ≤ −100 or ≥ 100, got ${american}`);
  return american > 0 ? 1 + american / 100 : 1 + 100 / -american;
}

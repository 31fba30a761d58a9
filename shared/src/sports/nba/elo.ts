/*
 * Walk-forward Elo ratings for NBA sides. The constants follow FiveThirtyEight's published NBA Elo
 * method ("How We Calculate NBA Elo Ratings", 2015): K = 20, a home edge of 100 points, a
 * margin-of-victory multiplier damped by the rating gap (so favourites' blow-outs count less), and
 * ratings carried 75% into a new season, 25% back to the mean of 1505. A rating only ever moves
 * after a game is played, so a rating read before a game knows nothing of it.
 */

export const ELO_MEAN = 1505;
export const ELO_HOME_EDGE = 100;
const K = 20;
const CARRY = 0.75;

/** Home win probability from a rating gap (home minus away, home edge already added). */
export function eloProbability(gap: number): number {
  return 1 / (1 + 10 ** (-gap / 400));
}

export class EloRatings {
  private readonly rating = new Map<string, number>();
  private readonly season = new Map<string, number>();

  clone(): EloRatings {
    const c = new EloRatings();
    for (const [k, v] of this.rating) c.rating.set(k, v);
    for (const [k, v] of this.season) c.season.set(k, v);
    return c;
  }

  /** The side's rating going into a game of `season`, regressed to the mean once per new season. */
  current(team: string, season: number): number {
    const r = this.rating.get(team) ?? ELO_MEAN;
    const s = this.season.get(team);
    if (s === undefined || s === season) return r;
    return CARRY * r + (1 - CARRY) * ELO_MEAN;
  }

  /** Records a finished game: both sides' ratings move by the same amount in opposite directions. */
  update(home: string, away: string, season: number, neutral: boolean, homeMargin: number): void {
    const h = this.current(home, season), a = this.current(away, season);
    const gap = h - a + (neutral ? 0 : ELO_HOME_EDGE);
    const expected = eloProbability(gap);
    const result = homeMargin > 0 ? 1 : homeMargin < 0 ? 0 : 0.5;
    // the winner's rating edge damps the multiplier: a blow-out by the favourite is less news
    const winnerGap = homeMargin >= 0 ? gap : -gap;
    const mov = (Math.abs(homeMargin) + 3) ** 0.8 / (7.5 + 0.006 * winnerGap);
    const shift = K * mov * (result - expected);
    this.rating.set(home, h + shift);
    this.rating.set(away, a - shift);
    this.season.set(home, season);
    this.season.set(away, season);
  }
}

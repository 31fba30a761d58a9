import { describe, expect, it } from 'vitest';
import { fitRatings, SingularSystemError, solveLinear } from './least-squares';

describe('solveLinear', () => {
  it('solves a system that needs a row swap', () => {
    // 0x + 2y = 4, 3x + y = 5 → y = 2, x = 1
    expect(solveLinear([[0, 2], [3, 1]], [4, 5])).toEqual([1, 2]);
  });
  it('refuses a singular system', () => {
    expect(() => solveLinear([[1, 2], [2, 4]], [1, 2])).toThrow(SingularSystemError);
  });
});

describe('fitRatings', () => {
  it('fits a 3-team round robin exactly (hand-solved)', () => {
    // A–B 10 at A, B–C 4 at B, C–A -2 at C:
    //   rA - rB + h = 10, rB - rC + h = 4, rC - rA + h = -2. Summing: 3h = 12, h = 4.
    //   Then rA - rB = 6, rB - rC = 0; with rA + rB + rC = 0: rB = rC = -2, rA = 4.
    const fit = fitRatings(3, [
      { home: 0, away: 1, margin: 10, neutral: false },
      { home: 1, away: 2, margin: 4, neutral: false },
      { home: 2, away: 0, margin: -2, neutral: false },
    ], { ridge: 0 });
    expect(fit.hfa).toBeCloseTo(4, 12);
    expect(fit.ratings[0]).toBeCloseTo(4, 12);
    expect(fit.ratings[1]).toBeCloseTo(-2, 12);
    expect(fit.ratings[2]).toBeCloseTo(-2, 12);
  });

  it('shrinks with ridge as derived by hand', () => {
    // Two neutral games, A beats B by 10 and by 4. By symmetry rA = -rB = x and
    // d/dx [(10-2x)² + (4-2x)² + λ·2x²] = 0 → x = Σm / (2n + λ) = 14 / (4 + 1) = 2.8.
    const fit = fitRatings(2, [
      { home: 0, away: 1, margin: 10, neutral: true },
      { home: 0, away: 1, margin: 4, neutral: true },
    ], { ridge: 1 });
    expect(fit.hfa).toBe(0); // nothing to fit it from
    expect(fit.ratings[0]).toBeCloseTo(2.8, 12);
    expect(fit.ratings[1]).toBeCloseTo(-2.8, 12);
  });

  it('holds a given hfa fixed, and leaves teams without games at 0', () => {
    // A hosts B twice: margins 7 and 1; with h = 2 the residual margins are 5 and -1,
    // least squares rA - rB = 2, zero mean → ±1. Team 2 never plays.
    const fit = fitRatings(3, [
      { home: 0, away: 1, margin: 7, neutral: false },
      { home: 0, away: 1, margin: 1, neutral: false },
    ], { ridge: 0, hfa: 2 });
    expect(fit.hfa).toBe(2);
    expect(fit.ratings[0]).toBeCloseTo(1, 12);
    expect(fit.ratings[1]).toBeCloseTo(-1, 12);
    expect(fit.ratings[2]).toBe(0);
  });

  it('refuses two disconnected groups without ridge, fits them with ridge', () => {
    const games = [
      { home: 0, away: 1, margin: 3, neutral: true },
      { home: 2, away: 3, margin: 5, neutral: true },
    ];
    expect(() => fitRatings(4, games, { ridge: 0 })).toThrow(SingularSystemError);
    const fit = fitRatings(4, games, { ridge: 1 });
    // each pair alone: x = m / (2 + 1)
    expect(fit.ratings.map((r) => Math.round(r * 1e12) / 1e12)).toEqual([1, -1, 5 / 3, -5 / 3].map((r) => Math.round(r * 1e12) / 1e12));
  });
});

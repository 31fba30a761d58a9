import { describe, expect, it } from 'vitest';
import { gameMetrics } from './game-metrics';
import { decimalOdds, roiVsClose } from './roi-vs-close';

const rows = (ps: number[], ys: number[]) => ps.map((p, i) => ({ p, y: ys[i]! }));

describe('gameMetrics', () => {
  it('matches a hand-worked case of six games', () => {
    // calls (p > 0.5): H H A H A A against 1 1 1 0 0 0 → tp 2, fn 1, fp 1, tn 2.
    const m = gameMetrics(rows([0.9, 0.8, 0.3, 0.6, 0.2, 0.5], [1, 1, 1, 0, 0, 0]));
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    // pairs (win p > loss p): 0.9 beats 3, 0.8 beats 3, 0.3 beats 0.2 only → 7 of 9.
    expect(m.auc).toBeCloseTo(7 / 9, 12);
    expect(m.brier).toBeCloseTo((0.01 + 0.04 + 0.49 + 0.36 + 0.04 + 0.25) / 6, 12);
    const ll = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.3) + Math.log(0.4) + Math.log(0.8) + Math.log(0.5)) / 6;
    expect(m.logLoss).toBeCloseTo(ll, 12);
    expect(m.logLoss).toBeCloseTo(0.5608431, 6);
    // one game per bin: the mean of |p − y| = 2.3 / 6.
    expect(m.calibrationError).toBeCloseTo(2.3 / 6, 12);
  });

  it('bins several games together for the calibration error, and counts tied p as half in AUC', () => {
    expect(gameMetrics(rows([0.12, 0.18], [0, 1])).calibrationError).toBeCloseTo(0.35, 12);
    expect(gameMetrics(rows([0.5, 0.5], [1, 0])).auc).toBe(0.5);
  });

  it('leaves ties out of the calls but scores them in Brier and log loss; undefined figures are null', () => {
    const m = gameMetrics(rows([0.7, 0.4], [0.5, 0]));
    expect(m.accuracy).toBe(1);
    expect(m.precision).toBeNull();
    expect(m.auc).toBeNull();
    expect(m.brier).toBeCloseTo((0.04 + 0.16) / 2, 12);
    expect(gameMetrics([])).toMatchObject({ n: 0, accuracy: null, brier: null, logLoss: null, calibrationError: null });
  });

  it('refuses probabilities outside [0, 1] and outcomes other than 0, ½, 1', () => {
    expect(() => gameMetrics(rows([1.2], [1]))).toThrow(RangeError);
    expect(() => gameMetrics(rows([0.5], [2]))).toThrow(RangeError);
  });
});

describe('roiVsClose', () => {
  it('bets one unit on the side the model prefers to the close, at that side’s price', () => {
    const r = roiVsClose([
      { p: 0.6, market: 0.5, homeOdds: 1.9, awayOdds: 2.0, homeResult: 1 }, // home won: +0.9
      { p: 0.4, market: 0.5, homeOdds: 1.9, awayOdds: 2.1, homeResult: 0 }, // away won: +1.1
      { p: 0.7, market: 0.6, homeOdds: 1.5, awayOdds: 2.8, homeResult: 0 }, // home lost: −1
      { p: 0.5, market: 0.5, homeOdds: 1.9, awayOdds: 1.9, homeResult: 1 }, // agrees: no bet
      { p: 0.3, market: 0.45, homeOdds: 2, awayOdds: 1.8, homeResult: 0.5 }, // away pushed: 0
      { p: 0.3, market: null, homeOdds: 2, awayOdds: 1.8, homeResult: 0 }, // no line: no bet
    ]);
    expect(r.bets).toBe(4);
    expect(r.won).toBe(2);
    expect(r.profit).toBeCloseTo(1, 12);
    expect(r.roi).toBeCloseTo(0.25, 12);
    // profits 0.9, 1.1, −1, 0: sample variance 2.77 / 3.
    expect(r.se).toBeCloseTo(Math.sqrt(2.77 / 3) / 2, 12);
    expect(roiVsClose([])).toEqual({ bets: 0, won: 0, profit: 0, roi: null, se: null });
  });

  it('converts American prices to decimal odds', () => {
    expect(decimalOdds(-110)).toBeCloseTo(1 + 100 / 110, 12);
    expect(decimalOdds(150)).toBe(2.5);
    expect(() => decimalOdds(50)).toThrow(RangeError);
  });
});

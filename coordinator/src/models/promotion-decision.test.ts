import { describe, expect, it } from 'vitest';
import { decidePromotion, MIN_GAMES } from './promotion-decision';

// per-game differences production − candidate: a fixed, symmetric noise pattern plus a shift
const noise = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) / 100 - 0.5);
const shifted = (d: number) => noise.map((x) => x + d);

describe('promotion decision', () => {
  it('ships a clearly better candidate with the numbers', () => {
    const r = decidePromotion(shifted(0.1));
    expect(r.decision).toBe('ship');
    expect(r.meanImprovement).toBeGreaterThan(0.09);
    expect(r.pValue!).toBeLessThan(0.001);
    expect(r).toMatchObject({ games: 200, alpha: 0.05, permutations: 10_000, method: 'monte-carlo' });
  });

  it('kills a clearly worse candidate', () => {
    const r = decidePromotion(shifted(-0.1));
    expect(r.decision).toBe('kill');
    expect(r.meanImprovement).toBeLessThan(0);
  });

  it('iterates when the difference is within chance', () => {
    const centred = noise.map((x) => x - noise.reduce((s, v) => s + v, 0) / noise.length);
    const r = decidePromotion(centred.map((x) => x + 0.002));
    expect(r.decision).toBe('iterate');
    expect(r.pValue!).toBeGreaterThan(0.05);
  });

  it('iterates on too few games or identical scores', () => {
    expect(decidePromotion(Array(MIN_GAMES - 1).fill(1)).decision).toBe('iterate');
    expect(decidePromotion(Array(MIN_GAMES - 1).fill(1)).pValue).toBeNull();
    expect(decidePromotion(Array(100).fill(0))).toMatchObject({ decision: 'iterate', pValue: 1 });
  });

  it('uses the given alpha', () => {
    const d = shifted(0.03);
    const strict = decidePromotion(d, { alpha: 1e-6 });
    const loose = decidePromotion(d, { alpha: 0.2 });
    expect(strict.pValue).toBe(loose.pValue);
    expect(loose.decision).toBe(loose.pValue! < 0.2 ? 'ship' : 'iterate');
    expect(strict.decision).toBe('iterate');
  });
});

import { describe, expect, it } from 'vitest';
import { oddsRatio } from './odds-ratio';

describe('oddsRatio (Woolf interval)', () => {
  it("reproduces Agresti's aspirin example", () => {
    // Physicians' Health Study (Agresti 2007, §2.3.3): placebo 189 MI / 10845 none, aspirin
    // 104 / 10933. Published: OR = 1.83, 95% CI (1.44, 2.33). By hand (Python stdlib):
    // OR = 189·10933/(10845·104) = 1.8320539419087136, SE(ln OR) = √(1/189 + 1/10845 + 1/104 + 1/10933)
    // = 0.12284162364846611, CI exp(ln OR ∓ 1.959964·SE) = (1.4400423918486225, 2.3307797500006404).
    const r = oddsRatio([[189, 10845], [104, 10933]]);
    expect(r.corrected).toBe(false);
    expect(r.oddsRatio).toBeCloseTo(1.8320539419087136, 13);
    expect(r.standardError).toBeCloseTo(0.12284162364846611, 14);
    expect(r.lower).toBeCloseTo(1.4400423918486225, 12);
    expect(r.upper).toBeCloseTo(2.3307797500006404, 12);
    expect(r.lower).toBeCloseTo(1.44, 2);
    expect(r.upper).toBeCloseTo(2.33, 2);
  });

  it('applies the Haldane–Anscombe ½ correction for a zero cell (by hand)', () => {
    // [[0, 5], [5, 5]] → [[0.5, 5.5], [5.5, 5.5]]: OR = 0.5/5.5 = 0.0909…, SE = √(2 + 3/5.5)
    // = 1.5954480704349312, CI (0.0039862033993565815, 2.073266710688001).
    const r = oddsRatio([[0, 5], [5, 5]]);
    expect(r.corrected).toBe(true);
    expect(r.oddsRatio).toBeCloseTo(1 / 11, 14);
    expect(r.standardError).toBeCloseTo(1.5954480704349312, 14);
    expect(r.lower).toBeCloseTo(0.0039862033993565815, 14);
    expect(r.upper).toBeCloseTo(2.073266710688001, 12);
    const never = oddsRatio([[0, 5], [5, 5]], { correction: 'never' });
    expect(never).toMatchObject({ oddsRatio: 0, lower: 0, upper: Infinity, corrected: false });
    expect(oddsRatio([[2, 4], [3, 6]], { correction: 'always' }).corrected).toBe(true);
  });

  it('honours the level and rejects bad tables with codes', () => {
    const r90 = oddsRatio([[189, 10845], [104, 10933]], { level: 0.9 });
    expect(r90.upper - r90.lower).toBeLessThan(2.3307797500006404 - 1.4400423918486225);
    expect(() => oddsRatio([[1, 2, 3], [4, 5, 6]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => oddsRatio([[1, -2], [3, 4]])).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => oddsRatio([[0, 0], [3, 4]], { correction: 'never' })).toThrowError(expect.objectContaining({ code: 'bad_table' }));
    expect(() => oddsRatio([[1, NaN], [3, 4]])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});

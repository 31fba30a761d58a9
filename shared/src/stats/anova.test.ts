import { describe, expect, it } from 'vitest';
import { etaSquared, oneWayAnova } from './anova';

// Dobson (1983), An Introduction to Statistical Modelling, plant weights under a control and two
// treatments (R's `PlantGrowth`).
const ctrl = [4.17, 5.58, 5.18, 6.11, 4.5, 4.61, 5.17, 4.53, 5.33, 5.14];
const trt1 = [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69];
const trt2 = [6.31, 5.12, 5.54, 5.5, 5.37, 5.29, 4.92, 6.15, 5.8, 5.26];

describe('oneWayAnova', () => {
  it('reproduces the published ANOVA table of the PlantGrowth data', () => {
    // R `summary(aov(weight ~ group, PlantGrowth))`: group Df 2, Sum Sq 3.766, Mean Sq 1.8832,
    // F 4.846, Pr(>F) 0.0159; Residuals Df 27, Sum Sq 10.492, Mean Sq 0.3886.
    // Full precision: scipy 1.17.1 f_oneway → F = 4.846087862380135, p = 0.015909958325622912;
    // SSB = 3.76634, SSW = 10.49209 (numpy), η² = 0.26414829683211977.
    const r = oneWayAnova([ctrl, trt1, trt2]);
    expect(r.dfBetween).toBe(2);
    expect(r.dfWithin).toBe(27);
    expect(r.ssBetween).toBeCloseTo(3.76634, 12);
    expect(r.ssWithin).toBeCloseTo(10.49209, 12);
    expect(r.msBetween).toBeCloseTo(1.8832, 4);
    expect(r.msWithin).toBeCloseTo(0.3886, 4);
    expect(r.statistic).toBeCloseTo(4.846087862380135, 11);
    expect(r.pValue).toBeCloseTo(0.015909958325622912, 13);
    expect(r.etaSquared).toBeCloseTo(0.26414829683211977, 13);
    expect(r.groupMeans[0]).toBeCloseTo(5.032, 12);
    expect(etaSquared([ctrl, trt1, trt2])).toBe(r.etaSquared);
  });

  it('with two groups, F is the pooled-variance t squared', () => {
    // x = {1, 2, 3}, y = {4, 5, 6, 7} by hand: means 2 and 5.5, SSW = 2 + 5 = 7, sp² = 7/5,
    // t = −3.5 / √(1.4 (1/3 + 1/4)) = −3.8730, F = t² = 15.
    const r = oneWayAnova([[1, 2, 3], [4, 5, 6, 7]]);
    expect(r.statistic).toBeCloseTo(15, 12);
    expect(r.ssBetween).toBeCloseTo(21, 12);
    expect(r.etaSquared).toBeCloseTo(21 / 28, 14);
  });

  it('rejects bad input with codes', () => {
    expect(() => oneWayAnova([])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => oneWayAnova([[1, 2]])).toThrowError(expect.objectContaining({ code: 'too_small' }));
    expect(() => oneWayAnova([[1, 2], []])).toThrowError(expect.objectContaining({ code: 'empty_sample' }));
    expect(() => oneWayAnova([[1], [2]])).toThrowError(expect.objectContaining({ code: 'too_small' }));
    expect(() => oneWayAnova([[1, 1], [2, 2]])).toThrowError(expect.objectContaining({ code: 'zero_variance' }));
    expect(() => oneWayAnova([[1, NaN], [2, 3]])).toThrowError(expect.objectContaining({ code: 'not_finite' }));
  });
});

import { describe, expect, it } from 'vitest';
import { maxDrawdown, tailRisk95 } from './tail-risk';

describe('tail risk and drawdown', () => {
  it('VaR/CVaR 95 on 40 outcomes use the 2 worst', () => {
    const pnl = [...new Array(38).fill(10), -50, -30];
    expect(tailRisk95(pnl)).toEqual({ var95: 30, cvar95: 40 });
  });
  it('VaR/CVaR 95 on 21 outcomes round the tail up to 2', () => {
    const pnl = [-7, ...Array.from({ length: 19 }, (_, i) => i), -4];
    expect(tailRisk95(pnl)).toEqual({ var95: 4, cvar95: 5.5 });
  });
  it('VaR is negative when even the tail gains', () => {
    expect(tailRisk95(new Array(20).fill(5))).toEqual({ var95: -5, cvar95: -5 });
  });
  it('max drawdown is measured from the running peak', () => {
    expect(maxDrawdown([100, 120, 90, 130, 65])).toBe(0.5);
    expect(maxDrawdown([1, 2, 3])).toBe(0);
  });
});

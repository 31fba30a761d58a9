import { describe, expect, it } from 'vitest';
import { rungEpochs, survivors } from './halving-rungs';

describe('rung epochs', () => {
  it('grows by eta from minEpochs and ends exactly at maxEpochs', () => {
    expect(rungEpochs(1, 9, 3)).toEqual([1, 3, 9]);
    expect(rungEpochs(1, 10, 3)).toEqual([1, 3, 9, 10]);
    expect(rungEpochs(2, 16, 2)).toEqual([2, 4, 8, 16]);
    expect(rungEpochs(5, 5, 3)).toEqual([5]);
    expect(rungEpochs(4, 6, 4)).toEqual([4, 6]);
  });
});

describe('rung rule', () => {
  const rung = (...losses: (number | null)[]) => losses.map((validationLogLoss, configuration) => ({ configuration, validationLogLoss }));

  it('keeps the best ⌊n/eta⌋, best first', () => {
    expect(survivors(rung(0.70, 0.65, 0.69, 0.60, 0.71, 0.66, 0.68, 0.64, 0.67), 3)).toEqual([3, 7, 1]);
    expect(survivors(rung(0.5, 0.4, 0.3, 0.2), 2)).toEqual([3, 2]);
  });

  it('keeps at least one', () => {
    expect(survivors(rung(0.7, 0.6), 3)).toEqual([1]);
    expect(survivors(rung(0.7), 2)).toEqual([0]);
  });

  it('drops failed configurations, which count in n but are never kept', () => {
    expect(survivors(rung(null, 0.6, null, 0.5, null, null), 3)).toEqual([3, 1]);
    expect(survivors(rung(null, null, 0.9), 3)).toEqual([2]);
    expect(survivors(rung(null, null, null), 2)).toEqual([]);
    expect(survivors(rung(Number.NaN, 0.8, 0.9), 3)).toEqual([1]);
  });

  it('breaks ties by the lower configuration number', () => {
    expect(survivors(rung(0.6, 0.5, 0.5, 0.5), 2)).toEqual([1, 2]);
  });

  it('reads configuration numbers, not positions', () => {
    expect(survivors([{ configuration: 7, validationLogLoss: 0.4 }, { configuration: 2, validationLogLoss: 0.3 }, { configuration: 5, validationLogLoss: 0.5 }], 3)).toEqual([2]);
  });
});

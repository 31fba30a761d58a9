import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean';

describe('editDistance', () => {
  it.each([
    ['', '', 0], ['abc', '', 3], ['kitten', 'sitting', 3], ['flaw', 'lawn', 2], ['ca', 'ac', 1], ['nsims', 'nSims', 1],
  ])('%s → %s is %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));
});

describe('didYouMean', () => {
  const params = ['nSims', 'seasons', 'homeEdge', 'epochs'];
  it('finds a slip of case, a transposition or a missing letter', () => {
    expect(didYouMean('nsims', params)).toBe('nSims');
    expect(didYouMean('sesaons', params)).toBe('seasons');
    expect(didYouMean('epoch', params)).toBe('epochs');
  });
  it('says nothing for a different word', () => {
    expect(didYouMean('learningRate', params)).toBeUndefined();
    expect(didYouMean('x', params)).toBeUndefined();
  });
});

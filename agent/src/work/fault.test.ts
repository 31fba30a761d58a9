import { describe, expect, it } from 'vitest';
import { applyFault, parseFault } from './fault';

describe('fault drill', () => {
  it('is off unless NFL_AGENT_FAULT names a known drill', () => {
    expect(parseFault(undefined)).toBeNull();
    expect(parseFault('')).toBeNull();
    expect(parseFault('wrong-output')).toBe('wrong-output');
    expect(() => parseFault('chaos')).toThrow(/NFL_AGENT_FAULT must be one of wrong-output/);
  });

  it('leaves outputs alone when off', () => {
    const out = { value: 1 };
    expect(applyFault(null, out)).toBe(out);
  });

  it('adds 1 to the first number, depth first with sorted keys, without touching the original', () => {
    const out = { z: 5, a: { list: ['x', 2, 3] }, value: 10 };
    expect(applyFault('wrong-output', out)).toEqual({ z: 5, a: { list: ['x', 3, 3] }, value: 10 });
    expect(out.a.list[1]).toBe(2);
    expect(applyFault('wrong-output', 41)).toBe(42);
    expect(applyFault('wrong-output', { value: 4232844009, rounds: 1000 })).toEqual({ value: 4232844009, rounds: 1001 });
  });

  it('marks outputs without numbers', () => {
    expect(applyFault('wrong-output', { label: 'x' })).toEqual({ label: 'x', __fault: true });
    expect(applyFault('wrong-output', ['a'])).toEqual({ __fault: true, value: ['a'] });
  });
});

import { describe, expect, it } from 'vitest';
import { DutyCycle } from './duty-cycle';

/** Simulates a thread: steps of `stepMs`, sleeps exactly as asked plus a timer overshoot. */
function simulate(duty: number, stepMs: number, steps: number, overshootMs = 0): { busy: number; slept: number; sleeps: number } {
  const d = new DutyCycle(duty);
  let busy = 0;
  let slept = 0;
  let sleeps = 0;
  for (let i = 0; i < steps; i++) {
    busy += stepMs;
    const owed = d.afterWork(stepMs);
    if (owed > 0) {
      const actual = owed + overshootMs;
      d.slept(actual);
      slept += actual;
      sleeps++;
    }
  }
  return { busy, slept, sleeps };
}

describe('DutyCycle', () => {
  it('never sleeps at duty 1', () => {
    expect(simulate(1, 5, 1000)).toMatchObject({ slept: 0, sleeps: 0 });
  });

  it.each([0.25, 0.5, 0.75, 0.1])('meets duty %s: busy / (busy + sleep)', (duty) => {
    for (const stepMs of [0.2, 3, 40, 700]) {
      const { busy, slept } = simulate(duty, stepMs, Math.max(2000, Math.ceil(10_000 / stepMs)));
      expect(busy / (busy + slept)).toBeCloseTo(duty, 2);
    }
  });

  it('batches tiny steps into sleeps worth a timer', () => {
    const { sleeps } = simulate(0.5, 0.1, 10_000);
    // 1000 ms busy at 50%: about 1000 ms of sleep in chunks of at least 8 ms.
    expect(sleeps).toBeLessThanOrEqual(125);
    expect(sleeps).toBeGreaterThan(100);
  });

  it('pays back timer overshoot by sleeping less later', () => {
    const { busy, slept } = simulate(0.5, 10, 2000, 3);
    expect(busy / (busy + slept)).toBeGreaterThan(0.48);
    expect(busy / (busy + slept)).toBeLessThan(0.52);
  });

  it('bounds the credit a long sleep (a suspension) can buy', () => {
    const d = new DutyCycle(0.5, { maxCreditMs: 100 });
    d.slept(10_000);
    // After the credit of 100 ms is used up by 100 ms of work, sleeping starts again.
    let busy = 0;
    while (d.afterWork(10) === 0) busy += 10;
    expect(busy).toBeLessThanOrEqual(120);
  });

  it('follows a new duty at once and refuses nonsense', () => {
    const d = new DutyCycle(0.25);
    expect(d.afterWork(10)).toBeCloseTo(30, 6);
    d.setDuty(1);
    expect(d.afterWork(10)).toBe(0);
    expect(() => d.setDuty(0)).toThrow(RangeError);
    d.setDuty(3);
    expect(d.current).toBe(1);
  });
});

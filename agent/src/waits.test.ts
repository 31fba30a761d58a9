import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep, Wakeup } from './waits';

describe('backoffDelay', () => {
  const o = { initialMs: 500, maxMs: 30_000 };

  it('stays within [cap/2, cap] where the cap doubles from initialMs up to maxMs', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const cap = Math.min(o.maxMs, o.initialMs * 2 ** attempt);
      const low = backoffDelay(attempt, { ...o, random: () => 0 });
      const high = backoffDelay(attempt, { ...o, random: () => 0.999999 });
      expect(low).toBe(Math.round(cap / 2));
      expect(high).toBeLessThanOrEqual(cap);
      expect(high).toBeGreaterThanOrEqual(cap - 1);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, o);
        expect(d).toBeGreaterThanOrEqual(Math.round(cap / 2));
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });

  it('grows from about initialMs and never exceeds the 30 s cap', () => {
    expect(backoffDelay(0, { ...o, random: () => 1 })).toBe(500);
    expect(backoffDelay(1, { ...o, random: () => 1 })).toBe(1000);
    expect(backoffDelay(5, { ...o, random: () => 1 })).toBe(16_000);
    expect(backoffDelay(6, { ...o, random: () => 1 })).toBe(30_000);
    expect(backoffDelay(1e6, o)).toBeLessThanOrEqual(30_000);
    expect(backoffDelay(-3, { ...o, random: () => 0 })).toBe(250);
  });

  it('spreads a fleet out (jitter)', () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(6, o)));
    expect(delays.size).toBeGreaterThan(50);
  });
});

describe('sleep and Wakeup', () => {
  it('sleep resolves false as soon as its signal aborts', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 20);
    expect(await sleep(10_000, ac.signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await sleep(5)).toBe(true);
  });

  it('Wakeup cuts a wait short and remembers a wake that came first', async () => {
    const w = new Wakeup();
    const started = Date.now();
    setTimeout(() => w.wake(), 20);
    await w.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    w.wake();
    await w.wait(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    const t = Date.now();
    await w.wait(30);
    expect(Date.now() - t).toBeGreaterThanOrEqual(25);
  });
});

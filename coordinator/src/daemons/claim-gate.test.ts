import { describe, expect, it } from 'vitest';
import { createClaimGate } from './claim-gate';

describe('claim gate', () => {
  it('runs at most `limit` jobs at once, the rest in arrival order, and frees a turn when a job fails', async () => {
    const gate = createClaimGate(2);
    let running = 0, most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const job = (i: number, fail = false) => gate.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      running--;
      if (fail) throw new Error(`job ${i} failed`);
      return i;
    });
    const settled = Promise.allSettled([job(0, true), job(1), job(2), job(3), job(4)]);
    await new Promise((r) => setImmediate(r));
    expect([order, gate.waiting]).toEqual([[0, 1], 3]);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect((await settled).map((s) => s.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(gate.waiting).toBe(0);
  });
});

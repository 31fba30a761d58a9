import { describe, expect, it, vi } from 'vitest';
import { collectingLog } from '../../../test/support/grid-fixtures';
import { createDaemonLoop } from './daemon-loop';

/*
 * The daemon loop's states (waiting -> working -> waiting, stopped), with real timers: an hour's
 * interval stands for "never" and a wake() or stop() must cut it short.
 */

const HOUR = 3_600_000;
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('createDaemonLoop', () => {
  it('runs passes back to back while they find work, then waits', async () => {
    const results = [3, 2, 0];
    let calls = 0;
    const loop = createDaemonLoop('test', HOUR, async () => results[calls++] ?? 0, collectingLog());
    loop.start();
    await vi.waitFor(() => expect(calls).toBe(3));
    await tick(50);
    expect(calls).toBe(3); // waiting out the hour
    await loop.stop();
  });

  it('wake() ends the wait at once', async () => {
    let calls = 0;
    const loop = createDaemonLoop('test', HOUR, async () => { calls++; return 0; }, collectingLog());
    loop.start();
    await vi.waitFor(() => expect(calls).toBe(1));
    loop.wake();
    await vi.waitFor(() => expect(calls).toBe(2));
    loop.wake();
    await vi.waitFor(() => expect(calls).toBe(3));
    await tick(50);
    expect(calls).toBe(3);
    await loop.stop();
  });

  it('a wake() during a pass runs one more pass before waiting', async () => {
    const gate = deferred();
    let calls = 0;
    const loop = createDaemonLoop('test', HOUR, async () => {
      calls++;
      if (calls === 1) await gate.promise;
      return 0;
    }, collectingLog());
    loop.start();
    await vi.waitFor(() => expect(calls).toBe(1));
    loop.wake();
    gate.resolve();
    await vi.waitFor(() => expect(calls).toBe(2));
    await tick(50);
    expect(calls).toBe(2);
    await loop.stop();
  });

  it('goes again when the interval passes', async () => {
    let calls = 0;
    const loop = createDaemonLoop('test', 20, async () => { calls++; return 0; }, collectingLog());
    loop.start();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
    await loop.stop();
  });

  it('stop() waits for the pass under way, and no pass starts after it', async () => {
    const gate = deferred();
    let calls = 0;
    let finished = false;
    const loop = createDaemonLoop('test', 0, async () => {
      calls++;
      await gate.promise;
      finished = true;
      return 5; // "more to do": only stop() ends the loop
    }, collectingLog());
    loop.start();
    await vi.waitFor(() => expect(calls).toBe(1));
    let stopped = false;
    const stopping = loop.stop().then(() => { stopped = true; });
    await tick();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(calls).toBe(1);
    await tick(50);
    expect(calls).toBe(1);
  });

  it('stop() while waiting resolves at once, not after the interval', async () => {
    const loop = createDaemonLoop('test', HOUR, async () => 0, collectingLog());
    loop.start();
    await tick();
    const t0 = Date.now();
    await loop.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a failing pass is logged and the loop carries on', async () => {
    const log = collectingLog();
    let calls = 0;
    const loop = createDaemonLoop('validator', HOUR, async () => {
      calls++;
      if (calls === 1) throw new Error('database went away');
      return 0;
    }, log);
    loop.start();
    await vi.waitFor(() => expect(log.errors()).toHaveLength(1));
    expect(log.errors()[0]).toMatchObject({ msg: 'validator pass failed' });
    expect((log.errors()[0]!.fields!.error as Error).message).toBe('database went away');
    loop.wake();
    await vi.waitFor(() => expect(calls).toBe(2));
    await loop.stop();
    expect(log.errors()).toHaveLength(1);
  });

  it('start() twice runs one loop; stop() before start() is harmless', async () => {
    await createDaemonLoop('never', HOUR, async () => 0, collectingLog()).stop();
    let concurrent = 0;
    let most = 0;
    let calls = 0;
    const loop = createDaemonLoop('test', 5, async () => {
      concurrent++;
      most = Math.max(most, concurrent);
      calls++;
      await tick(5);
      concurrent--;
      return 0;
    }, collectingLog());
    loop.start();
    loop.start();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(4));
    await loop.stop();
    expect(most).toBe(1);
  });
});

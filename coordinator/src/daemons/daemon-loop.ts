import type { Logger } from '@nfl-grid/shared/logging/logger';

/*
 * A coordinator daemon's loop, the one all four daemons run on. States: waiting (until the
 * interval passes or wake() is called; with a null interval, for wake() alone) -> working (runs
 * passes back to back while a pass reports it did something) -> waiting ...; stop() moves to
 * stopped and resolves once the current pass has finished.
 */
export interface DaemonLoop {
  readonly name: string;
  start(): void;
  wake(): void;
  stop(): Promise<void>;
  /** For /readyz and /metrics: the loop's state and when its last pass ended (ms since the epoch, 0 before the first). */
  status(): { state: 'idle' | 'waiting' | 'working' | 'stopped'; lastPassEndedAt: number };
}

/** Told how long each pass took, in seconds (the coordinator's metrics). */
export type PassObserver = (daemon: string, seconds: number) => void;

export function createDaemonLoop(name: string, intervalMs: number | null, pass: () => Promise<number>, log: Logger, observe?: PassObserver): DaemonLoop {
  let state: 'idle' | 'waiting' | 'working' | 'stopped' = 'idle';
  let woken = false;
  let timer: NodeJS.Timeout | null = null;
  let release: (() => void) | null = null;
  let done: Promise<void> = Promise.resolve();
  let lastPassEndedAt = 0;

  const timedPass = async () => {
    const t0 = performance.now();
    try {
      return await pass();
    } finally {
      lastPassEndedAt = Date.now();
      observe?.(name, (performance.now() - t0) / 1000);
    }
  };

  const sleep = () => new Promise<void>((resolve) => {
    release = resolve;
    if (intervalMs !== null) timer = setTimeout(resolve, intervalMs);
  });

  async function run(): Promise<void> {
    while (state !== 'stopped') {
      state = 'working';
      woken = false;
      try {
        // A pass that did work may have left more: go again before sleeping.
        while ((await timedPass()) > 0 && (state as string) !== 'stopped') { /* keep going */ }
      } catch (e) {
        log.component(name).error(`${name} pass failed`, { error: e as Error });
      }
      if ((state as string) === 'stopped') break;
      if (woken) continue;
      state = 'waiting';
      await sleep();
      if (timer) clearTimeout(timer);
      release = null;
    }
  }

  return {
    name,
    status: () => ({ state, lastPassEndedAt }),
    start() {
      if (state !== 'idle') return;
      done = run();
    },
    wake() {
      woken = true;
      if (state === 'waiting' && release) release();
    },
    async stop() {
      const wasWaiting = state === 'waiting';
      state = 'stopped';
      if (wasWaiting && release) release();
      await done;
    },
  };
}

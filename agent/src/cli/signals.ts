import type { Logger } from '@nfl-grid/shared/logging/logger';
import { describe } from '../errors';

/*
 * Signals, in one place.
 *   SIGINT/SIGTERM  shutdown, graceful then forceful: the first signal starts the graceful stop
 *                   (running items checkpoint and stop, finished results are sent, `suspend`
 *                   names the replicas kept for the next start); a second signal, or a stop that hangs, exits at
 *                   once. Until the agent is running there is nothing to save, so a signal exits
 *                   straight away.
 *   SIGUSR1/SIGUSR2 intensity one level up / down (not on Windows). A listener on SIGUSR1 also
 *                   keeps Node from opening its inspector on that signal.
 */

export interface ShutdownHandle {
  /** The agent is up: from now on a first signal calls `stop`. */
  arm(stop: (reason: string, abandon: boolean) => Promise<void>): void;
  /**
   * A graceful stop asked for by the agent itself (finish --exit, quit); like a first signal, or
   * with `abandon` giving the work in hand back.
   */
  request(reason: string, abandon?: boolean): void;
  /** Resolves with the exit status once a graceful stop has finished. */
  readonly stopped: Promise<number>;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** Conventional status for "ended by a signal" (128 + SIGINT). */
const FORCED_EXIT = 130;

export function handleShutdownSignals(log: Logger, o: { forceAfterMs?: number } = {}): ShutdownHandle {
  let stop: ((reason: string, abandon: boolean) => Promise<void>) | null = null;
  let received = 0;
  let stopping = false;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });

  const begin = (reason: string, abandon = false) => {
    if (stopping || !stop) return;
    stopping = true;
    const timer = setTimeout(() => {
      log.error(`graceful stop took longer than ${o.forceAfterMs ?? 15_000}ms: exiting now`);
      process.exit(1);
    }, o.forceAfterMs ?? 15_000);
    timer.unref();
    stop(reason, abandon).then(
      () => {
        clearTimeout(timer);
        resolveStopped(0);
      },
      (e) => {
        clearTimeout(timer);
        log.error(`stopping failed: ${describe(e)}`);
        resolveStopped(1);
      },
    );
  };

  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1 || !stop) {
      log.warn(`${signal} received${received > 1 ? ' again' : ' during startup'}: exiting now`);
      process.exit(FORCED_EXIT);
    }
    log.info(`${signal} received: checkpointing and stopping (send it again to force)`);
    begin(`${signal} received`);
  };

  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    arm(fn) {
      stop = fn;
    },
    request: begin,
    stopped,
    dispose() {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}

/** SIGUSR1 → +1, SIGUSR2 → -1; returns a function that removes the listeners. */
export function handleIntensitySignals(step: (delta: 1 | -1, signal: NodeJS.Signals) => void): () => void {
  if (process.platform === 'win32') return () => undefined;
  const up = () => step(1, 'SIGUSR1');
  const down = () => step(-1, 'SIGUSR2');
  process.on('SIGUSR1', up);
  process.on('SIGUSR2', down);
  return () => {
    process.off('SIGUSR1', up);
    process.off('SIGUSR2', down);
  };
}

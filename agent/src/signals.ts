import type { Logger } from '@nfl-grid/shared/util/log';
import { describe } from './errors';

/*
 * Shutdown on SIGINT/SIGTERM, graceful then forceful, in one place. The first signal starts the
 * graceful stop (running items abort, finished results are sent, `bye` names the replicas given
 * back); a second signal, or a stop that hangs, exits at once. Until the agent is running there is
 * nothing to save, so a signal exits straight away.
 */

export interface ShutdownHandle {
  /** The agent is up: from now on a first signal calls `stop`. */
  arm(stop: (signal: NodeJS.Signals) => Promise<void>): void;
  /** Resolves with the exit status once a graceful stop has finished. */
  readonly stopped: Promise<number>;
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** Conventional status for "ended by a signal" (128 + SIGINT). */
const FORCED_EXIT = 130;

export function handleShutdownSignals(log: Logger, o: { forceAfterMs?: number } = {}): ShutdownHandle {
  let stop: ((signal: NodeJS.Signals) => Promise<void>) | null = null;
  let received = 0;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });

  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received > 1 || !stop) {
      log.warn(`${signal} received${received > 1 ? ' again' : ' during startup'}: exiting now`);
      process.exit(FORCED_EXIT);
    }
    log.info(`${signal} received: stopping (send it again to force)`);
    const timer = setTimeout(() => {
      log.error(`graceful stop took longer than ${o.forceAfterMs ?? 15_000}ms: exiting now`);
      process.exit(1);
    }, o.forceAfterMs ?? 15_000);
    timer.unref();
    stop(signal).then(
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

  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    arm(fn) {
      stop = fn;
    },
    stopped,
    dispose() {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}

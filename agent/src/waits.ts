/*
 * Waiting, the agent's way: every wait can be cut short (by an AbortSignal or a Wakeup), and
 * retries back off exponentially with jitter so a fleet of agents does not reconnect in step.
 */

/** Sleeps `ms`; resolves true when the time passed, false when the signal aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A one-waiter doorbell: `wait()` resolves on the next `wake()` or after the timeout. A wake with
 * nobody waiting is remembered, so a loop never misses an event that came while it was busy.
 */
export class Wakeup {
  private waiter: (() => void) | null = null;
  private pending = false;

  wake(): void {
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w();
    } else {
      this.pending = true;
    }
  }

  /** Resolves on wake() or after `timeoutMs` (never, when undefined). */
  wait(timeoutMs?: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? null : setTimeout(() => {
        this.waiter = null;
        resolve();
      }, Math.max(0, timeoutMs));
      this.waiter = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Source of jitter in [0, 1); tests pass fixed values. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): exponential growth from
 * `initialMs`, capped at `maxMs`, with "equal jitter" — uniformly in [cap/2, cap] where
 * cap = min(maxMs, initialMs * 2^attempt). Never below initialMs/2, never above maxMs.
 */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const random = o.random ?? Math.random;
  const cap = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(Math.max(0, attempt), 52));
  return Math.round(cap / 2 + random() * (cap / 2));
}

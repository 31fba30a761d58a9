/*
 * Throttle math for one worker thread: after each kernel step the thread sleeps so that, over
 * time, busy / (busy + sleep) equals its duty. Each busy millisecond adds (1 - d) / d ms of sleep
 * owed; the thread sleeps once the debt is worth a timer (minSleepMs), and pays back what it
 * actually slept, so timer overshoot is made up by running a little longer next time.
 */

export interface DutyCycleOptions {
  /** Smallest sleep worth a timer; smaller debts carry over. */
  minSleepMs: number;
  /** Bound on carried credit (overslept time), so a long suspension does not buy a burst. */
  maxCreditMs: number;
}

const DEFAULTS: DutyCycleOptions = { minSleepMs: 8, maxCreditMs: 250 };

export class DutyCycle {
  private debtMs = 0;
  private busyTotal = 0;
  private sleptTotal = 0;
  private readonly o: DutyCycleOptions;

  constructor(private duty: number, o: Partial<DutyCycleOptions> = {}) {
    this.o = { ...DEFAULTS, ...o };
    this.setDuty(duty);
  }

  get current(): number {
    return this.duty;
  }

  setDuty(duty: number): void {
    if (!(duty > 0)) throw new RangeError(`duty must be positive, got ${duty}`);
    this.duty = Math.min(1, duty);
    if (this.duty >= 1) this.debtMs = 0;
  }

  /** Records `busyMs` of work; returns how long to sleep now (0: carry on). */
  afterWork(busyMs: number): number {
    this.busyTotal += Math.max(0, busyMs);
    if (this.duty >= 1) return 0;
    this.debtMs += (Math.max(0, busyMs) * (1 - this.duty)) / this.duty;
    return this.debtMs >= this.o.minSleepMs ? this.debtMs : 0;
  }

  /** Records a sleep that actually lasted `ms` (timers overshoot; a wake-up may cut it short). */
  slept(ms: number): void {
    this.sleptTotal += Math.max(0, ms);
    this.debtMs = Math.max(-this.o.maxCreditMs, this.debtMs - Math.max(0, ms));
  }

  /** busy / (busy + sleep) so far. */
  achieved(): number {
    const all = this.busyTotal + this.sleptTotal;
    return all > 0 ? this.busyTotal / all : 1;
  }
}

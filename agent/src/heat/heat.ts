import type { Intensity } from '@nfl-grid/shared/protocol/host-report';

/*
 * Heat control (DESIGN.md "Heat"). An intensity is a target share of the whole machine's CPU (all
 * cores): low 25%, medium 50%, high 100%, inferno 100% plus the GPU backend and no pauses at all.
 * A plan turns the share into worker threads (one item per thread) and a duty cycle per thread
 * (busy / (busy + sleep)), enforced between kernel steps (duty-cycle.ts, in the worker).
 *
 * What the plan starts from, and what moves it:
 *   chosen      the volunteer's intensity (flag, config file, the console's `config`, SIGUSR1/2)
 *   stepDown    levels taken off by the thermal guard (too hot, too little memory); past `low`
 *               the agent pauses
 *   pauses      volunteer rules (on battery, outside the run window, user active) and finish mode
 *   correction  feedback from the OS: the process's measured CPU share against the target, so that
 *               the main thread, GC and other overhead are counted (observeShare)
 */

export const INTENSITIES: readonly Intensity[] = ['low', 'medium', 'high', 'inferno'];

/** Target share of the whole machine's CPU. */
export const TARGET_SHARE: Record<Intensity, number> = { low: 0.25, medium: 0.5, high: 1, inferno: 1 };

export interface Level {
  threads: number;
  /** Busy share of each thread, (0, 1]. */
  duty: number;
  /** threads × duty / cores. */
  target: number;
  gpu: boolean;
}

/**
 * Threads and duty for an intensity on `cores` logical cores: as few threads as reach the share,
 * each with the duty that makes threads × duty = share × cores. 2 cores: low 1×50%, medium 1×100%,
 * high 2×100%; 8 cores: low 2×100%, medium 4×100%, high 8×100%; 1 core: low 1×25%.
 */
export function levelFor(intensity: Intensity, cores: number): Level {
  const c = Math.max(1, Math.floor(cores));
  const target = TARGET_SHARE[intensity];
  const want = target * c;
  const threads = Math.max(1, Math.ceil(want - 1e-9));
  return { threads, duty: Math.min(1, want / threads), target, gpu: intensity === 'inferno' };
}

/** One level up (+1) or down (-1), staying within low..inferno. */
export function stepIntensity(intensity: Intensity, delta: number): Intensity {
  const i = Math.min(INTENSITIES.length - 1, Math.max(0, INTENSITIES.indexOf(intensity) + delta));
  return INTENSITIES[i]!;
}

export interface HeatPlan extends Level {
  chosen: Intensity;
  /** What runs after the thermal step-down; null when stepped down past `low`. */
  effective: Intensity | null;
  stepDown: number;
  /** Why nothing runs (rules, finish, thermal); empty when running. */
  pausedBy: string[];
  /** Duty the workers get: duty × correction, within (0, 1]. */
  workerDuty: number;
}

/** What one running item's worker is told. */
export interface Throttle {
  duty: number;
  suspended: boolean;
}

const CORRECTION_MIN = 0.5;
const CORRECTION_MAX = 1.5;

export class HeatControl {
  private chosenIntensity: Intensity;
  private down = 0;
  private readonly pauses = new Map<string, string>();
  private correction = 1;
  private readonly listeners = new Set<() => void>();

  constructor(intensity: Intensity, readonly cores: number) {
    this.chosenIntensity = intensity;
  }

  get chosen(): Intensity {
    return this.chosenIntensity;
  }

  setIntensity(intensity: Intensity): void {
    if (intensity === this.chosenIntensity) return;
    this.chosenIntensity = intensity;
    this.correction = 1;
    this.changed();
  }

  /** Levels taken off by the thermal guard. */
  setStepDown(steps: number): void {
    const s = Math.max(0, Math.floor(steps));
    if (s === this.down) return;
    this.down = s;
    this.changed();
  }

  /** Turns one pause reason on (with a description) or off. */
  setPause(reason: string, why: string | null): void {
    const had = this.pauses.get(reason);
    if (why === null ? had === undefined : had === why) return;
    if (why === null) this.pauses.delete(reason);
    else this.pauses.set(reason, why);
    if ((had === undefined) !== (why === null)) this.changed();
  }

  pausedBy(): string[] {
    return [...this.pauses.values()];
  }

  plan(): HeatPlan {
    const index = INTENSITIES.indexOf(this.chosenIntensity) - this.down;
    const effective = index >= 0 ? INTENSITIES[index]! : null;
    const level = levelFor(effective ?? 'low', this.cores);
    const pausedBy = [...this.pauses.values()];
    if (effective === null) pausedBy.push(`stepped down ${this.down} levels from ${this.chosenIntensity} (too hot)`);
    const throttled = effective !== 'inferno' && level.duty < 1;
    const workerDuty = throttled ? Math.min(1, Math.max(0.01, level.duty * this.correction)) : 1;
    return {
      ...level, chosen: this.chosenIntensity, effective, stepDown: this.down, pausedBy, workerDuty,
      threads: pausedBy.length ? 0 : level.threads,
    };
  }

  /** Items that may run at once (0 while paused). */
  get slots(): number {
    return this.plan().threads;
  }

  /** The throttle for the running item at `index` (launch order): beyond the slots it is suspended. */
  throttleFor(index: number, plan = this.plan()): Throttle {
    return { duty: plan.workerDuty, suspended: index >= plan.threads };
  }

  /**
   * Feedback from the OS: the process's CPU share of the whole machine over the last interval,
   * while `busyThreads` items were running unsuspended. Only a full, throttled plan is corrected
   * (otherwise the target is out of reach, or there is nothing to correct).
   */
  observeShare(share: number, busyThreads: number): void {
    const plan = this.plan();
    if (plan.threads === 0 || busyThreads < plan.threads || plan.duty >= 1 || plan.effective === 'inferno') return;
    if (!(share > 0)) return;
    const ratio = Math.min(1.25, Math.max(0.8, plan.target / share));
    const next = Math.min(CORRECTION_MAX, Math.max(CORRECTION_MIN, this.correction * Math.sqrt(ratio)));
    if (Math.abs(next - this.correction) < 0.005) return;
    this.correction = next;
    this.changed();
  }

  /** Called on every change of plan; returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

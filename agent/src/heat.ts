import type { Intensity } from '@nfl-grid/shared/protocol/common';

/*
 * Heat control (DESIGN.md "Heat"). Intensity sets how many items run at once (slots) and, later,
 * a duty cycle: a target share of the whole machine's CPU (low 25%, medium 50%, high 100%,
 * inferno 100% + GPU and no pauses), measured from the OS, enforced by pausing between kernel
 * steps, and stepped down above the temperature/memory limits (CPU 90 °C, GPU 85 °C, memory 90%)
 * with hysteresis. Only the slots are implemented so far; `afterStep` is where throttling goes.
 */

/** Items run at once for an intensity on a machine with `cores` logical cores. */
export function slotsFor(intensity: Intensity, cores: number): number {
  const c = Math.max(1, Math.floor(cores));
  switch (intensity) {
    case 'low':
      return 1;
    case 'medium':
      return Math.max(1, Math.floor(c / 2));
    case 'high':
    case 'inferno':
      return c;
  }
}

export interface StepInfo {
  replicaId: number;
  step: number;
  totalSteps: number;
}

export class HeatControl {
  constructor(private intensity: Intensity, readonly cores: number) {}

  setIntensity(intensity: Intensity): void {
    this.intensity = intensity;
  }

  get slots(): number {
    return slotsFor(this.intensity, this.cores);
  }

  /**
   * Awaited after every step of every running item, before the item yields to the event loop.
   * The duty-cycle pause (sleep so that busy / (busy + pause) meets the intensity's target share)
   * and the temperature step-down belong here. Today it lets every step through at once.
   */
  async afterStep(_info: StepInfo): Promise<void> {
    // Intentionally empty until the heat controller lands.
  }
}

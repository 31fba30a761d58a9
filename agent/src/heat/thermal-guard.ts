/*
 * The safety step-down (DESIGN.md "Heat"): a state machine over the sensor readings.
 *
 * States, by `stepsDown` (levels taken off the chosen intensity; past `low` the agent pauses):
 *   hot      a reading is above its limit: step down one level, then again every `settleMs`
 *            while it stays above
 *   holding  every reading is at or below its limit but not yet below limit − hysteresis: no
 *            change (the band that stops flapping around the limit)
 *   cooling  every reading is below limit − hysteresis: step back up one level per `settleMs`
 *            until stepsDown is 0
 * A missing sensor (null) is never "hot": it cannot show a problem, and it is reported as missing.
 */

export interface GuardLimits {
  cpuTempC: number;
  gpuTempC: number;
  memoryPct: number;
  tempHysteresisC: number;
  memoryHysteresisPct: number;
  /** Minimum time between two steps (either way). */
  settleMs: number;
}

export const DEFAULT_LIMITS: GuardLimits = {
  cpuTempC: 90, gpuTempC: 85, memoryPct: 90, tempHysteresisC: 5, memoryHysteresisPct: 5, settleMs: 10_000,
};

export interface GuardReadings {
  cpuTemp: number | null;
  gpuTemp: number | null;
  memUsed: number | null;
}

export type GuardChange = 'down' | 'up' | null;

export interface GuardUpdate {
  stepsDown: number;
  change: GuardChange;
  /** Readings above their limits, e.g. `CPU 93 °C > 90 °C`; empty when none. */
  hot: string[];
  /** True in the hysteresis band (not hot, not yet cool enough to step up). */
  holding: boolean;
}

export class ThermalGuard {
  private steps = 0;
  private lastChange = -Infinity;

  constructor(private readonly limits: GuardLimits = DEFAULT_LIMITS) {}

  get stepsDown(): number {
    return this.steps;
  }

  /**
   * Feeds one set of readings taken at `now`. `maxSteps` is how far down the chosen intensity can
   * go (its index + 1, the last step being a pause).
   */
  update(r: GuardReadings, now: number, maxSteps: number): GuardUpdate {
    const L = this.limits;
    const checks: Array<[string, number | null, number, number, string]> = [
      ['CPU', r.cpuTemp, L.cpuTempC, L.tempHysteresisC, '°C'],
      ['GPU', r.gpuTemp, L.gpuTempC, L.tempHysteresisC, '°C'],
      ['memory', r.memUsed, L.memoryPct, L.memoryHysteresisPct, '%'],
    ];
    const hot: string[] = [];
    let cool = true;
    for (const [name, value, limit, band, unit] of checks) {
      if (value === null || !Number.isFinite(value)) continue;
      if (value > limit) hot.push(`${name} ${round(value)}${unit === '%' ? '%' : ` ${unit}`} > ${limit}${unit === '%' ? '%' : ` ${unit}`}`);
      if (value >= limit - band) cool = false;
    }
    if (this.steps > maxSteps) this.steps = Math.max(0, maxSteps);
    const settled = now - this.lastChange >= L.settleMs;
    let change: GuardChange = null;
    if (hot.length && this.steps < maxSteps && (settled || this.steps === 0)) {
      this.steps++;
      change = 'down';
    } else if (!hot.length && cool && this.steps > 0 && settled) {
      this.steps--;
      change = 'up';
    }
    if (change) this.lastChange = now;
    return { stepsDown: this.steps, change, hot, holding: !hot.length && !cool };
  }
}

const round = (v: number) => Math.round(v * 10) / 10;

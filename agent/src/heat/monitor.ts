import type { Readings } from '@nfl-grid/shared/protocol/host-report';
import type { Logger } from '@nfl-grid/shared/logging/logger';
import { sleep } from '../waits';
import type { LocalReadings } from './hardware';
import { INTENSITIES, type HeatControl } from './heat';
import type { IdleReading } from './idle';
import { pauseReasons, type PauseReason, type RunRules } from './run-rules';
import { ThermalGuard, type GuardLimits } from './thermal-guard';

/*
 * The watchful part of the heat control, on the main thread. Every second it may:
 *   - measure the process's CPU share of the machine from the OS (all threads: workers, GC, the
 *     main thread) and feed it back to the heat control, every SHARE_MS;
 *   - read the sensors and the user's idle time, every `sensorMs`: the thermal guard steps the
 *     intensity down or up, and the volunteer rules pause or release the work.
 * The newest readings are kept for `progress` messages, the status file and the terminal view.
 */

const TICK_MS = 1000;
const SHARE_MS = 2000;

export interface MonitorDeps {
  heat: HeatControl;
  sensors: { readLocal(): Promise<LocalReadings> };
  idle: { read(now?: number): Promise<IdleReading> };
  rules: RunRules;
  limits: GuardLimits;
  /** Items running unsuspended now. */
  busyThreads(): number;
  sensorMs: number;
  cores: number;
  log: Logger;
  now?: () => number;
  cpuUsage?: () => NodeJS.CpuUsage;
}

export interface MonitorSnapshot {
  readings: Readings | null;
  onBattery: boolean | null;
  idle: IdleReading;
  /** Share of the whole machine's CPU this process used over the last measurement. */
  cpuShare: number | null;
  /** Readings over their limits now. */
  hot: string[];
  at: number | null;
}

export class Monitor {
  readonly guard: ThermalGuard;
  latest: MonitorSnapshot = { readings: null, onBattery: null, idle: { seconds: null, source: 'none' }, cpuShare: null, hot: [], at: null };
  private lastSensors = -Infinity;
  private shareMark: { at: number; cpu: number } | null = null;
  private warnedIdle = false;
  private readonly pauses = new Map<PauseReason, string>();
  private readonly now: () => number;
  private readonly cpuUsage: () => NodeJS.CpuUsage;

  constructor(private readonly d: MonitorDeps) {
    this.guard = new ThermalGuard(d.limits);
    this.now = d.now ?? Date.now;
    this.cpuUsage = d.cpuUsage ?? (() => process.cpuUsage());
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    do {
      try {
        await this.tick();
      } catch (e) {
        this.d.log.warn(`monitor: ${(e as Error).message}`);
      }
    } while (await sleep(TICK_MS, signal));
  }

  async tick(): Promise<void> {
    const now = this.now();
    this.measureShare(now);
    if (now - this.lastSensors >= this.d.sensorMs) {
      this.lastSensors = now;
      const [local, idle] = await Promise.all([this.d.sensors.readLocal(), this.d.idle.read(now)]);
      this.apply(local, idle, this.now());
    }
  }

  /** Applies one set of readings: thermal guard, then the volunteer rules. */
  apply(local: LocalReadings, idle: IdleReading, now: number): void {
    const { heat, log } = this.d;
    const r = local.readings;
    const maxSteps = INTENSITIES.indexOf(heat.chosen) + 1;
    const g = this.guard.update({ cpuTemp: r.cpuTemp, gpuTemp: r.gpuTemp, memUsed: r.memUsed }, now, maxSteps);
    if (g.change) {
      heat.setStepDown(g.stepsDown);
      const plan = heat.plan();
      if (g.change === 'down') log.warn(`too hot (${g.hot.join(', ')}): intensity stepped down to ${plan.effective ?? 'paused'}`, { hot: g.hot, stepsDown: g.stepsDown });
      else log.info(`cooled down: intensity back up to ${plan.effective ?? 'paused'}`, { stepsDown: g.stepsDown });
    }
    const reasons = pauseReasons(this.d.rules, { now: new Date(now), onBattery: local.onBattery, idleSeconds: idle.seconds });
    for (const key of ['run_window', 'battery', 'user_active'] as PauseReason[]) {
      const why = reasons.get(key) ?? null;
      const prev = this.pauses.get(key) ?? null;
      if (why && !prev) log.info(`pausing: ${why}`, { reason: key });
      if (!why && prev) log.info(`no longer paused: ${prev} is over`, { reason: key });
      if (why) this.pauses.set(key, why);
      else this.pauses.delete(key);
      heat.setPause(key, why);
    }
    if (this.d.rules.idleMinutes > 0 && idle.seconds === null && !this.warnedIdle) {
      this.warnedIdle = true;
      log.warn('the user idle time is unknown on this machine (no X11/macOS idle source, nobody on a terminal); --idle-minutes cannot pause the agent');
    }
    this.latest = { ...this.latest, readings: r, onBattery: local.onBattery, idle, hot: g.hot, at: now };
  }

  private measureShare(now: number): void {
    const u = this.cpuUsage();
    const cpu = (u.user + u.system) / 1000;
    if (!this.shareMark) {
      this.shareMark = { at: now, cpu };
      return;
    }
    const wall = now - this.shareMark.at;
    if (wall < SHARE_MS) return;
    const share = (cpu - this.shareMark.cpu) / (wall * Math.max(1, this.d.cores));
    this.shareMark = { at: now, cpu };
    this.latest = { ...this.latest, cpuShare: share };
    this.d.heat.observeShare(share, this.d.busyThreads());
  }
}

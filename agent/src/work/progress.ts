import type { Intensity, Readings } from '@nfl-grid/shared/protocol/host-report';
import type { AgentMessage } from '@nfl-grid/shared/protocol/messages';
import { sleep } from '../waits';
import type { RunningItem } from './item-runner';

/*
 * `progress` reports: every config.progressIntervalSeconds while a session is up, the step of
 * each running item and the machine's sensor readings (also a heartbeat when nothing runs).
 */

/** What the progress loop reads from the work loop and the monitor. */
export interface ProgressSource {
  online(): boolean;
  intervalMs(): number;
  running(): RunningItem[];
  intensity(): Intensity;
  /** The newest sensor readings (monitor.ts), or null before the first. */
  readings(): Readings | null;
}

/** Short ticks, so a new interval from `config` or a fresh session takes effect at once. */
const TICK_MS = 250;

/** Sent while no sensor has been read yet: every reading missing, never zero. */
export const NO_READINGS: Readings = { cpuLoad: null, gpuLoad: null, memUsed: null, cpuTemp: null, gpuTemp: null, battery: null };

export function progressMessage(running: RunningItem[], intensity: Intensity, readings: Readings): AgentMessage {
  return {
    type: 'progress',
    items: running.map((r) => ({
      replicaId: r.item.replicaId,
      step: r.step,
      totalSteps: r.totalSteps,
      percent: r.totalSteps > 0 ? Math.min(100, (100 * r.step) / r.totalSteps) : 0,
    })),
    intensity,
    readings,
  };
}

/** Runs until the signal aborts. */
export async function progressLoop(source: ProgressSource, send: (msg: AgentMessage) => boolean, signal: AbortSignal): Promise<void> {
  let last = 0;
  while (await sleep(TICK_MS, signal)) {
    if (!source.online() || Date.now() - last < source.intervalMs()) continue;
    last = Date.now();
    send(progressMessage(source.running(), source.intensity(), source.readings() ?? NO_READINGS));
  }
}

import { describe, expect, it } from 'vitest';
import type { Readings } from '@nfl-grid/shared/protocol/host-report';
import { captureLog } from '../../../test/support/capture-log';
import type { LocalReadings } from './hardware';
import { HeatControl } from './heat';
import type { IdleReading } from './idle';
import { Monitor } from './monitor';
import { parseRunWindows } from './run-rules';
import { DEFAULT_LIMITS } from './thermal-guard';

const cool: Readings = { cpuLoad: 50, gpuLoad: null, memUsed: 40, cpuTemp: 60, gpuTemp: null, battery: null };
const local = (r: Partial<Readings>, onBattery: boolean | null = null): LocalReadings => ({ readings: { ...cool, ...r }, onBattery });
const idle = (seconds: number | null): IdleReading => ({ seconds, source: seconds === null ? 'none' : 'tty' });

function monitor(o: { intensity?: 'low' | 'medium' | 'high' | 'inferno'; rules?: Partial<Monitor['latest']> & Record<string, unknown> } = {}) {
  const heat = new HeatControl(o.intensity ?? 'high', 4);
  const log = captureLog();
  const m = new Monitor({
    heat, log, cores: 4, sensorMs: 5000, busyThreads: () => 4,
    sensors: { readLocal: async () => local({}) }, idle: { read: async () => idle(null) },
    rules: { windows: parseRunWindows('22:00-07:00'), pauseOnBattery: true, idleMinutes: 5, ...(o.rules ?? {}) },
    limits: { ...DEFAULT_LIMITS, settleMs: 10_000 },
  });
  return { heat, log, m };
}
const night = new Date(2025, 0, 15, 23, 0).getTime();

describe('Monitor', () => {
  it('steps the heat down when too hot, says so, and back up with hysteresis', () => {
    const { heat, log, m } = monitor();
    m.apply(local({ cpuTemp: 93 }), idle(600), night);
    expect(heat.plan()).toMatchObject({ effective: 'medium', threads: 2 });
    expect(log.text()).toContain('too hot (CPU 93 °C > 90 °C): intensity stepped down to medium');
    m.apply(local({ cpuTemp: 87 }), idle(600), night + 20_000);
    expect(heat.plan().effective).toBe('medium');
    m.apply(local({ cpuTemp: 80 }), idle(600), night + 30_000);
    expect(heat.plan().effective).toBe('high');
    expect(log.text()).toContain('cooled down: intensity back up to high');
    expect(m.latest).toMatchObject({ readings: { cpuTemp: 80 }, hot: [] });
  });

  it('pauses on battery, outside the run window and while the user is active; resumes after', () => {
    const { heat, log, m } = monitor();
    m.apply(local({}, true), idle(10), new Date(2025, 0, 15, 12, 0).getTime());
    expect(heat.plan()).toMatchObject({ threads: 0, pausedBy: [expect.stringMatching(/^outside the run window/), 'on battery', expect.stringMatching(/^user active/)] });
    expect(log.text()).toContain('pausing: on battery');
    m.apply(local({}, false), idle(900), night);
    expect(heat.plan()).toMatchObject({ threads: 4, pausedBy: [] });
    expect(log.text()).toContain('no longer paused: on battery is over');
  });

  it('reports an unknown idle time once and does not pause for it', () => {
    const { heat, log, m } = monitor();
    m.apply(local({}), idle(null), night);
    m.apply(local({}), idle(null), night + 5000);
    expect(heat.plan().threads).toBe(4);
    expect(log.lines.filter((l) => l.msg.includes('user idle time is unknown'))).toHaveLength(1);
    expect(m.latest.idle).toEqual({ seconds: null, source: 'none' });
  });

  it('feeds the measured CPU share back to a throttled plan', async () => {
    let cpu = 0;
    let now = 0;
    const heat = new HeatControl('low', 2);
    const m = new Monitor({
      heat, log: captureLog(), cores: 2, sensorMs: 1e9, busyThreads: () => 1,
      sensors: { readLocal: async () => local({}) }, idle: { read: async () => idle(null) },
      rules: { windows: [], pauseOnBattery: true, idleMinutes: 0 }, limits: DEFAULT_LIMITS,
      now: () => now, cpuUsage: () => ({ user: cpu * 1000, system: 0 }),
    });
    await m.tick();
    for (let i = 0; i < 10; i++) {
      now += 2000;
      cpu += 2000 * 2 * 0.35; // 35% of two cores, against a target of 25%
      await m.tick();
    }
    expect(m.latest.cpuShare).toBeCloseTo(0.35, 6);
    expect(heat.plan().workerDuty).toBeLessThan(0.45);
  });
});

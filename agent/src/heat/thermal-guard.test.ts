import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ThermalGuard } from './thermal-guard';

const r = (cpuTemp: number | null, memUsed: number | null = 40, gpuTemp: number | null = null) => ({ cpuTemp, gpuTemp, memUsed });

describe('ThermalGuard (hysteresis state machine)', () => {
  it('steps down at once above a limit, again only after settling, and never below the floor', () => {
    const g = new ThermalGuard({ ...DEFAULT_LIMITS, settleMs: 10_000 });
    expect(g.update(r(91), 0, 4)).toMatchObject({ stepsDown: 1, change: 'down', hot: ['CPU 91 °C > 90 °C'] });
    expect(g.update(r(92), 5_000, 4)).toMatchObject({ stepsDown: 1, change: null });
    expect(g.update(r(92), 10_000, 4)).toMatchObject({ stepsDown: 2, change: 'down' });
    expect(g.update(r(95), 20_000, 2)).toMatchObject({ stepsDown: 2, change: null });
  });

  it('holds inside the hysteresis band and steps back up one level per settle time once cool', () => {
    const g = new ThermalGuard({ ...DEFAULT_LIMITS, settleMs: 1000 });
    g.update(r(91), 0, 4);
    g.update(r(91), 1000, 4);
    expect(g.stepsDown).toBe(2);
    // 86..90 °C: not hot, not cool (limit 90, hysteresis 5).
    expect(g.update(r(88), 5000, 4)).toMatchObject({ stepsDown: 2, change: null, holding: true });
    expect(g.update(r(85.5), 6000, 4)).toMatchObject({ stepsDown: 2, change: null, holding: true });
    expect(g.update(r(84), 7000, 4)).toMatchObject({ stepsDown: 1, change: 'up', holding: false });
    expect(g.update(r(84), 7500, 4)).toMatchObject({ stepsDown: 1, change: null });
    expect(g.update(r(80), 8000, 4)).toMatchObject({ stepsDown: 0, change: 'up' });
    expect(g.update(r(60), 20_000, 4)).toMatchObject({ stepsDown: 0, change: null });
  });

  it('watches GPU temperature and memory too, each with its own band', () => {
    const g = new ThermalGuard({ ...DEFAULT_LIMITS, settleMs: 0 });
    expect(g.update(r(50, 40, 86), 0, 4)).toMatchObject({ change: 'down', hot: ['GPU 86 °C > 85 °C'] });
    expect(g.update(r(50, 93, 70), 1, 4)).toMatchObject({ change: 'down', hot: ['memory 93% > 90%'] });
    expect(g.update(r(50, 87, 70), 2, 4)).toMatchObject({ change: null, holding: true });
    expect(g.update(r(50, 84, 70), 3, 4)).toMatchObject({ change: 'up' });
  });

  it('treats missing sensors as unknown, never as hot or as a reason to hold', () => {
    const g = new ThermalGuard({ ...DEFAULT_LIMITS, settleMs: 0 });
    expect(g.update(r(null, null, null), 0, 4)).toMatchObject({ stepsDown: 0, change: null, hot: [], holding: false });
    g.update(r(99), 1, 4);
    expect(g.update(r(null, null), 2, 4)).toMatchObject({ stepsDown: 0, change: 'up' });
  });

  it('takes configured limits', () => {
    const g = new ThermalGuard({ ...DEFAULT_LIMITS, cpuTempC: 70, tempHysteresisC: 10, settleMs: 0 });
    expect(g.update(r(71), 0, 4).change).toBe('down');
    expect(g.update(r(62), 1, 4).change).toBe(null);
    expect(g.update(r(59), 2, 4).change).toBe('up');
  });
});

import { describe, expect, it } from 'vitest';
import { HeatControl, levelFor, stepIntensity } from './heat';

describe('levelFor: share of the whole machine → threads × duty', () => {
  it.each([
    [2, 'low', 1, 0.5], [2, 'medium', 1, 1], [2, 'high', 2, 1], [2, 'inferno', 2, 1],
    [8, 'low', 2, 1], [8, 'medium', 4, 1], [8, 'high', 8, 1],
    [1, 'low', 1, 0.25], [1, 'medium', 1, 0.5], [1, 'high', 1, 1],
    [6, 'low', 2, 0.75], [3, 'medium', 2, 0.75],
  ] as const)('%i cores, %s: %i threads at %s duty', (cores, intensity, threads, duty) => {
    const l = levelFor(intensity, cores);
    expect(l).toMatchObject({ threads, gpu: intensity === 'inferno' });
    expect(l.duty).toBeCloseTo(duty, 9);
    // The plan always meets the target share exactly.
    expect((l.threads * l.duty) / cores).toBeCloseTo(l.target, 9);
  });

  it('steps intensity within low..inferno', () => {
    expect(stepIntensity('low', -1)).toBe('low');
    expect(stepIntensity('low', 1)).toBe('medium');
    expect(stepIntensity('inferno', 1)).toBe('inferno');
    expect(stepIntensity('high', -2)).toBe('low');
  });
});

describe('HeatControl', () => {
  it('steps down, pauses past low, and suspends items beyond the slots', () => {
    const h = new HeatControl('high', 4);
    let changes = 0;
    h.onChange(() => changes++);
    expect(h.plan()).toMatchObject({ effective: 'high', threads: 4, workerDuty: 1 });
    h.setStepDown(1);
    expect(h.plan()).toMatchObject({ effective: 'medium', threads: 2 });
    expect(h.throttleFor(1)).toEqual({ duty: 1, suspended: false });
    expect(h.throttleFor(2)).toEqual({ duty: 1, suspended: true });
    h.setStepDown(3);
    expect(h.plan()).toMatchObject({ effective: null, threads: 0, pausedBy: [expect.stringContaining('too hot')] });
    expect(h.throttleFor(0).suspended).toBe(true);
    expect(changes).toBe(2);
  });

  it('pauses while any rule says so, and only announces on/off changes', () => {
    const h = new HeatControl('medium', 2);
    let changes = 0;
    h.onChange(() => changes++);
    h.setPause('battery', 'on battery');
    h.setPause('battery', 'on battery');
    h.setPause('user_active', 'user active (idle 3 s)');
    h.setPause('user_active', 'user active (idle 4 s)');
    expect(h.plan()).toMatchObject({ threads: 0, pausedBy: ['on battery', 'user active (idle 4 s)'] });
    h.setPause('battery', null);
    h.setPause('user_active', null);
    expect(h.slots).toBe(1);
    expect(changes).toBe(4);
  });

  it('corrects a throttled plan from the measured share, within bounds; never touches inferno or duty 1', () => {
    const h = new HeatControl('low', 2);
    expect(h.plan().workerDuty).toBeCloseTo(0.5, 9);
    // Overhead made the process use 30% instead of 25%: the workers get less duty.
    for (let i = 0; i < 20; i++) h.observeShare(0.3, 1);
    expect(h.plan().workerDuty).toBeLessThan(0.45);
    expect(h.plan().workerDuty).toBeGreaterThanOrEqual(0.25);
    // Not all threads busy: the target is out of reach, nothing is learnt.
    const before = h.plan().workerDuty;
    h.observeShare(0.01, 0);
    expect(h.plan().workerDuty).toBe(before);
    // A new intensity starts afresh.
    h.setIntensity('high');
    h.observeShare(0.5, 2);
    expect(h.plan().workerDuty).toBe(1);
    h.setIntensity('inferno');
    h.observeShare(0.2, 2);
    expect(h.plan().workerDuty).toBe(1);
  });
});

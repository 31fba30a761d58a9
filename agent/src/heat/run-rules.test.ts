import { describe, expect, it } from 'vitest';
import { inRunWindow, nextWindowStart, parseRunWindows, pauseReasons } from './run-rules';

const at = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(2025, 0, 15, h, m, 0);
};

describe('run windows', () => {
  it('parses one or several windows, padding the hours', () => {
    expect(parseRunWindows('22:00-07:00')).toEqual([{ start: 1320, end: 420, text: '22:00-07:00' }]);
    expect(parseRunWindows(' 9:30 - 12:00 , 13:00-17:45')).toEqual([
      { start: 570, end: 720, text: '09:30-12:00' }, { start: 780, end: 1065, text: '13:00-17:45' },
    ]);
  });

  it.each(['', ',', '22-07', '25:00-07:00', '22:00-07:60', '22:00', '22:00-22:00', 'nightly'])('refuses %j', (text) => {
    expect(() => parseRunWindows(text)).toThrow(/run window/);
  });

  it('wraps midnight, includes the start and excludes the end', () => {
    const w = parseRunWindows('22:00-07:00');
    expect(['22:00', '23:59', '00:00', '06:59'].map((t) => inRunWindow(w, at(t)))).toEqual([true, true, true, true]);
    expect(['07:00', '12:00', '21:59'].map((t) => inRunWindow(w, at(t)))).toEqual([false, false, false]);
    const day = parseRunWindows('09:00-17:00,20:00-21:00');
    expect(['08:59', '09:00', '16:59', '17:00', '20:30'].map((t) => inRunWindow(day, at(t)))).toEqual([false, true, true, false, true]);
    expect(inRunWindow([], at('03:00'))).toBe(true);
    expect(nextWindowStart(day, at('17:30'))).toBe('20:00');
    expect(nextWindowStart(day, at('21:30'))).toBe('09:00');
  });
});

describe('pauseReasons', () => {
  const rules = { windows: parseRunWindows('22:00-07:00'), pauseOnBattery: true, idleMinutes: 5 };
  it('names every rule that says not now', () => {
    const r = pauseReasons(rules, { now: at('12:00'), onBattery: true, idleSeconds: 30 });
    expect([...r.keys()]).toEqual(['run_window', 'battery', 'user_active']);
    expect(r.get('run_window')).toBe('outside the run window 22:00-07:00 (next at 22:00)');
  });

  it('runs when every rule allows it; unknown battery or idle time never pauses', () => {
    expect(pauseReasons(rules, { now: at('23:00'), onBattery: false, idleSeconds: 600 }).size).toBe(0);
    expect(pauseReasons(rules, { now: at('23:00'), onBattery: null, idleSeconds: null }).size).toBe(0);
    expect(pauseReasons({ ...rules, pauseOnBattery: false, idleMinutes: 0 }, { now: at('23:00'), onBattery: true, idleSeconds: 1 }).size).toBe(0);
  });
});

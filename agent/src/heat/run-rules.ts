/*
 * Volunteer rules: when this machine may compute at all. Each rule that says "not now" becomes a
 * pause reason for the heat control (heat.ts); work in hand is suspended between steps, and no new
 * work is asked for, until every rule allows it again.
 *   run window   local time of day, e.g. `22:00-07:00` (wraps midnight), several comma-separated
 *   battery      pause while on battery (default on); no battery or an unknown one never pauses
 *   idle         run only after the user has been idle `idleMinutes` (0: always); an unknown idle
 *                time (no idle source on this machine, see idle.ts) never pauses
 */

export interface RunWindow {
  /** Minutes after local midnight. */
  start: number;
  end: number;
  text: string;
}

export interface RunRules {
  windows: RunWindow[];
  pauseOnBattery: boolean;
  idleMinutes: number;
}

export interface RuleInputs {
  now: Date;
  /** true on battery, false on mains, null when there is no battery or it is unknown. */
  onBattery: boolean | null;
  /** Seconds since the user's last input; null when unknown. */
  idleSeconds: number | null;
}

export type PauseReason = 'run_window' | 'battery' | 'user_active';

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Parses `HH:MM-HH:MM[,HH:MM-HH:MM…]`; throws an Error naming the bad part. */
export function parseRunWindows(text: string): RunWindow[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (!parts.length) throw new Error(`run window "${text}" is empty; expected e.g. 22:00-07:00`);
  return parts.map((part) => {
    const m = /^(\S+)\s*-\s*(\S+)$/.exec(part);
    const a = m ? TIME.exec(m[1]!) : null;
    const b = m ? TIME.exec(m[2]!) : null;
    if (!a || !b) throw new Error(`run window "${part}" is not HH:MM-HH:MM (24-hour clock, e.g. 22:00-07:00)`);
    const start = Number(a[1]) * 60 + Number(a[2]);
    const end = Number(b[1]) * 60 + Number(b[2]);
    if (start === end) throw new Error(`run window "${part}" starts and ends at the same time; leave the window out to run all day`);
    return { start, end, text: `${pad(start)}-${pad(end)}` };
  });
}

/** True when `date` (local time) falls inside one of the windows; no windows means always. */
export function inRunWindow(windows: RunWindow[], date: Date): boolean {
  if (!windows.length) return true;
  const t = date.getHours() * 60 + date.getMinutes();
  return windows.some((w) => (w.start < w.end ? t >= w.start && t < w.end : t >= w.start || t < w.end));
}

/** The next window start after `date` as HH:MM, for messages ("runs again at 22:00"). */
export function nextWindowStart(windows: RunWindow[], date: Date): string | null {
  if (!windows.length) return null;
  const t = date.getHours() * 60 + date.getMinutes();
  const ahead = (m: number) => (m - t + 1440) % 1440 || 1440;
  const next = [...windows].sort((a, b) => ahead(a.start) - ahead(b.start))[0]!;
  return pad(next.start);
}

/** The rules that say "not now", each with a sentence for logs and the status view. */
export function pauseReasons(rules: RunRules, inputs: RuleInputs): Map<PauseReason, string> {
  const out = new Map<PauseReason, string>();
  if (!inRunWindow(rules.windows, inputs.now)) {
    out.set('run_window', `outside the run window ${rules.windows.map((w) => w.text).join(',')} (next at ${nextWindowStart(rules.windows, inputs.now)})`);
  }
  if (rules.pauseOnBattery && inputs.onBattery === true) out.set('battery', 'on battery');
  if (rules.idleMinutes > 0 && inputs.idleSeconds !== null && inputs.idleSeconds < rules.idleMinutes * 60) {
    out.set('user_active', `user active (idle ${Math.floor(inputs.idleSeconds)} s < ${rules.idleMinutes} min)`);
  }
  return out;
}

function pad(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

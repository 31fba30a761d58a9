import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';

/*
 * How long the user has been idle (no keyboard or mouse input), for the "run only when idle" rule.
 * Sources, by platform:
 *   x11     Linux/BSD with $DISPLAY and `xprintidle` installed (the X screensaver extension)
 *   tty     Linux without a display: the newest input on any logged-in terminal (utmp sessions;
 *           the kernel stamps a terminal's access time on input, as `w` shows), none logged in
 *           means unknown
 *   ioreg   macOS: HIDIdleTime of IOHIDSystem
 * Wayland has no common idle interface and Windows is not probed: there, and wherever a source
 * fails, the idle time is unknown (null) and the idle rule does not pause (agent/README.md).
 */

export type IdleSource = 'x11' | 'tty' | 'ioreg' | 'none';

export interface IdleReading {
  seconds: number | null;
  source: IdleSource;
}

const TIMEOUT_MS = 2000;

export class IdleReader {
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  async read(now = Date.now()): Promise<IdleReading> {
    try {
      if (this.platform === 'darwin') return { seconds: await ioregIdle(), source: 'ioreg' };
      if (this.platform === 'linux' || this.platform === 'freebsd') {
        if (this.env.DISPLAY) {
          const ms = await run('xprintidle', []).then((out) => Number(out.trim())).catch(() => NaN);
          if (Number.isFinite(ms)) return { seconds: ms / 1000, source: 'x11' };
        }
        if (this.env.WAYLAND_DISPLAY) return { seconds: null, source: 'none' };
        if (this.platform === 'linux') return { seconds: await ttyIdle(now), source: 'tty' };
      }
    } catch {
      // Fall through: unknown.
    }
    return { seconds: null, source: 'none' };
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: TIMEOUT_MS, windowsHide: true }, (e, stdout) => (e ? reject(e) : resolve(stdout)));
  });
}

async function ioregIdle(): Promise<number | null> {
  const out = await run('ioreg', ['-c', 'IOHIDSystem', '-d', '4']);
  const m = /"HIDIdleTime"\s*=\s*(\d+)/.exec(out);
  return m ? Number(m[1]) / 1e9 : null;
}

/** utmp records (glibc x86-64 and arm64 layout): 384 bytes, type at 0, line (char[32]) at 8. */
const UTMP_RECORD = 384;
const USER_PROCESS = 7;

/** Terminal lines of logged-in users, from /var/run/utmp. */
export function utmpLines(buf: Uint8Array): string[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lines: string[] = [];
  for (let off = 0; off + UTMP_RECORD <= buf.length; off += UTMP_RECORD) {
    if (view.getInt16(off, true) !== USER_PROCESS) continue;
    const raw = buf.subarray(off + 8, off + 40);
    const end = raw.indexOf(0);
    const line = new TextDecoder().decode(end >= 0 ? raw.subarray(0, end) : raw);
    if (/^(pts\/\d+|tty\w+)$/.test(line)) lines.push(line);
  }
  return lines;
}

async function ttyIdle(now: number): Promise<number | null> {
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(await readFile('/var/run/utmp'));
  } catch {
    return null;
  }
  const times = await Promise.all(utmpLines(buf).map((l) => stat(`/dev/${l}`).then((s) => s.atimeMs, () => null)));
  const known = times.filter((t): t is number => t !== null);
  if (!known.length) return null;
  return Math.max(0, (now - Math.max(...known)) / 1000);
}

import type { Logger } from '@nfl-grid/shared/logging/logger';
import { createLogger } from '@nfl-grid/shared/logging/logger';
import { LEVEL_ORDER, parseLogLevels, type Level } from '@nfl-grid/shared/logging/log-levels';
import { describeIntensity, describeItem, describeSensors, loopLabel, type AgentStatus } from './status-file';
import { KEY_HELP } from './keys';

/*
 * The terminal view for a person: a few lines at the bottom of the terminal, redrawn in place
 * every second — intensity, temperatures, credit, and a progress bar per work unit — with the log
 * lines scrolling above it. Only when both stdout and stderr are terminals (and not --plain);
 * otherwise the agent writes plain line logs (JSON unless stderr is a terminal).
 */

const ESC = '\x1b[';

export class TtyView {
  private shown = 0;
  private last: string[] = [];
  private closed = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  static wanted(plain: boolean): boolean {
    return !plain && Boolean(process.stdout.isTTY && process.stderr.isTTY) && process.env.NFL_GRID_LOG !== 'json' && process.env.TERM !== 'dumb';
  }

  render(s: AgentStatus): void {
    if (this.closed) return;
    this.last = viewLines(s, { keys: this.stopKeys !== null });
    this.draw();
  }

  private stopKeys: (() => void) | null = null;

  /**
   * Reads single key presses from the terminal (raw mode) and hands each to `onKey`; Ctrl+C in
   * raw mode is a byte, not a signal, so it is raised as SIGINT as the terminal would.
   */
  listenKeys(onKey: (key: string) => void, input: NodeJS.ReadStream = process.stdin): void {
    if (!input.isTTY || this.stopKeys) return;
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\x03') process.kill(process.pid, 'SIGINT');
        else onKey(ch);
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    this.stopKeys = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
    };
  }

  /** Writes a log line above the view (below it, once closed). */
  log(line: string): void {
    this.erase();
    this.out.write(line.endsWith('\n') ? line : line + '\n');
    if (!this.closed) this.draw();
  }

  /** Leaves the last view on the screen and stops drawing. */
  close(): void {
    this.stopKeys?.();
    this.stopKeys = null;
    this.closed = true;
    this.shown = 0;
  }

  private erase(): void {
    if (this.shown > 0) this.out.write(`${ESC}${this.shown}F${ESC}0J`);
    this.shown = 0;
  }

  private draw(): void {
    this.erase();
    const width = Math.max(20, (this.out.columns || 100) - 1);
    const text = this.last.map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l));
    if (!text.length) return;
    this.out.write(text.join('\n') + '\n');
    this.shown = text.length;
  }
}

export function viewLines(s: AgentStatus, o: { keys?: boolean; now?: number } = {}): string[] {
  const now = o.now ?? Date.now();
  const share = s.cpuShare === null ? '' : ` · using ${Math.round(s.cpuShare * 100)}%`;
  const lines = [
    `── nfl-agent ${s.version} · ${s.name} · ${s.connected ? `connected to ${s.coordinator}` : 'not connected'} · ${loopLabel(s)}`,
    `heat    ${describeIntensity(s)}${share} · backend ${s.backend}`,
    `sensors ${describeSensors(s)}`,
    `credit  ${s.credit.granted.toFixed(2)} granted (${s.credit.valid} valid, ${s.credit.invalid} invalid) · ${s.credit.claimed.toFixed(2)} claimed · outbox ${s.outbox}`,
  ];
  const items = s.items.filter((i) => i.state !== 'queued');
  const queued = s.items.length - items.length;
  for (const i of items) lines.push(`  ${describeItem(i, now)}`);
  if (queued) lines.push(`  ${queued} more queued`);
  if (!s.items.length) lines.push('  no work in hand');
  if (o.keys) lines.push(KEY_HELP);
  return lines;
}

/** A Logger writing readable lines above the view (levels as NFL_GRID_LOG_LEVEL says). */
export function viewLogger(view: TtyView, name = 'nfl-agent'): Logger {
  const levels = (() => {
    try { return parseLogLevels(process.env.NFL_GRID_LOG_LEVEL); } catch { return parseLogLevels(undefined); }
  })();
  const make = (bindings: Record<string, unknown>): Logger => {
    const c = typeof bindings.component === 'string' ? levels.components[bindings.component] : undefined;
    const min = LEVEL_ORDER[c ?? levels.level];
    const write = (level: Level) => (msg: string) => {
      if (LEVEL_ORDER[level] < min) return;
      const t = new Date().toISOString().slice(11, 19);
      const mark = level === 'warn' ? `${ESC}33m` : level === 'error' ? `${ESC}31m` : '';
      view.log(`${t} ${mark}${level.padEnd(5)}${mark ? `${ESC}0m` : ''} ${msg}`);
    };
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (b) => make({ ...bindings, ...b }), component: (name) => make({ ...bindings, component: name }) };
  };
  return make({ name });
}

/** The agent's logger: above the terminal view when there is one, else plain line logs. */
export function agentLogger(view: TtyView | null): Logger {
  return view ? viewLogger(view) : createLogger('nfl-agent');
}

import type { Logger } from '@nfl-grid/shared/logging/logger';

/** For tests: a Logger that keeps its lines instead of writing them to stderr. */
export interface CapturedLogger extends Logger {
  readonly lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }>;
  /** Every message, one per line, for `toContain`/`toMatch`. */
  text(): string;
}

export function captureLog(): CapturedLogger {
  const lines: CapturedLogger['lines'] = [];
  const make = (bindings: Record<string, unknown>): CapturedLogger => {
    const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
      lines.push({ level, msg, fields: { ...bindings, ...fields } });
    };
    return {
      lines,
      text: () => lines.map((l) => `${l.level} ${l.msg}`).join('\n'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (b) => make({ ...bindings, ...b }),
      component: (name) => make({ ...bindings, component: name }),
    };
  };
  return make({});
}

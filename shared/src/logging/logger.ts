/** Line logs: JSON when NFL_GRID_LOG=json or not a TTY, readable otherwise. Levels filter by NFL_GRID_LOG_LEVEL. */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** An error as log fields, with the underlying cause (a driver error inside a query error). */
function errorFields(e: Error): Record<string, unknown> {
  const cause = (e as { cause?: { message?: string; code?: string } }).cause;
  // Query errors repeat the whole statement and its parameters: keep the first line only.
  const message = e.message.length > 300 ? e.message.split('\n')[0]!.slice(0, 300) : e.message;
  return { name: e.name, message, ...(cause ? { cause: cause.message, code: cause.code } : {}) };
}

export function createLogger(name: string, bindings: Record<string, unknown> = {}): Logger {
  const env = typeof process !== 'undefined' ? process.env : {};
  const min = order[(env.NFL_GRID_LOG_LEVEL as Level) ?? 'info'] ?? order.info;
  const json = env.NFL_GRID_LOG === 'json' || (env.NFL_GRID_LOG !== 'pretty' && !process.stderr.isTTY);
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    const rec = { t: new Date().toISOString(), level, name, msg, ...bindings, ...fields };
    if (json) {
      process.stderr.write(JSON.stringify(rec, (_k, v) => (v instanceof Error ? errorFields(v) : v)) + '\n');
    } else {
      const extra = { ...bindings, ...fields };
      const tail = Object.keys(extra).length ? ' ' + JSON.stringify(extra, (_k, v) => (v instanceof Error ? errorFields(v) : v)) : '';
      process.stderr.write(`${rec.t.slice(11, 19)} ${level.padEnd(5)} ${name}: ${msg}${tail}\n`);
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (b) => createLogger(name, { ...bindings, ...b }),
  };
}

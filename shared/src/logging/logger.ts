import { LEVEL_ORDER, parseLogLevels, type Level, type LogLevels } from './log-levels';

/** Line logs: JSON when NFL_GRID_LOG=json or not a TTY, readable otherwise. Levels filter by NFL_GRID_LOG_LEVEL (log-levels.ts). */

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
  /** A child for one component: its lines carry `component` and filter by that component's level. */
  component(name: string): Logger;
}

/** An error as log fields, with the underlying cause (a driver error inside a query error). */
function errorFields(e: Error): Record<string, unknown> {
  const cause = (e as { cause?: { message?: string; code?: string } }).cause;
  // Query errors repeat the whole statement and its parameters: keep the first line only.
  const message = e.message.length > 300 ? e.message.split('\n')[0]!.slice(0, 300) : e.message;
  return { name: e.name, message, ...(cause ? { cause: cause.message, code: cause.code } : {}) };
}

/** The levels in the environment; a bad spec logs at info (the coordinator's config refuses it at start). */
function envLevels(spec: string | undefined): LogLevels {
  try {
    return parseLogLevels(spec);
  } catch {
    return { level: 'info', components: {} };
  }
}

export function createLogger(name: string, bindings: Record<string, unknown> = {}): Logger {
  const env = typeof process !== 'undefined' ? process.env : {};
  return makeLogger(name, bindings, envLevels(env.NFL_GRID_LOG_LEVEL), env.NFL_GRID_LOG);
}

function makeLogger(name: string, bindings: Record<string, unknown>, levels: LogLevels, format: string | undefined): Logger {
  const component = typeof bindings.component === 'string' ? bindings.component : undefined;
  const min = LEVEL_ORDER[(component !== undefined ? levels.components[component] : undefined) ?? levels.level];
  const json = format === 'json' || (format !== 'pretty' && !process.stderr.isTTY);
  // component loggers are asked for at every call site: make each once
  const components = new Map<string, Logger>();
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (LEVEL_ORDER[level] < min) return;
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
    child: (b) => makeLogger(name, { ...bindings, ...b }, levels, format),
    component: (c) => {
      let l = components.get(c);
      if (!l) components.set(c, (l = makeLogger(name, { ...bindings, component: c }, levels, format)));
      return l;
    },
  };
}

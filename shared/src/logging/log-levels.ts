/*
 * Log levels, one for the process and one per component: `NFL_GRID_LOG_LEVEL=info` or
 * `NFL_GRID_LOG_LEVEL=info,gateway=debug,validator=warn` (the bare level is the default; a
 * component is a daemon's name, `gateway`, `http`, …, as the lines' `component` field shows).
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';
export const LEVEL_ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogLevels {
  level: Level;
  components: Record<string, Level>;
}

export class LogLevelError extends Error {
  readonly code = 'bad_log_level';
  constructor(readonly spec: string, detail: string) {
    super(`NFL_GRID_LOG_LEVEL '${spec}': ${detail} (e.g. "info" or "info,gateway=debug,validator=warn"; levels: ${Object.keys(LEVEL_ORDER).join(', ')})`);
    this.name = 'LogLevelError';
  }
}

const isLevel = (s: string): s is Level => Object.prototype.hasOwnProperty.call(LEVEL_ORDER, s);

export function parseLogLevels(spec: string | undefined): LogLevels {
  const out: LogLevels = { level: 'info', components: {} };
  if (spec === undefined || spec.trim() === '') return out;
  let sawDefault = false;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (!isLevel(part)) throw new LogLevelError(spec, `'${part}' is not a level`);
      if (sawDefault) throw new LogLevelError(spec, 'two default levels');
      out.level = part;
      sawDefault = true;
      continue;
    }
    const name = part.slice(0, eq).trim(), level = part.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_.-]{0,40}$/.test(name)) throw new LogLevelError(spec, `'${name}' is not a component name`);
    if (!isLevel(level)) throw new LogLevelError(spec, `'${level}' (for ${name}) is not a level`);
    out.components[name] = level;
  }
  return out;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogLevelError, parseLogLevels } from './log-levels';
import { createLogger } from './logger';

describe('log levels', () => {
  it('parses a default level and per-component levels', () => {
    expect(parseLogLevels(undefined)).toEqual({ level: 'info', components: {} });
    expect(parseLogLevels('debug')).toEqual({ level: 'debug', components: {} });
    expect(parseLogLevels(' warn , gateway=debug,validator=error ')).toEqual({ level: 'warn', components: { gateway: 'debug', validator: 'error' } });
    expect(parseLogLevels('scheduler=debug')).toEqual({ level: 'info', components: { scheduler: 'debug' } });
  });

  it('refuses what it cannot read, saying what', () => {
    expect(() => parseLogLevels('loud')).toThrow(LogLevelError);
    expect(() => parseLogLevels('info,warn')).toThrow(/two default levels/);
    expect(() => parseLogLevels('info,Gate Way=debug')).toThrow(/not a component name/);
    expect(() => parseLogLevels('gateway=verbose')).toThrow(/'verbose' \(for gateway\) is not a level/);
  });
});

describe('a component logger', () => {
  const saved = { level: process.env.NFL_GRID_LOG_LEVEL, format: process.env.NFL_GRID_LOG };
  afterEach(() => {
    process.env.NFL_GRID_LOG_LEVEL = saved.level;
    process.env.NFL_GRID_LOG = saved.format;
    if (saved.level === undefined) delete process.env.NFL_GRID_LOG_LEVEL;
    if (saved.format === undefined) delete process.env.NFL_GRID_LOG;
    vi.restoreAllMocks();
  });

  it('filters by its own level and marks its lines with the component', () => {
    process.env.NFL_GRID_LOG_LEVEL = 'warn,gateway=debug';
    process.env.NFL_GRID_LOG = 'json';
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
    const log = createLogger('coordinator');
    log.info('root info');
    log.warn('root warn');
    log.component('gateway').debug('gateway debug', { host: 'h1' });
    log.component('validator').info('validator info');
    log.component('validator').error('validator error');
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.map((r) => r.msg)).toEqual(['root warn', 'gateway debug', 'validator error']);
    expect(recs[1]).toMatchObject({ component: 'gateway', host: 'h1', level: 'debug' });
    expect(log.component('gateway')).toBe(log.component('gateway'));
  });
});

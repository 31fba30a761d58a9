import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionSecretOf } from './console/session-token';
import { ConfigError, resolveCoordinatorConfig } from './config';

const dir = () => mkdtempSync(join(tmpdir(), 'nfl-grid-config-'));

describe('coordinator config', () => {
  it('uses NFL_GRID_SESSION_SECRET for console sessions, so coordinators on other folders share it', () => {
    const secret = Buffer.alloc(32, 7).toString('base64url');
    const a = resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_SESSION_SECRET: secret });
    const b = resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_SESSION_SECRET: ` ${secret}\n` });
    expect(Buffer.from(sessionSecretOf(a)).equals(Buffer.alloc(32, 7))).toBe(true);
    expect(Buffer.from(sessionSecretOf(b)).equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('without it, each data folder makes its own secret', () => {
    const a = resolveCoordinatorConfig({ dataDir: dir() }, {});
    const b = resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_SESSION_SECRET: '' });
    expect([a.sessionSecret, b.sessionSecret]).toEqual([null, null]);
    expect(sessionSecretOf(a)).toHaveLength(32);
    expect(Buffer.from(sessionSecretOf(a)).equals(Buffer.from(sessionSecretOf(b)))).toBe(false);
  });

  it('takes claim and HTTP limits from the environment, with defaults', () => {
    const d = resolveCoordinatorConfig({ dataDir: dir() }, {});
    expect(d.claims).toEqual({ cpuEstimateMultiple: 10 });
    expect(d.http).toEqual({
      maxBodyBytes: 32 * 1024 * 1024, anonymousBodyBytes: 64 * 1024, requestTimeoutMs: 120_000, headersTimeoutMs: 20_000, keepAliveTimeoutMs: 5_000,
      authFailures: { windowMs: 60_000, perAddress: 60, perKeyPrefix: 10 },
    });
    const e = resolveCoordinatorConfig({ dataDir: dir() }, {
      NFL_GRID_CPU_ESTIMATE_MULTIPLE: '4', NFL_GRID_MAX_BODY_BYTES: '1000', NFL_GRID_ANONYMOUS_BODY_BYTES: '100',
      NFL_GRID_REQUEST_TIMEOUT_MS: '3000', NFL_GRID_HEADERS_TIMEOUT_MS: '1500', NFL_GRID_KEEP_ALIVE_TIMEOUT_MS: '700',
    });
    expect([e.claims.cpuEstimateMultiple, e.http]).toEqual([4, expect.objectContaining({ maxBodyBytes: 1000, anonymousBodyBytes: 100, requestTimeoutMs: 3000, headersTimeoutMs: 1500, keepAliveTimeoutMs: 700 })]);
  });

  it('refuses a short or malformed secret, naming the variable', () => {
    const bad = (v: string) => () => resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_SESSION_SECRET: v });
    expect(bad(Buffer.alloc(16, 1).toString('base64url'))).toThrow(/NFL_GRID_SESSION_SECRET: holds 16 bytes; at least 32/);
    expect(bad('not base64!')).toThrow(ConfigError);
    expect(bad('not base64!')).toThrow(/NFL_GRID_SESSION_SECRET: expected base64url/);
  });

  it('reads per-component log levels and refuses a bad one, naming the variable', () => {
    const levels = (v: string) => resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_LOG_LEVEL: v }).logLevels;
    expect(levels('warn,gateway=debug')).toEqual({ level: 'warn', components: { gateway: 'debug' } });
    expect(() => levels('info,gateway=loud')).toThrow(/NFL_GRID_LOG_LEVEL: .*'loud' \(for gateway\) is not a level/);
    expect(() => levels('info,gateway=loud')).toThrow(ConfigError);
  });

  it('reads the per-host quotas', () => {
    const e = resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_MAX_IN_PROGRESS_PER_CORE: '5', NFL_GRID_DAILY_QUOTA_PER_CORE: '50' });
    expect(e.work.quota).toEqual({ inProgressPerCore: 5, dailyPerCore: 50 });
  });
});

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

  it('refuses a short or malformed secret, naming the variable', () => {
    const bad = (v: string) => () => resolveCoordinatorConfig({ dataDir: dir() }, { NFL_GRID_SESSION_SECRET: v });
    expect(bad(Buffer.alloc(16, 1).toString('base64url'))).toThrow(/NFL_GRID_SESSION_SECRET: holds 16 bytes; at least 32/);
    expect(bad('not base64!')).toThrow(ConfigError);
    expect(bad('not base64!')).toThrow(/NFL_GRID_SESSION_SECRET: expected base64url/);
  });
});

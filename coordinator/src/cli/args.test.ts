import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLocalUrl, resolveApiKey } from './api-client';
import { intOption, parseCli } from './args';
import { COMMANDS, main } from './main';
import { UsageError } from './command';

const parse = (argv: string[]) => parseCli(argv, COMMANDS);

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env, cwd: process.cwd() } };
}

describe('nfl-grid argument parsing', () => {
  it('finds the command after global options and parses its options and arguments', () => {
    const p = parse(['--coordinator', 'http://h:1', '--json', 'results', 'abc', '--format', 'csv', '--out=r.csv']);
    expect(p).toMatchObject({ kind: 'run', command: { path: ['results'] }, args: ['abc'], values: { coordinator: 'http://h:1', json: true, format: 'csv', out: 'r.csv' } });
    expect(parse(['status', '--api-key', 'ngk_x'])).toMatchObject({ kind: 'run', values: { 'api-key': 'ngk_x' } });
    expect(parse(['--api-key', 'admin', 'status'])).toMatchObject({ command: { path: ['status'] }, values: { 'api-key': 'admin' } });
    expect(parse(['admin', 'create-user', '--name', 'n', '--role', 'researcher'])).toMatchObject({ command: { path: ['admin', 'create-user'] }, values: { name: 'n', role: 'researcher' } });
    expect(parse(['coordinator', '--port', '9000', '--data-dir', '/d', '--host', '0.0.0.0'])).toMatchObject({ values: { port: '9000', 'data-dir': '/d', host: '0.0.0.0' } });
  });

  it('answers --help everywhere', () => {
    expect(parse(['--help'])).toMatchObject({ kind: 'help', command: null, asked: true });
    expect(parse([])).toMatchObject({ kind: 'help', asked: false });
    expect(parse(['submit', '-h'])).toMatchObject({ kind: 'help', command: { path: ['submit'] }, asked: true });
    expect(parse(['admin', 'enroll-token', '--help'])).toMatchObject({ kind: 'help', command: { path: ['admin', 'enroll-token'] } });
    expect(parse(['admin', '--help'])).toMatchObject({ kind: 'help', group: 'admin', asked: true });
  });

  it.each([
    [['frob'], /unknown command: frob/],
    [['admin', 'frob'], /unknown admin command/],
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['cancel'], /missing ID/],
    [['cancel', 'a', 'b'], /unexpected argument: b/],
    [['results', 'x', '--format'], /argument missing/],
    [['--json'], /no command given/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
    expect(() => parse(argv)).toThrow(UsageError);
  });

  it('checks numeric options', () => {
    expect(intOption({ port: '8080' }, 'port', 0, 65535)).toBe(8080);
    expect(intOption({}, 'port', 0, 65535)).toBeUndefined();
    expect(() => intOption({ port: '80.5' }, 'port', 0, 65535)).toThrow(/whole number/);
    expect(() => intOption({ port: '70000' }, 'port', 0, 65535)).toThrow(/from 0 to 65535/);
  });

  it('exits 2 on usage errors and 0 on help, writing to the right stream', async () => {
    const a = io();
    expect(await main(['status', '--limit', '5'], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/Unknown option '--limit'[\s\S]*nfl-grid status --help/);
    const b = io();
    expect(await main(['batches', '--state', 'nope'], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/--state must be one of[\s\S]*nfl-grid batches --help/);
    const c = io();
    expect(await main(['--coordinator', 'ftp://x', 'status'], c.io)).toBe(2);
    const d = io();
    expect(await main(['hosts', '--help'], d.io)).toBe(0);
    expect(d.out.join('\n')).toMatch(/^Usage: nfl-grid hosts/);
    const e = io();
    expect(await main([], e.io)).toBe(2);
    expect(e.err.join('\n')).toMatch(/^Usage: nfl-grid/);
  });

  it('prints field errors of a bad spec file without calling the server (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfl-grid-cli-'));
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: '', kernel: 'Bench!', grid: { a: [1] }, units: [{ params: {} }] }));
      writeFileSync(join(dir, 'broken.json'), '{ "name": ');
      const a = io();
      expect(await main(['--coordinator', 'http://127.0.0.1:9', 'submit', join(dir, 'bad.json')], a.io)).toBe(1);
      const text = a.err.join('\n');
      expect(text).toContain('is not a valid batch spec');
      expect(text).toMatch(/^ {2}name: /m);
      expect(text).toMatch(/^ {2}kernel: expected a kernel name/m);
      expect(text).not.toContain('cannot reach');
      const b = io();
      expect(await main(['submit', join(dir, 'broken.json')], b.io)).toBe(1);
      expect(b.err[0]).toMatch(/is not valid JSON/);
      const c = io();
      expect(await main(['submit', join(dir, 'missing.json')], c.io)).toBe(1);
      expect(c.err[0]).toMatch(/cannot read .*ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to the admin key file only for a local coordinator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfl-grid-key-'));
    try {
      mkdirSync(join(dir, '.nfl-grid'));
      writeFileSync(join(dir, '.nfl-grid', 'admin-key'), 'ngk_local\n');
      mkdirSync(join(dir, 'other'));
      writeFileSync(join(dir, 'other', 'admin-key'), 'ngk_other\n');
      const base = { url: 'http://127.0.0.1:8787', env: {}, cwd: dir };
      expect(resolveApiKey(base).key).toBe('ngk_local');
      expect(resolveApiKey({ ...base, dataDir: 'other' }).key).toBe('ngk_other');
      expect(resolveApiKey({ ...base, env: { NFL_GRID_DATA_DIR: join(dir, 'other') } }).key).toBe('ngk_other');
      expect(resolveApiKey({ ...base, env: { NFL_GRID_API_KEY: 'ngk_env' } }).key).toBe('ngk_env');
      expect(resolveApiKey({ ...base, apiKey: 'ngk_flag', env: { NFL_GRID_API_KEY: 'ngk_env' } }).key).toBe('ngk_flag');
      expect(resolveApiKey({ ...base, url: 'https://grid.example.org' }).key).toBeNull();
      expect(resolveApiKey({ ...base, cwd: join(dir, 'other') }).key).toBeNull();
      expect(isLocalUrl('http://localhost:1')).toBe(true);
      expect(isLocalUrl('http://[::1]:1')).toBe(true);
      expect(isLocalUrl('http://10.0.0.1')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

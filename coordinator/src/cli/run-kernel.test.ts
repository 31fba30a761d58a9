import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nfl-grid-run-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/nfl-grid.mjs', 'run-kernel', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('nfl-grid run-kernel', () => {
  it('--list names every kernel with its version and a one-line description', () => {
    const r = cli('--list');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^kernel\s+version\s+description$/);
    expect(r.out).toMatch(/^bench\.hash\s+1\s+Integer hash chain \(load testing\)$/m);
    expect(r.out).toMatch(/^margins\.key_numbers\s+1\s+\S.*$/m);
    const listed = JSON.parse(cli('--list', '--json').out) as Array<{ ref: string; version: number; description: string }>;
    expect(lines).toHaveLength(listed.length + 1);
    expect(listed.map((k) => k.ref)).toContain('train.mlp@1');
    for (const k of listed) expect(k.description).toMatch(/^[^\n]+$/);
  });

  it('--list takes no kernel options, and NAME is still required without it', () => {
    expect(cli('--list', '--seed', '3')).toMatchObject({ code: 2, err: expect.stringContaining('--list takes no --seed') });
    expect(cli()).toMatchObject({ code: 2, err: expect.stringContaining('missing NAME') });
  });

  it('runs bench.hash with progress on stderr and the JSON output on stdout', () => {
    const r = cli('bench.hash', '--params', file('bench.json', { rounds: 500, steps: 2 }), '--seed', '7');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ rounds: 500 });
    expect(r.err).toContain('bench.hash@1: step 1/2');
    expect(r.err).toContain('step 2/2');
    expect(r.err).toContain('finished');
  });

  it('runs a real kernel on the data folder and writes --out', () => {
    const out = join(dir, 'mk.json');
    const r = cli('margins.key_numbers@1', '--params', file('mk.json.in', { iterations: 10, iterationsPerStep: 5 }), '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ kernel: 'margins.key_numbers@1', seed: 1, steps: 3, out });
    const output = JSON.parse(readFileSync(out, 'utf8'));
    expect(output.iterations).toBe(10);
    expect(output.sigma).toBeGreaterThan(5);
  }, 60_000);

  it('exits 2 for an unknown kernel or missing options, 1 for bad params', () => {
    const p = file('ok.json', {});
    const unknown = cli('no.such', '--params', p);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown kernel no.such');
    expect(unknown.err).toContain('bench.hash@1');
    expect(cli('bench.hash').code).toBe(2);
    expect(cli('bench.hash', '--params', p, '--seed', 'x').code).toBe(2);
    expect(cli('bench.hash', '--params', join(dir, 'missing.json')).code).toBe(2);
    const bad = cli('bench.hash@1', '--params', file('bad.json', { rounds: 0 }));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('rounds');
    expect(cli('bench.hash', '--params', file('broken.json', '{x')).code).toBe(1);
  }, 60_000);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coverProbability } from '@nfl-grid/shared/kernels/cover/baseline';
import { coverModelBody, handMadeNet } from '../../../test/support/models';
import { coverPredictor } from '../models/cover-predictor';
import type { CliIo } from './command';
import { main } from './main';
import { joinNegativeValues } from './negative-values';

const dir = mkdtempSync(join(tmpdir(), 'nfl-grid-cover-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [], err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), env: { NFL_GRID_DATA_DIR: join(dir, 'none'), NFL_GRID_INPUTS_DIR: join(dir, 'none'), ...env }, cwd: dir };
  const code = await main(['cover', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('nfl-grid cover', () => {
  it('answers from the baseline with the spread taken as the visiting team\'s', async () => {
    const r = await cli(['-t', '2000', '-s', '5', '-f', '17', '-u', '15', '--json']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    expect(a).toMatchObject({ model: 'cover-baseline', version: 'analytic', phase: 'in_play', hspread: -5, source: null });
    expect(a.cover_probability).toBeCloseTo(coverProbability(2, 5, 1600 / 3600, 18), 12);
    expect((await cli(['-t', '2000', '-s', '5', '-f', '17', '-u', '15'])).out).toMatch(/^0\.4\d{3} {2}\(in play; model cover-baseline analytic\)$/);
  });

  it('parses negative spreads as values, in short and long forms', async () => {
    for (const args of [['-s', '-3.5'], ['--spread', '-3.5'], ['--spread=-3.5'], ['-s-3.5']]) {
      const r = await cli(['--time', '1800', ...args, '--favorite', '10', '--underdog', '7', '--json']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(JSON.parse(r.out).hspread).toBe(3.5);
    }
    expect(joinNegativeValues(['-s', '-3', '--json', '-t', '-x'], { spread: { type: 'string', short: 's' }, time: { type: 'string', short: 't' } }))
      .toEqual(['--spread=-3', '--json', '-t', '-x']);
  });

  it('applies the rules and names a bad option', async () => {
    expect(JSON.parse((await cli(['-t', '0', '-s', '3', '-f', '0', '-u', '0', '--json'])).out).cover_probability).toBe(0.5);
    expect(JSON.parse((await cli(['-t', '3600', '-s', '3', '-f', '24', '-u', '20', '--json'])).out).cover_probability).toBe(1);
    expect(JSON.parse((await cli(['-t', '1000', '-s', '3', '-f', '24', '-u', '0', '--final', '--json'])).out)).toMatchObject({ cover_probability: 1, phase: 'final' });
    const bad = await cli(['-t', '2000', '-s', '3', '-f', '17', '-u', '-2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--underdog');
    const missing = await cli(['-t', '2000', '-f', '17', '-u', '2']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--spread is required');
    expect((await cli(['-t', 'soon', '-s', '3', '-f', '1', '-u', '2'])).err).toContain('--time must be a number');
  });

  it('answers from a shipped model file when there is one', async () => {
    const inputs = join(dir, 'inputs');
    mkdirSync(join(inputs, 'models', 'cover'), { recursive: true });
    const net = handMadeNet();
    writeFileSync(join(inputs, 'models', 'cover', 'cover-1.json'), JSON.stringify(coverModelBody(net)));
    const r = await cli(['-t', '2000', '-s', '5', '-f', '17', '-u', '15', '--json'], { NFL_GRID_INPUTS_DIR: inputs });
    const a = JSON.parse(r.out);
    expect(a).toMatchObject({ model: 'cover', version: 'shipped', source: join(inputs, 'models', 'cover', 'cover-1.json') });
    expect(a.cover_probability).toBe(coverPredictor(net).predict({ lead: 2, line: 5, secondsLeft: 1600 }));
    expect(a.loadMs).toBeLessThan(100);
  });
});

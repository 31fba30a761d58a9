import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSpec, type BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { createApp } from '../coordinator/src/app';
import { createUserWithKey } from '../coordinator/src/auth/api-keys';
import { main } from '../coordinator/src/cli/main';
import { assimilatorPass } from '../coordinator/src/daemons/assimilator';
import { validatorPass } from '../coordinator/src/daemons/validator';
import { submitBatch } from '../coordinator/src/queue/submit-batch';
import { makeHost, makeUser, openTestGrid, type TestGrid, type TestHost } from './support/grid-fixtures';
import { simulateHost } from './support/volunteers';
import { dbKinds } from './support/test-db';

/*
 * `nfl-grid report`, `scoreboard` and `rebalance` against a served coordinator whose batches ran
 * for real (calibration.fit and backtest.run on the real data). The LaTeX report is compiled with
 * pdflatex when it is installed (apt-get install texlive-latex-base).
 */

const CAL = 'calibration.fit@1';
const BT = 'backtest.run@1';
const SEASON = 'mc.season@1';
const hasPdflatex = (() => { try { execFileSync('pdflatex', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const dataFor = new Map<string, ReturnType<typeof loadLocalKernelData>>();
const outputs = new Map<string, unknown>();
function run(ref: string, params: unknown, seed: number) {
  const k = getKernel(ref);
  if (!dataFor.has(ref)) dataFor.set(ref, loadLocalKernelData(DEFAULT_DATA_DIR, k.datasets(k.paramsSchema.parse(params))));
  const key = `${ref} ${seed} ${JSON.stringify(params)}`;
  if (!outputs.has(key)) outputs.set(key, runKernelSync(k, params, seed, dataFor.get(ref)!));
  return outputs.get(key);
}

describe.each(dbKinds())('batch reports and the performance CLI (%s)', (kind) => {
  let t: TestGrid;
  let server: ServerType;
  let url: string;
  let adminKey: string;
  let dir: string;
  let cal: string;
  let bt: string;
  let season: string;
  let hosts: TestHost[];

  async function cli(args: string[]) {
    const out: string[] = [], err: string[] = [];
    const code = await main(['--coordinator', url, '--api-key', adminKey, ...args], { out: (s) => void out.push(s), err: (s) => void err.push(s), env: {}, cwd: dir });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    t = await openTestGrid(kind);
    dir = mkdtempSync(join(tmpdir(), 'nfl-grid-report-'));
    server = serve({ fetch: createApp(t.grid).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    adminKey = (await createUserWithKey(t.db, { name: 'root', role: 'admin' })).key;
    const researcher = await makeUser(t.db, { role: 'researcher' });
    hosts = [await makeHost(t.db, { kernels: [CAL, BT, SEASON] }), await makeHost(t.db, { kernels: [CAL, BT, SEASON] })];
    const submit = async (spec: BatchSpecInput) => (await submitBatch(t.grid, researcher, BatchSpec.parse({ policy: { minQuorum: 2, adaptive: false }, ...spec }))).batchId;
    cal = await submit({ name: 'calibration 2019-2024', kernel: CAL, params: { seasonFrom: 2019, seasonTo: 2024, folds: 5, repeats: 3 } });
    bt = await submit({ name: 'home vs underdog', kernel: BT, params: { seasonFrom: 2020, seasonTo: 2024 }, units: [{ params: { strategy: { side: 'home', minEdge: -1 } } }, { params: { strategy: { side: 'underdog', minEdge: -1 } } }] });
    season = await submit({ name: 'season 2019', kernel: SEASON, params: { season: 2019, nSims: 200 }, replicates: 2 });
    for (const h of hosts) await simulateHost(t.grid, h, { behaviour: (c) => run(`${c.kernel}@${c.kernel_version}`, c.params, c.seed) });
    while (await validatorPass(t.grid) > 0) { /* drain */ }
    while (await assimilatorPass(t.grid) > 0) { /* drain */ }
    // Pending work for the matrix and rebalance.
    await submit({ name: 'pending backtest', kernel: BT, params: { seasonFrom: 2020, seasonTo: 2024, strategy: { side: 'favorite', minEdge: -1 } } });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a Markdown report with a reliability diagram', async () => {
    const r = await cli(['report', cal, '--out', 'cal-md']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Wrote 3 files .*main: report\.md/);
    const md = readFileSync(join(dir, 'cal-md', 'report.md'), 'utf8');
    expect(md).toContain('![Reliability diagram of result 0');
    expect(md).toContain('](figures/reliability-0.svg)');
    expect(md).toMatch(/\| seq \| source \| games \| raw LL/);
    expect(readFileSync(join(dir, 'cal-md', 'figures', 'reliability-0.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(JSON.parse(readFileSync(join(dir, 'cal-md', 'spec.json'), 'utf8'))).toMatchObject({ kernel: CAL });
  });

  it('writes a season report with a table per team and a figure, not "No figures"', async () => {
    const r = await cli(['report', season, '--out', 'season-md', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).files).toEqual(['report.md', 'spec.json', 'figures/season-wins.svg']);
    const md = readFileSync(join(dir, 'season-md', 'report.md'), 'utf8');
    expect(md).toMatch(/\| season \| team \| results \| mean wins \| P\(10\+ wins\) \| P\(division\) \| P\(playoffs\) \|/);
    const teamRows = md.split('\n').filter((l) => /^\| 2019 \| /.test(l));
    expect(teamRows).toHaveLength(32);
    expect(teamRows.every((l) => l.split('|')[3]!.trim() === '2')).toBe(true);
    expect(md).not.toContain('No figures');
    expect(readFileSync(join(dir, 'season-md', 'figures', 'season-wins.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  it('writes a LaTeX report with equity curves that pdflatex compiles', async () => {
    const r = await cli(['report', bt, '--format', 'tex', '--out', 'bt-tex', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).files).toEqual(['report.tex', 'spec.json', 'figures/equity.svg', 'figures/metric.svg']);
    const tex = readFileSync(join(dir, 'bt-tex', 'report.tex'), 'utf8');
    expect(tex).toContain('figures/equity.svg');
    expect(tex).toContain('p vs best (Holm)');
  });

  it.skipIf(!hasPdflatex)('compiles the LaTeX report with pdflatex', () => {
    const cwd = join(dir, 'bt-tex');
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'report.tex'], { cwd, stdio: 'pipe', timeout: 60_000 });
    expect(existsSync(join(cwd, 'report.pdf'))).toBe(true);
  });

  it('shows models on the scoreboard and rebalances by EV', async () => {
    const s = await cli(['scoreboard']);
    expect(s.code).toBe(0);
    expect(s.out).toContain('Volunteers');
    expect(s.out).toMatch(/Models\n#\s+MODEL\s+METRIC\s+CURRENT\s+BEST/);
    expect(s.out).toMatch(/calibration\.fit@1~[0-9a-f]{12}\s+logLoss \(lower better\)/);
    expect(s.out).toMatch(/backtest\.run@1~[0-9a-f]{12}\s+roi \(higher better\)/);
    const dry = await cli(['rebalance', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/pending backtest\s+[\d.,]+\s+0\s+1000/);
    expect(dry.out).toContain('(dry run: 1 would change)');
    expect((await cli(['report', '00000000-0000-4000-8000-000000000000'])).code).toBe(1);
  });
});

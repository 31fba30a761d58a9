import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardJobSet } from '@nfl-grid/shared/api/standard-jobs';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { dbKinds } from '../../../test/support/test-db';
import { openTestApp, type TestApp } from '../../../test/support/grid-fixtures';
import { benchSpec, storeResult, workUnitsOf } from '../../../test/support/volunteers';
import { main } from './main';

const BIN = fileURLToPath(new URL('../../../bin/nfl-grid.mjs', import.meta.url));

/** Runs the real binary in a child process. */
function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NFL_GRID_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.each(dbKinds())('nfl-grid against a coordinator (%s)', (kind) => {
  let t: TestApp;
  let server: ServerType;
  let url: string;
  let dir: string;
  let researcher: { id: string; key: string };

  /** Runs main() in this process, capturing what it prints. */
  async function cli(args: string[], key: string | null = t.adminKey) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--coordinator', url, ...(key ? ['--api-key', key] : []), ...args], {
      out: (s) => void out.push(s), err: (s) => void err.push(s), env: {}, cwd: dir,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeAll(async () => {
    t = await openTestApp(kind);
    dir = mkdtempSync(join(tmpdir(), 'nfl-grid-cli-'));
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    researcher = await t.user('rhea', 'researcher');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates users and enrollment tokens (admin commands)', async () => {
    const r = await cli(['admin', 'create-user', '--name', 'vic', '--role', 'volunteer', '--team', 'Bills']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Created volunteer vic/);
    const key = /ngk_[A-Za-z0-9_-]+/.exec(r.out)![0];
    const tok = await cli(['admin', 'enroll-token', '--uses', '3'], key);
    expect(tok.code).toBe(0);
    expect(tok.out).toMatch(/good for 3 hosts/);
    expect(tok.out).toMatch(/nfl_enroll_/);
    const dup = await cli(['admin', 'create-user', '--name', 'vic', '--role', 'volunteer']);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/user vic already exists[\s\S]*HTTP 409, name_taken, field name/);
    const missing = await cli(['admin', 'create-user', '--role', 'volunteer']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--name is required/);
  });

  it('submits, lists, reports status, downloads results and cancels', async () => {
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(benchSpec({ name: 'cli batch' })));
    const sub = await cli(['--json', 'submit', 'spec.json'], researcher.key);
    expect(sub.code).toBe(0);
    const { batchId, wuCount } = JSON.parse(sub.out);
    expect(wuCount).toBe(3);

    const list = await cli(['batches', '--state', 'open'], researcher.key);
    expect(list.out).toMatch(/^ID\s+NAME\s+KERNEL/);
    expect(list.out).toContain(batchId);
    expect(list.out).toContain('cli batch');

    await t.grid.db.rows(sql`UPDATE work_units SET state = 'running' WHERE batch_id = ${batchId} AND seq = 0`);
    const status = await cli(['status']);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/WORK UNITS\s+TOTAL\s+PENDING\s+RUNNING/);
    expect(status.out).toMatch(/Running now\n.*BATCH[\s\S]*cli batch/);
    expect(status.out).toMatch(/CPU hours: 0\.0/);

    const [wu] = await t.grid.db.rows<{ id: number }>(sql`SELECT id FROM work_units WHERE batch_id = ${batchId} AND seq = 0`);
    await t.grid.db.rows(sql`INSERT INTO science_results (wu_id, batch_id, seq, kernel, params, output, output_sha256, replica_id)
      VALUES (${wu!.id}, ${batchId}, 0, 'bench.hash@1', '{"rounds": 100, "steps": 2}'::jsonb, '{"value": 42, "rounds": 100}'::jsonb, ${'ef'.repeat(32)}, 1)`);
    const csv = await cli(['results', batchId, '--out', 'r.csv'], researcher.key);
    expect(csv.code).toBe(0);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8')).toBe(`seq,wu_id,kernel,output_sha256,params.rounds,params.steps,output.rounds,output.value\r\n0,${wu!.id},bench.hash@1,${'ef'.repeat(32)},100,2,100,42\r\n`);
    const json = await cli(['results', batchId, '--format', 'json'], researcher.key);
    expect(JSON.parse(json.out).results[0].output).toEqual({ value: 42, rounds: 100 });

    const cancel = await cli(['cancel', batchId], researcher.key);
    expect(cancel.out).toMatch(/Cancelled batch .*: 3 work units/);
  });

  it('merges a batch into figures with intervals (combined)', async () => {
    const spec = { name: 'kelly', kernel: 'mc.bankroll', seed: 3, replicates: 2, policy: { minQuorum: 1 },
      params: { seasonFrom: 2016, seasonTo: 2016, nBets: 40, nScenarios: 100, scenariosPerStep: 100 } };
    writeFileSync(join(dir, 'kelly.json'), JSON.stringify(spec));
    const { batchId } = JSON.parse((await cli(['--json', 'submit', 'kelly.json'], researcher.key)).out);
    const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['spreadspoke.games']);
    for (const w of await workUnitsOf(t.grid, batchId)) await storeResult(t.grid, batchId, 'mc.bankroll@1', w, data);
    const text = await cli(['combined', batchId, '--resamples', '1000', '--seed', '2'], researcher.key);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/2 of 2 work units merged\n1,000 bootstrap resamples, 95% percentile intervals, seed 2/);
    expect(text.out).toMatch(/Group 1: 2 WUs, 200 scenarios; .*strategy="kelly"/);
    expect(text.out).toMatch(/FIGURE\s+ESTIMATE\s+95% CI\s+SE/);
    expect(text.out).toMatch(/VaR 95% \(loss\)\s+-?[\d,.]+\s+-?[\d,.]+ … -?[\d,.]+/);
    const json = await cli(['combined', batchId, '--resamples', '1000', '--seed', '2', '--format', 'json'], researcher.key);
    expect(JSON.parse(json.out)).toMatchObject({ batchId, included: 2, complete: true, cached: true, groups: [{ figures: { kind: 'mc.bankroll', scenarios: 200 } }] });
    const bad = await cli(['combined', batchId, '--level', '2'], researcher.key);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--level: /);
  });

  it('shows hosts and the scoreboard', async () => {
    const hostId = await t.host(researcher.id, { name: 'rhea-rig', totalCredit: 12.5, online: true, lastContact: new Date() });
    await t.grid.db.rows(sql`INSERT INTO user_credit (user_id, total_credit, rac) VALUES (${researcher.id}, 12.5, 3)`);
    const hosts = await cli(['hosts'], researcher.key);
    expect(hosts.out).toContain(hostId);
    expect(hosts.out).toMatch(/rhea-rig\s+rhea\s+yes\s+active\s+medium/);
    const board = await cli(['scoreboard']);
    expect(board.out).toMatch(/Volunteers\n#\s+NAME[\s\S]*1\s+rhea\s+-\s+1\s+12\.5\s+3\.0/);
    expect(board.out).toMatch(/Hosts\n#\s+HOST[\s\S]*rhea-rig/);
  });

  it('submits the standard job set once with init', async () => {
    const first = await cli(['init', '--quorum', '1']);
    expect(first.code, first.err).toBe(0);
    const jobs = standardJobSet();
    expect(first.out.match(/submitted/g)).toHaveLength(jobs.length);
    const [b] = await t.grid.db.rows<{ n: number; q: number }>(sql`
      SELECT count(DISTINCT b.id)::int AS n, max(w.min_quorum)::int AS q FROM batches b JOIN work_units w ON w.batch_id = b.id
       WHERE b.name = ANY(${`{${jobs.map((j) => `"${j.name}"`).join(',')}}`}::text[])`);
    expect(b).toEqual({ n: jobs.length, q: 1 });
    const again = await cli(['init']);
    expect(again.out.match(/already open/g)).toHaveLength(jobs.length);
  });

  it('exits 1 with the server\'s error for server errors, through the real binary', async () => {
    const other = await t.user('otis', 'researcher');
    const sub = await cli(['--json', 'submit', 'spec.json'], researcher.key);
    const { batchId } = JSON.parse(sub.out);
    const [notYours, badKey, ok, usage] = await Promise.all([
      runBin(['--coordinator', url, 'cancel', batchId], { NFL_GRID_API_KEY: other.key }),
      runBin(['--coordinator', url, '--api-key', 'ngk_wrong', 'batches']),
      runBin(['--coordinator', url, '--json', 'batches'], { NFL_GRID_API_KEY: researcher.key }),
      runBin(['--coordinator', url, 'cancel']),
    ]);
    expect(notYours).toMatchObject({ code: 1, stdout: '' });
    expect(notYours.stderr).toMatch(/batch not found\n {2}\(HTTP 404, not_found, field id\)/);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/unknown or revoked API key[\s\S]*bad_api_key[\s\S]*NFL_GRID_API_KEY/);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).batches.map((b: { id: string }) => b.id)).toContain(batchId);
    expect(usage.code).toBe(2);
  });

  it('a coordinator whose port is taken says so and exits 1; a bad session secret is named', async () => {
    const port = (server.address() as AddressInfo).port;
    // Each on the embedded database of its own folder, not the suite's server.
    const taken = await runBin(['coordinator', '--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'nfl-grid-cli-'))], { DATABASE_URL: '' });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use \\(another coordinator\\?\\); stop it or choose another port with --port P`));
    const badSecret = await runBin(['coordinator', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'nfl-grid-cli-'))], { NFL_GRID_SESSION_SECRET: 'short', DATABASE_URL: '' });
    expect(badSecret).toMatchObject({ code: 1, stderr: expect.stringMatching(/bad configuration: NFL_GRID_SESSION_SECRET: holds 3 bytes/) });
  }, 60_000);
});

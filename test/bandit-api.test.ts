import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../coordinator/src/cli/main';
import { openTestApp, type TestApp } from './support/grid-fixtures';
import { dbKinds } from './support/test-db';

/*
 * The bandit's REST API (in-process) and the `nfl-grid bandit` command against it over HTTP.
 */

describe.each(dbKinds())('bandit API and CLI (%s)', (kind) => {
  let t: TestApp;
  let researcher: { id: string; key: string };
  let server: ServerType;
  let url: string;
  let dir: string;

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
    researcher = await t.user('rita', 'researcher');
    dir = mkdtempSync(join(tmpdir(), 'nfl-grid-bandit-cli-'));
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the strategy in force with its catalogue, and no arms on a new grid', async () => {
    const r = await t.call('GET', '/api/v1/bandit', { key: researcher.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      strategy: { name: 'epsilon-greedy', params: { epsilon: 0.2, decay: 0 }, version: 1, previous: null },
      arms: [], bestArm: null, regret: { cumulative: 0 }, exploration: { share: 0, decisions: 0 },
      dispatch: { bucketSeconds: 3600, buckets: [] },
      guardrails: { limits: { maxErrorRate: 0.5, maxShare: 0.95, capShare: 0.05 }, lastTrip: null },
    });
    expect(r.body.strategies.map((s: { name: string }) => s.name)).toEqual(['epsilon-greedy', 'ucb1', 'thompson-beta', 'thompson-gaussian', 'exp3']);
    expect((await t.call('GET', '/api/v1/bandit', { key: null })).status).toBe(401);
  });

  it('swaps the strategy (admin only, checked params) and records who did it', async () => {
    expect((await t.call('PUT', '/api/v1/bandit/strategy', { key: researcher.key, body: { strategy: 'ucb1' } })).status).toBe(403);
    const bad = await t.call('PUT', '/api/v1/bandit/strategy', { body: { strategy: 'exp3', params: { gamma: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/params\.gamma/);
    expect((await t.call('PUT', '/api/v1/bandit/strategy', { body: { strategy: 'softmax' } })).status).toBe(400);
    const ok = await t.call('PUT', '/api/v1/bandit/strategy', { body: { strategy: 'exp3', params: { gamma: 0.1 } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ strategy: 'exp3', params: { gamma: 0.1, eta: null }, version: 2, previous: { strategy: 'epsilon-greedy' } });
    const [ev] = await t.grid.db.rows<{ actor: string; subject: string }>(sql`SELECT actor, subject FROM events WHERE kind = 'bandit.strategy' ORDER BY id DESC LIMIT 1`);
    const [root] = await t.grid.db.rows<{ id: string }>(sql`SELECT id FROM users WHERE name = 'root'`);
    expect(ev).toEqual({ actor: root!.id, subject: 'exp3' });
    const g = await t.call('PUT', '/api/v1/bandit/guardrails', { body: { maxErrorRate: 0.3 } });
    expect(g.status).toBe(200);
    expect(g.body.limits).toMatchObject({ maxErrorRate: 0.3, maxInvalidRate: 0.5 });
    expect((await t.call('PUT', '/api/v1/bandit/guardrails', { body: { nonsense: 1 } })).status).toBe(400);
  });

  it('caps and uncaps arms (admin only); unknown arms are 404, uncapping an uncapped arm 409', async () => {
    expect((await t.call('POST', '/api/v1/bandit/arms/mc.season@1/cap', { key: researcher.key, body: {} })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/bandit/arms/no.such@1/cap', { body: {} })).status).toBe(404);
    expect((await t.call('POST', '/api/v1/bandit/arms/not-an-arm/cap', { body: {} })).status).toBe(400);
    const cap = await t.call('POST', '/api/v1/bandit/arms/mc.season@1/cap', { body: { maxShare: 0.1, reason: 'looking into outputs' } });
    expect(cap.status).toBe(200);
    const view = (await t.call('GET', '/api/v1/bandit')).body;
    expect(view.arms).toEqual([expect.objectContaining({ arm: 'mc.season@1', pulls: 0, cap: expect.objectContaining({ maxShare: 0.1, reason: 'looking into outputs' }) })]);
    expect((await t.call('POST', '/api/v1/bandit/arms/mc.season@1/uncap')).status).toBe(200);
    const again = await t.call('POST', '/api/v1/bandit/arms/mc.season@1/uncap');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_capped');
  });

  it('lists every bandit route in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/bandit'].get.summary).toMatch(/strategy in force/);
    expect(doc.paths['/api/v1/bandit/strategy'].put).toBeDefined();
    expect(doc.paths['/api/v1/bandit/guardrails'].put).toBeDefined();
    expect(doc.paths['/api/v1/bandit/arms/{arm}/cap'].post).toBeDefined();
    expect(doc.paths['/api/v1/bandit/arms/{arm}/uncap'].post).toBeDefined();
    expect(doc.paths['/api/v1/bandit/rewards'].get).toBeDefined();
    expect(doc.paths['/api/v1/bandit/decisions'].get).toBeDefined();
  });

  it('nfl-grid bandit: show, strategy, cap, uncap, simulate (synthetic with --svg, and from recorded rewards)', async () => {
    const sw = await cli(['bandit', 'strategy', '--strategy', 'thompson-gaussian', '--params', '{"noiseVar":0.1}']);
    expect(sw.code, sw.err).toBe(0);
    expect(sw.out).toMatch(/^Strategy now thompson-gaussian .*"noiseVar":0\.1/);
    expect((await cli(['bandit', 'strategy', '--strategy', 'ucb1'], researcher.key)).code).toBe(1);
    expect((await cli(['bandit', 'strategy', '--strategy', 'nope'])).code).toBe(2);
    expect((await cli(['bandit', 'cap', '--arm', 'bench.hash@1', '--max-share', '0.2'])).out).toBe('Capped bench.hash@1 at 20.0% of dispatch.');
    const show = await cli(['bandit', 'show']);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/^Strategy: thompson-gaussian/);
    expect(show.out).toMatch(/bench\.hash@1 .* 20\.0% \(capped by an admin\)/);
    expect((await cli(['bandit', 'uncap', '--arm', 'bench.hash@1'])).out).toBe('Uncapped bench.hash@1.');
    expect((await cli(['bandit', 'dance'])).code).toBe(2);

    const sim = await cli(['bandit', 'simulate', '--pulls', '500', '--seed', '3', '--runs', '2', '--svg', 'regret.svg'], null);
    expect(sim.code, sim.err).toBe(0);
    expect(sim.out).toMatch(/^pulls +eps-greedy 0\.2 .* exp3$/m);
    expect(sim.out).toMatch(/^500 /m);
    expect(existsSync(join(dir, 'regret.svg'))).toBe(true);
    expect(readFileSync(join(dir, 'regret.svg'), 'utf8')).toMatch(/^<svg/);

    // Recorded rewards: too few arms is an error; with two arms it runs on them.
    expect((await cli(['bandit', 'simulate', '--from-recorded'])).err).toMatch(/recorded rewards for 0 arm/);
    for (const [i, arm, reward] of [[1, 'bench.hash@1', 0.2], [2, 'bench.hash@1', 0.3], [3, 'mc.season@1', 0.9], [4, 'mc.season@1', 0.7]] as const) {
      await t.grid.db.rows(sql`INSERT INTO bandit_rewards (wu_id, arm, decision_id, propensity, reward, outcome) VALUES (${i}, ${arm}, 1, 0.5, ${reward}, 'validated')`);
    }
    const rec = await cli(['bandit', 'simulate', '--from-recorded', '--pulls', '300', '--runs', '1', '--json']);
    expect(rec.code, rec.err).toBe(0);
    const result = JSON.parse(rec.out);
    expect(result.arms).toEqual(['bench.hash@1', 'mc.season@1']);
    expect(result.means[1]).toBeCloseTo(0.8, 12);
    expect(result.bestArm).toBe(1);
  });
});

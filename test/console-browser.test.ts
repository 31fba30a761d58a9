import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../coordinator/src/coordinator';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * The admin console in a real browser (Debian's chromium driven by playwright-core) against an
 * in-process coordinator and real nfl-agent processes: sign in, live batch progress, cancel and
 * re-prioritise, a host's intensity obeyed by its agent, a cheating agent caught, a researcher
 * kept out, and a coordinator restart. One grid and one browser for the file, to keep it quick;
 * it runs on PostgreSQL when DATABASE_URL is set (the API tests cover both databases).
 *
 * NFL_GRID_SCREENSHOTS=1 also writes the screenshots in docs/screenshots/.
 */

const CHROMIUM = process.env.NFL_GRID_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.NFL_GRID_SCREENSHOTS ? join(import.meta.dirname, '..', 'docs', 'screenshots') : null;
const kind = dbKinds().at(-1)!;
// CI (.ci/run installs Debian's chromium) always runs these; elsewhere a machine without the
// browser skips them and says how to run them.
const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserMissing) console.warn(`console browser tests skipped: no ${CHROMIUM} (apt-get install chromium, or set NFL_GRID_CHROMIUM)`);

let grid: TestGrid;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let restarted: RunningCoordinator | null = null;
const pageErrors: string[] = [];
let agentA: Awaited<ReturnType<TestGrid['volunteerAgent']>>;
let agentB: Awaited<ReturnType<TestGrid['volunteerAgent']>>;

async function signIn(p: Page, key: string): Promise<void> {
  await p.goto(grid.url + '/');
  await p.getByLabel('API key').fill(key);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

async function openView(hash: string, title: string | RegExp): Promise<void> {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await expect.poll(() => page.locator('#view-title').textContent(), { timeout: 10_000 }).toMatch(title);
}

async function shot(name: string, p: Page = page): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await p.waitForTimeout(600);
  await p.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(browserMissing)(`the admin console in a browser (${kind})`, () => {
  beforeAll(async () => {
    [grid, browser] = await Promise.all([
      startTestGrid(kind),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS }),
    ]);
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    [agentA, agentB] = await Promise.all([grid.volunteerAgent('vol-a', { intensity: 'medium' }), grid.volunteerAgent('vol-b', { intensity: 'medium' })]);
  }, 120_000);

  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await restarted?.stop();
    await grid?.stop();
  });

  it('signs in with an admin key (a wrong one is refused) and goes live', async () => {
    await page.goto(grid.url + '/');
    await expect.poll(() => page.locator('#public-status').textContent()).toContain('Hosts online');
    await page.getByLabel('API key').fill('ngk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#login-error').textContent()).toContain('unknown or revoked');
    await signIn(page, grid.c.adminKey!);
    await expect.poll(() => page.locator('#view-title').textContent()).toBe('Overview');
    await expect.poll(() => page.locator('.live-state').textContent()).toBe('Live');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'nflgrid_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The key is not kept anywhere the page's scripts can read.
    expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie)).not.toContain('ngk_');
    await expect.poll(() => page.locator('.kpi', { hasText: 'hosts online' }).locator('.kpi-value').textContent()).toBe('2 / 2');
  });

  it('can be driven from the keyboard: skip link, navigation, focus moved to the new view', async () => {
    await page.reload();
    await expect.poll(() => page.locator('.live-state').textContent()).toBe('Live');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '');
    }
    expect(order).toEqual(['Sign out', 'Overview', 'Hosts']);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#view-title').textContent()).toBe('Hosts');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-title');
    // Every form control has a label.
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
      .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
    expect(unlabelled).toEqual([]);
  });

  it('shows a batch progressing live while the agents work it', async () => {
    const submit = await grid.admin.post('/api/v1/batches', {
      name: 'season odds live', kernel: 'mc.season', seed: 5, params: { nSims: 2000, simsPerStep: 100 },
      grid: { season: [2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022] }, policy: { minQuorum: 2, adaptive: false },
    });
    expect(submit.status).toBe(201);
    const id = submit.body.batchId as string;
    await openView(`#/batches/${id}`, 'Batch: season odds live');
    await page.evaluate(() => { (window as unknown as { __sameDocument: boolean }).__sameDocument = true; });
    const seen = new Set<string>();
    await eventually(async () => {
      seen.add((await page.locator('[data-testid=batch-progress] .bar-text').textContent()) ?? '');
      return (await page.locator('.batch-name .badge').textContent()) === 'done';
    }, 90_000, 'the page to show the batch done');
    await expect.poll(() => page.locator('[data-testid=batch-progress] .bar-text').textContent()).toBe('100%');
    const percents = [...seen].map((s) => Number.parseFloat(s));
    expect(percents.some((p) => p > 0 && p < 100), `intermediate progress in ${[...seen].join(', ')}`).toBe(true);
    // Updated by the live stream, not by reloading the page.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect.poll(() => page.locator('.panel', { hasText: 'Work units' }).locator('tbody .badge', { hasText: 'done' }).count()).toBe(10);
    // Drill down: a work unit's two agreeing replicas.
    await page.getByRole('button', { name: 'Replicas' }).first().click();
    await expect.poll(() => page.locator('table.nested .badge', { hasText: 'valid' }).count()).toBe(2);
  });

  it("changes a host's intensity; the agent obeys, in its log and in the page", async () => {
    const submit = await grid.admin.post('/api/v1/batches', {
      name: 'long seasons', kernel: 'mc.season', seed: 9, params: { nSims: 40000, simsPerStep: 200 },
      grid: { season: Array.from({ length: 16 }, (_, i) => 2000 + i) }, policy: { minQuorum: 2, adaptive: false },
    });
    expect(submit.status).toBe(201);
    await openView('#/hosts', 'Hosts');
    const row = page.locator('tr[data-host="vol-a"]');
    // Its current work, with a percent, shows up live.
    await expect.poll(() => row.locator('td[data-label="Current work"] progress').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await row.getByLabel('Intensity of vol-a').selectOption('low');
    await row.getByRole('button', { name: 'Apply' }).click();
    await agentA.waitFor(/config intensity=low/, 20_000);
    await expect.poll(() => row.locator('[data-testid=agent-confirmed]').textContent(), { timeout: 20_000 }).toContain('agent runs at low');
    expect(await row.getByLabel('Intensity of vol-a').inputValue()).toBe('low');
    const [ev] = await grid.testDb.db.rows<{ actor: string; data: any }>(sql`SELECT actor, data FROM events WHERE kind = 'host.updated' AND subject = ${agentA.hostId}`);
    expect(ev!.data.to).toEqual({ intensity: 'low' });
    const me = await grid.admin.get('/api/v1/me');
    expect(ev!.actor).toBe(me.body.user.id);
    if (SHOTS) {
      await shot('hosts');
      await openView('#/overview', 'Overview');
      await shot('overview');
      await openView('#/batches', 'Batches and work units');
      await shot('batches');
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      const p2 = await phone.newPage();
      await signIn(p2, grid.c.adminKey!);
      await expect.poll(() => p2.locator('.live-state').textContent()).toBe('Live');
      await shot('phone-overview', p2);
      await p2.evaluate(() => { location.hash = '#/hosts'; });
      await expect.poll(() => p2.locator('#view-title').textContent()).toBe('Hosts');
      await shot('phone-hosts', p2);
      await phone.close();
    }
  });

  it('re-prioritises and cancels a batch; the agents are told to stop', async () => {
    const list = await grid.admin.get('/api/v1/batches?state=open');
    const id = list.body.batches.find((b: { name: string }) => b.name === 'long seasons').id as string;
    await openView(`#/batches/${id}`, 'Batch: long seasons');
    await page.getByLabel('Priority').fill('7');
    await page.getByRole('button', { name: 'Set priority' }).click();
    await expect.poll(() => page.locator('.toast').last().textContent()).toContain('Priority set to 7');
    const [p] = await grid.testDb.db.rows<{ b: number; w: number }>(sql`
      SELECT (SELECT priority FROM batches WHERE id = ${id}) AS b,
             (SELECT min(priority) FROM work_units WHERE batch_id = ${id} AND state IN ('pending', 'running', 'validating')) AS w`);
    expect(p).toEqual({ b: 7, w: 7 });

    await page.getByRole('button', { name: 'Cancel batch' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Cancel long seasons?');
    // the buttons say what they do: no "Cancel" beside "Cancel batch"
    expect(await dialog.locator('button').allTextContents()).toEqual(['Keep batch', 'Cancel batch']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep batch'); // the safe choice has focus
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await grid.admin.get(`/api/v1/batches/${id}`)).body.state).toBe('open');
    if (SHOTS) {
      await page.getByRole('button', { name: 'Replicas' }).first().click();
      await expect.poll(() => page.locator('table.nested').count()).toBe(1);
      await shot('batch');
    }
    await page.getByRole('button', { name: 'Cancel batch' }).click();
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    await expect.poll(() => page.locator('.batch-name .badge').textContent(), { timeout: 15_000 }).toBe('cancelled');
    const cancelled = (await grid.admin.get(`/api/v1/batches/${id}`)).body;
    expect(cancelled.state).toBe('cancelled');
    // the bar shows the share done before the cancel, in the cancelled colour, not a green 100%
    const share = (100 * cancelled.counts.done) / cancelled.wuCount;
    expect(share).toBeLessThan(100);
    // the bar shows one decimal under 10% ("6.3% done"), whole percents above
    const done = share > 0 && share < 10 ? share.toFixed(1) : String(Math.round(share));
    const head = page.locator('[data-testid=batch-progress] .bar-wrap');
    await expect.poll(() => head.locator('.bar-text').textContent()).toBe(`${done}% done`);
    expect(await head.getAttribute('class')).toContain('cancelled');
    expect(Number(await head.locator('progress').getAttribute('value'))).toBeLessThan(100);
    await openView('#/batches?state=all', 'Batches and work units');
    const listed = page.locator(`tr[data-key="${id}"] .bar-wrap`);
    await expect.poll(() => listed.locator('.bar-text').textContent()).toBe(`${done}% done`);
    expect(await listed.getAttribute('class')).toContain('cancelled');
    await Promise.race([agentA.waitFor(/cancelled: batch cancelled/, 20_000), agentB.waitFor(/cancelled: batch cancelled/, 20_000)]);
    const events = await grid.testDb.db.rows<{ kind: string; actor: string }>(sql`SELECT kind, actor FROM events WHERE subject = ${id} AND kind IN ('batch.reprioritised', 'batch.cancelled') ORDER BY id`);
    expect(events.map((e) => e.kind)).toEqual(['batch.reprioritised', 'batch.cancelled']);
  });

  it('shows the invalid results of a cheating agent as they are found', async () => {
    await openView('#/validation', 'Validation');
    expect(await page.locator('tr[data-host="mallory"]').count()).toBe(0);
    const cheater = await grid.volunteerAgent('mallory', { intensity: 'medium', env: { NFL_AGENT_FAULT: 'wrong-output' } });
    const submit = await grid.admin.post('/api/v1/batches', {
      name: 'cheat check', kernel: 'mc.season', seed: 7, params: { nSims: 200, simsPerStep: 50 },
      grid: { season: [2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011] }, policy: { minQuorum: 2, adaptive: false },
    });
    expect(submit.status).toBe(201);
    await cheater.waitFor(/work packet verified/, 60_000);
    const bad = page.locator('tr[data-host="mallory"][data-validate="invalid"]');
    await expect.poll(() => bad.count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.panel', { hasText: 'Hosts by error rate' }).locator('tr', { hasText: 'mallory' }).count()).toBe(1);
    // the error rate says what it counts
    expect(await page.locator('[data-testid=error-rate-help]').textContent()).toContain('invalid results, errors and missed deadlines');
    await shot('validation');
  }, 180_000); // the cheater's agent starts and works on a machine that may be loaded

  it('charts the grid over time: throughput, heat, hosts online by intensity, credit per day, a host, events in words', async () => {
    // The agents' progress reports were sampled into the host history while they worked.
    const [samples] = await grid.testDb.db.rows<{ n: number; hosts: number }>(sql`SELECT count(*)::int AS n, count(DISTINCT host_id)::int AS hosts FROM host_samples`);
    expect(samples!.hosts).toBeGreaterThanOrEqual(2);
    const hist = (await grid.admin.get('/api/v1/console/history?hours=1')).body;
    const sum = (xs: (number | null)[]) => xs.reduce<number>((s, x) => s + (x ?? 0), 0);
    const [truth] = await grid.testDb.db.rows<{ done: number; credit: number }>(sql`
      SELECT (SELECT count(*)::int FROM work_units WHERE state = 'done' AND finished_at > now() - interval '1 hour') AS done,
             (SELECT sum(granted)::float8 FROM credit_ledger) AS credit`);
    // Every bucket but the oldest lies wholly inside the window, so the sums can only exceed the hour's count by the oldest bucket.
    expect(sum(hist.wusDone)).toBeGreaterThanOrEqual(truth!.done);
    expect(sum(hist.wusDone)).toBeGreaterThan(0);
    expect(sum(hist.replicasReported)).toBeGreaterThan(0);
    expect(sum(hist.online.medium) + sum(hist.online.low)).toBeGreaterThan(0);
    expect(sum(hist.credit.granted)).toBeCloseTo(truth!.credit, 6);
    expect((await grid.admin.get('/api/v1/console/history?hours=0')).status).toBe(400);
    expect((await grid.admin.get('/api/v1/console/history?hours=1&x=1')).status).toBe(400);

    await openView('#/trends?hours=1', 'Trends');
    for (const title of ['Throughput: work units done and replicas reported', 'Achieved heat: mean CPU load of reporting hosts', 'Hosts online by intensity', 'Credit granted per day (last 30 days)']) {
      const fig = page.locator('figure.chart', { hasText: title });
      await expect.poll(() => fig.locator('canvas').count(), { timeout: 20_000 }).toBe(1);
      expect(Number(await fig.locator('canvas').getAttribute('width'))).toBeGreaterThan(200);
    }
    // uPlot's legend lists the series; the stacked chart one per intensity.
    expect(await page.locator('figure.chart', { hasText: 'Hosts online by intensity' }).locator('.u-legend .u-label').allTextContents()).toEqual(expect.arrayContaining(['low', 'medium', 'high', 'inferno']));
    await page.getByLabel('Host', { exact: true }).selectOption({ label: 'vol-a' });
    await expect.poll(() => page.locator('figure.chart', { hasText: 'vol-a: CPU load and temperatures' }).locator('canvas').count(), { timeout: 20_000 }).toBe(1);
    // Events read as sentences: "Batch 389e2367 was cancelled (13 WUs cancelled) by admin".
    const lines = await page.locator('.panel', { hasText: 'Recent events' }).locator('ol.events li').allTextContents();
    expect(lines.some((l) => /Batch \S+ was cancelled \(\d+ WUs cancelled\) by admin/.test(l)), lines.join('\n')).toBe(true);
    expect(lines.some((l) => /Batch cheat check was submitted \(8 WUs, /.test(l)), lines.join('\n')).toBe(true);
    await shot('trends');
  });

  it("shows a researcher their own batches read-only, and not another's", async () => {
    const alice = await grid.createUser('alice', 'researcher');
    const mine = await alice.api.post('/api/v1/batches', { name: 'alice hashes', kernel: 'bench.hash', params: { rounds: 100, steps: 2 }, policy: { minQuorum: 1 } });
    expect(mine.status).toBe(201);
    const theirs = (await grid.admin.get('/api/v1/batches?limit=200')).body.batches.find((b: { name: string }) => b.name === 'season odds live').id as string;
    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      const p2 = await ctx2.newPage();
      p2.on('pageerror', (e) => pageErrors.push(e.message));
      await signIn(p2, alice.key);
      await expect.poll(() => p2.locator('#view-title').textContent(), { timeout: 20_000 }).toBe('My batches');
      expect(await p2.locator('nav#nav a').allTextContents()).toEqual(['My batches', 'My hosts', 'My credit']);
      await expect.poll(() => p2.locator('tbody a', { hasText: 'alice hashes' }).count(), { timeout: 20_000 }).toBe(1);
      expect(await p2.locator('tbody a', { hasText: 'season odds live' }).count()).toBe(0);
      await p2.locator('tbody a', { hasText: 'alice hashes' }).click();
      await expect.poll(() => p2.locator('#view-title').textContent(), { timeout: 20_000 }).toBe('Batch: alice hashes');
      await expect.poll(() => p2.locator('[data-testid=batch-progress] .bar-text').count(), { timeout: 20_000 }).toBe(1);
      expect(await p2.getByRole('link', { name: 'Download results (CSV)' }).getAttribute('href')).toBe(`/api/v1/batches/${mine.body.batchId}/results?format=csv`);
      // No admin action anywhere: no cancel, no priority, no host controls.
      expect(await p2.getByRole('button', { name: 'Cancel batch' }).count()).toBe(0);
      expect(await p2.getByRole('button', { name: 'Set priority' }).count()).toBe(0);
      if (SHOTS) await shot('researcher-batch', p2);
      // Another's batch by its id: not found, as in the API.
      await p2.evaluate((id) => { location.hash = `#/batches/${id}`; }, theirs);
      await expect.poll(() => p2.locator('main').textContent(), { timeout: 20_000 }).toContain('No such batch.');
      const tries = await p2.evaluate(async (hostId) => {
        const call = async (method: string, path: string, body?: unknown) => {
          const r = await fetch(path, { method, headers: { 'x-nfl-grid-csrf': '1', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
          return [r.status, await r.json()] as const;
        };
        return {
          admin: [
            (await call('POST', '/api/v1/users', { name: 'mallory2', role: 'admin' }))[0],
            (await call('PATCH', `/api/v1/hosts/${hostId}`, { status: 'banned' }))[0],
            (await call('GET', '/api/v1/events'))[0],
            (await call('GET', '/api/v1/console/snapshot'))[0],
            (await call('GET', '/api/v1/console/history'))[0],
            (await call('GET', `/api/v1/console/hosts/${hostId}/history`))[0],
          ],
          hosts: (await call('GET', '/api/v1/console/hosts'))[1],
        };
      }, agentA.hostId);
      expect(tries.admin).toEqual([403, 404, 403, 403, 403, 404]); // another volunteer's host is not even visible
      expect(tries.hosts).toEqual({ hosts: [] });
      const [h] = await grid.testDb.db.rows<{ status: string }>(sql`SELECT status FROM hosts WHERE id = ${agentA.hostId}`);
      expect(h!.status).toBe('active');
    } finally {
      await ctx2.close();
    }
  });

  it('shows a volunteer their own hosts and credit, read-only', async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      const p2 = await ctx2.newPage();
      p2.on('pageerror', (e) => pageErrors.push(e.message));
      await signIn(p2, agentA.userKey);
      await expect.poll(() => p2.locator('#view-title').textContent(), { timeout: 20_000 }).toBe('My hosts');
      expect(await p2.locator('nav#nav a').allTextContents()).toEqual(['My hosts', 'My credit', 'My batches']);
      await expect.poll(() => p2.locator('tr[data-host="vol-a"]').count(), { timeout: 20_000 }).toBe(1);
      expect(await p2.locator('tr[data-host="vol-b"]').count()).toBe(0);
      const row = p2.locator('tr[data-host="vol-a"]');
      expect(await row.locator('select, button').count()).toBe(0); // no intensity, pause or ban controls
      if (SHOTS) await shot('volunteer-hosts', p2);
      const [credit] = await grid.testDb.db.rows<{ total: number }>(sql`SELECT total_credit AS total FROM user_credit WHERE user_id = ${agentA.userId}`);
      expect(credit!.total).toBeGreaterThan(0);
      await p2.evaluate(() => { location.hash = '#/credit'; });
      await expect.poll(() => p2.locator('#view-title').textContent(), { timeout: 20_000 }).toBe('My credit');
      await expect.poll(async () => Number(((await p2.locator('[data-testid=my-credit] .kpi-value').textContent()) ?? '').replace(/,/g, '')), { timeout: 20_000 }).toBeCloseTo(credit!.total, 2);
      await expect.poll(() => p2.locator('figure.chart', { hasText: 'Credit granted per day' }).locator('canvas').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => p2.locator('figure.chart', { hasText: 'vol-a: CPU load and temperatures' }).locator('canvas').count(), { timeout: 20_000 }).toBe(1);
      expect(await p2.locator('figure.chart', { hasText: 'vol-b' }).count()).toBe(0);
      if (SHOTS) await shot('volunteer-credit', p2);
    } finally {
      await ctx2.close();
    }
  });

  it('stays right across a coordinator restart: reconnects, refetches, keeps the session', async () => {
    await openView('#/batches', 'Batches and work units');
    const port = Number(new URL(grid.url).port);
    const dataDir = grid.c.grid.config.dataDir;
    await grid.c.stop();
    await expect.poll(() => page.locator('.live-state').textContent(), { timeout: 15_000 }).toMatch(/Reconnecting/);
    restarted = await startCoordinator({ port, dataDir }, { db: grid.testDb.db });
    await expect.poll(() => page.locator('.live-state').textContent(), { timeout: 30_000 }).toBe('Live');
    // The new process's events reach the page, and the list came back from it.
    const b = await grid.admin.post('/api/v1/batches', { name: 'after restart', kernel: 'bench.hash', params: { rounds: 100, steps: 2 }, policy: { minQuorum: 1 } });
    expect(b.status).toBe(201);
    await expect.poll(() => page.locator('tbody a', { hasText: 'after restart' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('#login-error').count()).toBe(0); // still signed in
  });

  it('shows the bandit (switching its strategy) and the scoreboard, or says plainly that they are missing', async () => {
    const bandit = await grid.admin.get('/api/v1/bandit');
    await openView('#/bandit', 'Bandit scheduler');
    if (bandit.status === 200) {
      await expect.poll(() => page.locator('[data-testid=strategy]').textContent()).toBe(bandit.body.strategy.name);
      const other = (bandit.body.strategies as { name: string }[]).find((x) => x.name !== bandit.body.strategy.name)!.name;
      await page.getByLabel('Switch to').selectOption(other);
      await page.getByRole('button', { name: 'Put in force' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Switch strategy' }).click();
      await expect.poll(() => page.locator('[data-testid=strategy]').textContent()).toBe(other);
      expect((await grid.admin.get('/api/v1/bandit')).body.strategy.name).toBe(other);
    } else {
      await expect.poll(() => page.locator('.notice').first().textContent()).toContain('not available on this coordinator');
    }
    const tracker = await grid.admin.get('/api/performance/model-types');
    await openView('#/scoreboard', 'Scoreboard');
    if (tracker.status === 200) await expect.poll(() => page.locator('h2', { hasText: 'Task value matrix' }).count()).toBe(1);
    else await expect.poll(() => page.locator('.notice').first().textContent()).toContain('not available on this coordinator');
  });

  /** The task value matrix: each batch name on one line, the caption whole, at desktop and phone widths. */
  async function matrixLaidOut(): Promise<void> {
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(() => page.locator('table.matrix tbody th').count()).toBeGreaterThan(1);
      const layout = await page.evaluate(() => {
        const lineHeight = (el: Element) => Number.parseFloat(getComputedStyle(el).lineHeight) || 20;
        const names = Array.from(document.querySelectorAll('table.matrix tbody th a')).map((a) => a.getClientRects().length);
        const cap = document.getElementById('matrix-caption')!;
        const box = cap.getBoundingClientRect();
        const panel = cap.closest('.panel')!.getBoundingClientRect();
        return { names, capCut: cap.scrollWidth > cap.clientWidth + 1 || box.right > panel.right + 1, capLines: Math.round(box.height / lineHeight(cap)) };
      });
      expect(layout.names.every((lines) => lines === 1), `lines per batch name at ${width}px: ${layout.names}`).toBe(true);
      expect(layout.capCut, `caption cut at ${width}px`).toBe(false);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  }

  it.runIf(SHOTS)('takes the remaining screenshots (with models for the scoreboard)', async () => {
    await grid.testDb.db.rows(sql`UPDATE users SET team = CASE name WHEN 'vol-a' THEN 'Lambeau Labs' ELSE 'Soldier Field Stats' END WHERE role = 'volunteer'`);
    // Results of a tracked kernel give the performance tracker models, trends and milestones.
    const sweep = await grid.admin.post('/api/v1/batches', {
      name: 'Kelly fraction sweep', kernel: 'mc.bankroll', seed: 11,
      params: { seasonFrom: 2015, seasonTo: 2020, strategy: 'kelly', nScenarios: 400, scenariosPerStep: 100 },
      grid: { fraction: [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75], skill: [1, 2] }, policy: { minQuorum: 1 },
    });
    expect(sweep.status).toBe(201);
    await eventually(async () => (await grid.admin.get(`/api/v1/batches/${sweep.body.batchId}`)).body.state === 'done', 240_000, 'the sweep');
    // Pending work for the task value matrix: pause the hosts, then queue more.
    for (const h of (await grid.admin.get('/api/v1/hosts')).body.hosts) await grid.admin.patch(`/api/v1/hosts/${h.id}`, { status: 'paused' });
    await grid.admin.post('/api/v1/batches', {
      name: 'Kelly follow-up (skill 1.5)', kernel: 'mc.bankroll', seed: 12,
      params: { seasonFrom: 2015, seasonTo: 2020, strategy: 'kelly', nScenarios: 400, scenariosPerStep: 100, skill: 1.5 },
      grid: { fraction: [0.1, 0.2, 0.3] }, policy: { minQuorum: 1 },
    });
    await grid.admin.post('/api/v1/batches', {
      name: 'Skill 2 wider fractions', kernel: 'mc.bankroll', seed: 13,
      params: { seasonFrom: 2015, seasonTo: 2020, strategy: 'kelly', nScenarios: 400, scenariosPerStep: 100, skill: 2 },
      grid: { fraction: [0.35, 0.45, 0.55, 0.65] }, policy: { minQuorum: 1 },
    });
    for (const [hash, title, name] of [
      ['#/scoreboard', 'Scoreboard', 'scoreboard'], ['#/bandit', 'Bandit scheduler', 'bandit'], ['#/volunteers', 'Volunteers and credit', 'volunteers'],
      ['#/users', 'Users and API keys', 'users'], ['#/audit', 'Audit log', 'audit'],
    ] as const) {
      await openView(hash, title);
      await page.waitForTimeout(1500);
      if (name === 'users') {
        await page.locator('tr[data-key]', { hasText: 'admin' }).first().getByRole('button', { name: 'Keys' }).click();
        await expect.poll(() => page.locator('table.nested').count()).toBe(1);
      }
      await shot(name);
      if (name === 'scoreboard') await matrixLaidOut();
    }
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 760 } });
    const p = await ctx.newPage();
    await p.goto(grid.url + '/');
    await shot('sign-in', p);
    await ctx.close();
  }, 300_000);
});

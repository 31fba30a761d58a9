import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { coverModelBody, normalArtifact } from './support/models';
import { dbKinds } from './support/test-db';

/*
 * The console's model registry in a real browser against a fresh coordinator, which seeds the
 * shipped cover model as production v1: the list, one model's detail, a promotion the paired test
 * refuses, the same one forced with an override reason, and a rollback to v1.
 */

const CHROMIUM = process.env.NFL_GRID_CHROMIUM ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const kind = dbKinds().at(-1)!;
const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserMissing) console.warn(`console models browser tests skipped: no ${CHROMIUM} (apt-get install chromium, or set NFL_GRID_CHROMIUM)`);

let grid: TestGrid;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function openView(hash: string, title: string): Promise<void> {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await expect.poll(() => page.locator('#view-title').textContent(), { timeout: 10_000 }).toBe(title);
}

describe.skipIf(browserMissing)(`the console's models view (${kind})`, () => {
  let shipped: { id: string; version: number };
  let candidate: { id: string; version: number };

  beforeAll(async () => {
    [grid, browser] = await Promise.all([
      startTestGrid(kind),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS }),
    ]);
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await grid?.stop();
  });

  it('lists the shipped model and opens it with its metrics per season and lineage', async () => {
    const list = await grid.admin.get('/api/v1/models?name=cover&state=production');
    expect(list.status).toBe(200);
    shipped = list.body.models[0];
    expect(shipped).toMatchObject({ version: 1, kernel: 'train.mlp@1' });
    await page.goto(grid.url + '/');
    await page.getByLabel('Admin API key').fill(grid.c.adminKey!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#view-title').textContent()).toBe('Overview');

    await page.getByRole('link', { name: 'Models' }).click();
    await expect.poll(() => page.locator('#view-title').textContent()).toBe('Models');
    const row = page.locator('tr[data-model="cover-v1"]');
    await expect.poll(() => row.locator('.badge').textContent()).toBe('production');
    expect(await row.locator('td[data-label="Log loss"]').textContent()).toBe('0.4702');
    expect(await row.locator('td[data-label="Brier"]').textContent()).toBe('0.1586');
    expect(await row.locator('td[data-label="Calibration error"]').textContent()).toBe('0.0180');

    await row.getByRole('link', { name: 'cover' }).click();
    const detail = page.locator('[data-testid=model-detail]');
    await expect.poll(() => detail.count()).toBe(1);
    expect(await page.evaluate(() => location.hash)).toBe(`#/models/${shipped.id}`);
    const season = detail.locator('.panel', { hasText: 'Metrics per season' }).locator('tbody tr');
    expect(await season.count()).toBe(1);
    expect(await season.locator('td[data-label="Season"]').textContent()).toContain('2019');
    expect(await season.locator('td[data-label="Log loss"]').textContent()).toBe('0.4702');
    expect(await season.locator('td[data-label="Plays"]').textContent()).toBe('44,367');
    expect(await detail.locator('[data-testid=wu-ids]').textContent()).toBe('1');
    expect(await detail.locator('.panel', { hasText: 'Lineage' }).textContent()).toContain('gamestate.plays_2019');
    await expect.poll(() => detail.getByRole('button', { name: 'Roll back cover v1…' }).count()).toBe(1);
    expect(await detail.getByRole('button', { name: /^Promote/ }).count()).toBe(0);
  });

  it('promotes a registered candidate: shows the decision and its numbers; an override makes it production', async () => {
    // σ = 30 is a poor cover model: the paired test against v1 should not ship it.
    const reg = await grid.admin.post('/api/v1/models', coverModelBody(normalArtifact(30)));
    expect(reg.status).toBe(201);
    candidate = reg.body;
    await openView(`#/models/${candidate.id}`, 'Models');
    const detail = page.locator('[data-testid=model-detail]');
    await expect.poll(() => detail.locator('.badge').first().textContent()).toBe('candidate');

    await detail.getByRole('button', { name: `Promote cover v${candidate.version}…` }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.locator('h2').textContent()).toBe(`Promote cover v${candidate.version}?`);
    await dialog.getByRole('button', { name: `Test and promote cover v${candidate.version}` }).click();
    const result = page.locator('[data-testid=promote-result]');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain('was not promoted');
    const stored = (await grid.admin.get(`/api/v1/models/${candidate.id}`)).body;
    expect(stored.state).toBe('candidate');
    expect(stored.decision.decision).not.toBe('ship');
    const shown = page.locator('.panel', { hasText: 'Promotion result' }).locator('[data-testid=decision]');
    expect(await shown.locator('.badge').textContent()).toBe(stored.decision.decision);
    expect(await shown.locator('[data-testid=p-value]').textContent()).not.toBe('–');
    expect(await shown.textContent()).toContain(`cover v1`);

    await detail.getByRole('button', { name: `Promote cover v${candidate.version}…` }).click();
    await dialog.getByLabel('Override reason (optional)').fill('kept for a comparison');
    await dialog.getByRole('button', { name: `Promote cover v${candidate.version} with override` }).click();
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain('is now production');
    await expect.poll(() => page.locator(`tr[data-model="cover-v${candidate.version}"] .badge`).textContent()).toBe('production');
    expect(await page.locator('tr[data-model="cover-v1"] .badge').textContent()).toBe('archived');
    expect(await page.locator('.panel', { hasText: 'Promotion result' }).textContent()).toContain('Overridden by');
  }, 120_000);

  it('rolls the production version back to the one it replaced', async () => {
    const detail = page.locator('[data-testid=model-detail]');
    await detail.getByRole('button', { name: `Roll back cover v${candidate.version}…` }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('cover v1, the version it replaced, is production again');
    await dialog.getByRole('button', { name: `Roll back cover v${candidate.version}` }).click();
    await expect.poll(() => page.locator('tr[data-model="cover-v1"] .badge').textContent()).toBe('production');
    expect(await page.locator(`tr[data-model="cover-v${candidate.version}"] .badge`).textContent()).toBe('archived');
    expect((await grid.admin.get(`/api/v1/models/${shipped.id}`)).body.state).toBe('production');
  });
});

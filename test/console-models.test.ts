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
    await page.getByLabel('API key').fill(grid.c.adminKey!);
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

  it("plots the shipped model's calibration beside the baseline, and its Δ log loss per season", async () => {
    const cal = await grid.admin.get(`/api/v1/models/${shipped.id}/calibration`);
    expect(cal.status).toBe(200);
    const detail = page.locator('[data-testid=model-detail]');
    const chart = detail.locator('[data-testid=calibration-chart]');
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 60_000 }).toBe(1);
    expect(await chart.locator('figcaption').textContent()).toBe('Reliability of cover v1 and the analytic baseline');
    const legend = await chart.locator('.u-legend').textContent();
    for (const series of ['calibrated', 'model', 'baseline', 'plays (model)']) expect(legend).toContain(series);
    // the plot is drawn: the canvas has pixels of the model's colour
    const drawn = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let blue = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! < 80 && d[i + 1]! > 80 && d[i + 1]! < 140 && d[i + 2]! > 200) blue++;
      return { width: c.width, blue };
    });
    expect(drawn.width).toBeGreaterThan(300);
    expect(drawn.blue).toBeGreaterThan(50);
    // the figures are the recorded ones, and the bins add up to the held-out plays
    expect(await detail.locator('[data-testid=calibration-error]').textContent()).toBe('0.0180');
    const pooled = cal.body.pooled;
    expect(await detail.locator('[data-testid=pooled-delta]').textContent())
      .toBe(`+${pooled.delta.meanImprovement.toFixed(4)} ± ${pooled.delta.standardError.toFixed(4)} · no difference`);
    await detail.locator('summary', { hasText: 'Bins' }).click();
    const bins = detail.locator('tr[data-key^="bin-"]');
    expect(await bins.count()).toBe(20);
    const plays = await bins.locator('td[data-label="Plays (model)"]').allTextContents();
    expect(plays.reduce((a, t) => a + Number(t.replace(/,/g, '')), 0)).toBe(44_367);
    // the season table compares with the baseline on the same plays
    const season = detail.locator('.panel', { hasText: 'Metrics per season' }).locator('tbody tr');
    expect(await season.locator('td[data-label="Baseline log loss"]').textContent()).toBe(cal.body.perSeason[0].baseline.logLoss.toFixed(4));
    expect(await season.locator('[data-testid=delta-2019]').textContent()).toContain('±');
  }, 90_000);

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

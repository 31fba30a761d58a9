import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { existsSync } from 'node:fs';

/*
 * The API reference page in a real browser: it renders the coordinator's OpenAPI document from
 * the coordinator alone. Every request the page makes is recorded; none may leave 127.0.0.1.
 */

const CHROMIUM = process.env.NFL_GRID_CHROMIUM ?? '/usr/bin/chromium';
const browserMissing = !existsSync(CHROMIUM) && !process.env.CI;
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(browserMissing)('the API reference page', () => {
  let grid: TestGrid;
  let browser: Browser;
  beforeAll(async () => {
    [grid, browser] = await Promise.all([startTestGrid('pglite'), chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS })]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await grid?.stop();
  });

  it('renders every tag of the OpenAPI document, asking nothing of the internet', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${grid.url}/api/v1/reference`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('nfl-grid coordinator');
    // Groups by tag, each route by its summary.
    await page.getByText('batches', { exact: true }).first().click();
    await expect.poll(() => page.locator('body').innerText(), { timeout: 30_000 }).toContain('Submit a batch of work units');
    expect(await page.locator('body').innerText()).not.toContain('Ask AI');
    expect(errors).toEqual([]);
    const offsite = requests.filter((u) => !u.startsWith(grid.url) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(offsite).toEqual([]);
    await page.close();
  }, 90_000);
});

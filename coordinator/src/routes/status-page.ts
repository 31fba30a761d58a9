import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Grid } from '../coordinator';
import { describeRoute } from '../openapi/registry';
import { publicStatus } from './reads/public-status';
import { publicStatusHtml } from './reads/public-status-html';

/**
 * `GET /`: a small public status page in the spirit of BOINC's server status page. It shows
 * grid-wide totals only (running work by kernel, never batch names or owners); the full console
 * is separate work.
 */
export function statusPageRoutes(grid: Grid) {
  return new Hono()
    .get('/',
      describeRoute({ summary: 'Server status page (HTML)', produces: ['text/html'] }),
      async (c) => {
        return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
<title>nfl-grid status</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:46rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body>
<h1>nfl-grid</h1>
${publicStatusHtml(await publicStatus(grid))}
</body></html>`);
      });
}

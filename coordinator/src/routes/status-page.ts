import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { computeHours, hostCounts, runningNow, wuTotals } from './queue';

/**
 * The grid's public status, as the status page and the console's signed-out page show it:
 * work-unit totals, hosts, compute hours and running work by kernel (never batch names or owners).
 */
export async function publicStatus(grid: Grid) {
  const [wu, hours, hosts, running] = await Promise.all([wuTotals(grid), computeHours(grid), hostCounts(grid), runningNow(grid, null, 1000)]);
  const byKernel = new Map<string, { batches: number; running: number }>();
  for (const b of running) {
    const k = byKernel.get(b.kernel) ?? { batches: 0, running: 0 };
    byKernel.set(b.kernel, { batches: k.batches + 1, running: k.running + b.running });
  }
  const rows: [string, number][] = [
    ['pending', wu.pending], ['running', wu.running], ['validating', wu.validating],
    ['completed', wu.completed], ['failed', wu.failed], ['cancelled', wu.cancelled], ['total', wu.total],
  ];
  return { rows, byKernel, hours, hosts };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The public status as HTML, the same on the status page (`GET /`) and the console's signed-out
 * page: hosts and compute hours, work-unit totals, running work by kernel, and where the API is.
 * Numbers sit in `td.num` cells; each page styles them.
 */
export function publicStatusHtml({ rows, byKernel, hours, hosts }: Awaited<ReturnType<typeof publicStatus>>) {
  return html`<p>Hosts online: <b>${fmt(hosts.online)}</b> of ${fmt(hosts.total)} (${fmt(hosts.gpu)} with a GPU) ·
CPU hours: <b>${fmt(hours.cpuHours, 1)}</b> · GPU hours: <b>${fmt(hours.gpuHours, 1)}</b></p>
<h2>Work units</h2>
<table>${rows.map(([k, n]) => html`<tr><th scope="row">${k}</th><td class="num">${fmt(n)}</td></tr>`)}</table>
<h2>Running now</h2>
${byKernel.size === 0 ? html`<p>Nothing is running.</p>` : html`<table><tr><th>kernel</th><th>batches</th><th>work units out</th></tr>
${[...byKernel].map(([k, x]) => html`<tr><td>${k}</td><td class="num">${fmt(x.batches)}</td><td class="num">${fmt(x.running)}</td></tr>`)}</table>`}
<h2>API</h2>
<ul>
<li><a href="/api/v1/openapi.json">OpenAPI document</a> (REST API, <code>Authorization: Bearer ngk_…</code>)</li>
<li><a href="/.well-known/jwks.json">Coordinator signing keys</a></li>
<li><a href="/healthz">Health</a></li>
</ul>`;
}

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

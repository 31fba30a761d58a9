import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { publicStatus } from './reads/public-status';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

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
        const { rows, byKernel, hours, hosts } = await publicStatus(grid);
        return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
<title>nfl-grid status</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:46rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body>
<h1>nfl-grid</h1>
<p>Hosts online: <b>${fmt(hosts.online)}</b> of ${fmt(hosts.total)} (${fmt(hosts.gpu)} with a GPU) ·
CPU hours: <b>${fmt(hours.cpuHours, 1)}</b> · GPU hours: <b>${fmt(hours.gpuHours, 1)}</b></p>
<h2>Work units</h2>
<table>${rows.map(([k, v]) => html`<tr><th>${k}</th><td class="n">${fmt(v)}</td></tr>`)}</table>
<h2>Running now</h2>
${byKernel.size === 0 ? html`<p>Nothing is running.</p>` : html`<table><tr><th>kernel</th><th>batches</th><th>work units out</th></tr>
${[...byKernel].map(([k, v]) => html`<tr><td>${k}</td><td class="n">${fmt(v.batches)}</td><td class="n">${fmt(v.running)}</td></tr>`)}</table>`}
<h2>API</h2>
<ul>
<li><a href="/api/v1/openapi.json">OpenAPI document</a> (REST API, <code>Authorization: Bearer ngk_…</code>)</li>
<li><a href="/.well-known/jwks.json">Coordinator signing keys</a></li>
<li><a href="/healthz">Health</a></li>
</ul>
</body></html>`);
      });
}

import { html } from 'hono/html';
import type { Grid } from '../grid';
import { publicStatus } from '../routes/reads/public-status';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * The console's HTML shell. Before the script signs in (or without JavaScript) it shows the grid's
 * public status, as BOINC's server status page does: grid-wide totals and running work by kernel,
 * never batch names or owners.
 */
export async function indexPage(grid: Grid, assets: { hash: string } | null, buildProblem: string | null) {
  const { rows, byKernel, hours, hosts } = await publicStatus(grid);
  const v = assets ? `?v=${assets.hash}` : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>nfl-grid console</title>
<link rel="icon" href="/console/favicon.svg" type="image/svg+xml">
${assets ? html`<link rel="stylesheet" href="/console/app.css${v}">
<script type="module" src="/console/app.js${v}"></script>` : ''}
</head>
<body>
<div id="app">
<header class="topbar"><span class="brand">nfl-grid</span></header>
<main class="public-status" id="public-status">
<h1>Grid status</h1>
${buildProblem ? html`<p class="notice error" role="alert">The console's front-end could not be built: ${buildProblem}</p>` : ''}
<p>Hosts online: <b>${fmt(hosts.online)}</b> of ${fmt(hosts.total)} (${fmt(hosts.gpu)} with a GPU) ·
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
</ul>
<noscript><p>The console needs JavaScript; this status and the REST API work without it.</p></noscript>
</main>
</div>
</body>
</html>`;
}

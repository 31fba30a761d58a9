import { html } from 'hono/html';
import type { Grid } from '../coordinator';
import { publicStatus } from '../routes/reads/public-status';
import { publicStatusHtml } from '../routes/reads/public-status-html';

/**
 * The console's HTML shell. Before the script signs in (or without JavaScript) it shows the grid's
 * public status, as BOINC's server status page does: grid-wide totals and running work by kernel,
 * never batch names or owners.
 */
export async function indexPage(grid: Grid, assets: { hash: string } | null, buildProblem: string | null) {
  const status = await publicStatus(grid);
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
${publicStatusHtml(status)}
<noscript><p>The console needs JavaScript; this status and the REST API work without it.</p></noscript>
</main>
</div>
</body>
</html>`;
}

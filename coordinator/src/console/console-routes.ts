import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';
import { zv } from '../routes/http/validate';
import { publicStatus, publicStatusHtml } from '../routes/status-page';
import { ConsoleBuildError, type ConsoleBundle, ensureConsoleBuilt } from './build-console';

/**
 * The console's HTML shell. Before the script signs in (or without JavaScript) it shows the grid's
 * public status, as BOINC's server status page does: grid-wide totals and running work by kernel,
 * never batch names or owners.
 */
async function indexPage(grid: Grid, assets: { hash: string } | null, buildProblem: string | null) {
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

/** Everything the console loads comes from this server: no CDN, works offline. */
const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><ellipse cx="16" cy="16" rx="14" ry="9" fill="#7a3e12" transform="rotate(-35 16 16)"/><path d="M10 22 22 10M13 15l4 4M15 13l4 4M11 17l4 4" stroke="#fff" stroke-width="1.6"/></svg>`;

const AssetParam = z.object({ file: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a file name') });

/**
 * `GET /`: the console (its HTML shell shows the public grid status until someone signs in) and
 * `GET /console/:file`: its bundled script, styles and source maps. The bundle is built, or found
 * in the cache, as soon as the routes are made, i.e. at coordinator start.
 */
export function consoleRoutes(grid: Grid) {
  let bundle: Promise<ConsoleBundle> | null = null;
  const load = () => {
    bundle ??= ensureConsoleBuilt().then((b) => {
      if (b.built) grid.log.component('console').info('built the console front-end', { dir: b.dir, ms: b.ms });
      return b;
    }, (e) => {
      grid.log.component('console').error('cannot build the console front-end', { error: (e as Error).message });
      bundle = null; // try again on the next request (e.g. after `npm run build:console`)
      throw e;
    });
    return bundle;
  };
  load().catch(() => {});

  return new Hono()
    .get('/',
      describeRoute({ summary: 'The admin console (HTML); before sign-in it shows the public grid status', produces: ['text/html'] }),
      async (c) => {
        let assets: ConsoleBundle | null = null;
        let problem: string | null = null;
        try {
          assets = await load();
        } catch (e) {
          problem = e instanceof ConsoleBuildError ? e.message : 'internal error';
        }
        c.header('content-security-policy', CONSOLE_CSP);
        c.header('x-content-type-options', 'nosniff');
        c.header('referrer-policy', 'same-origin');
        c.header('cache-control', 'no-cache');
        return c.html(await indexPage(grid, assets, problem));
      })
    .get('/console/:file',
      describeRoute({ summary: "The console's bundled assets (script, styles, source maps)", produces: ['text/javascript', 'text/css', 'application/json', 'image/svg+xml'] }),
      zv('param', AssetParam),
      async (c) => {
        const { file } = c.req.valid('param');
        if (file === 'favicon.svg') {
          c.header('cache-control', 'public, max-age=86400');
          return c.body(FAVICON, 200, { 'content-type': 'image/svg+xml' });
        }
        const b = await load();
        const f = b.files.get(file);
        if (!f || file === 'manifest.json') throw new NotFound(`console file ${file}`, 'file');
        c.header('x-content-type-options', 'nosniff');
        // A URL naming the current build never changes; any other is revalidated.
        c.header('cache-control', c.req.query('v') === b.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
        c.header('etag', f.etag);
        if (c.req.header('if-none-match') === f.etag) return c.body(null, 304);
        return c.body(new Uint8Array(f.body), 200, { 'content-type': f.type });
      });
}

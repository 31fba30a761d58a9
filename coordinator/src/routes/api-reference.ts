import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { NotFound } from '../errors';
import type { Grid } from '../grid';
import { describeRoute } from '../openapi/registry';

/*
 * The API reference page: Scalar's browser bundle (@scalar/api-reference, served from this
 * coordinator, never a CDN) rendering /api/v1/openapi.json. Its web fonts, telemetry and AI chat
 * are off, so the page asks nothing of the internet.
 */

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>nfl-grid API reference</title></head>
<body>
<div id="reference"></div>
<script src="/api/v1/reference/scalar.js"></script>
<script src="/api/v1/reference/init.js"></script>
</body>
</html>
`;

const INIT = `Scalar.createApiReference('#reference', {
  url: '/api/v1/openapi.json', withDefaultFonts: false, telemetry: false, agent: { disabled: true },
  showDeveloperTools: 'never', metaData: { title: 'nfl-grid API reference' },
});
`;

let bundle: Promise<string> | null = null;

function scalarBundle(): Promise<string> {
  bundle ??= readFile(fileURLToPath(import.meta.resolve('@scalar/api-reference/browser/standalone.js')), 'utf8');
  bundle.catch(() => { bundle = null; });
  return bundle;
}

export function apiReferenceRoutes(grid: Grid) {
  return new Hono()
    .get('/reference',
      describeRoute({ summary: 'The API reference (an HTML page rendering this OpenAPI document)', produces: ['text/html'] }),
      (c) => c.html(PAGE))
    .get('/reference/init.js',
      describeRoute({ summary: "The reference page's start-up script", produces: ['text/javascript'] }),
      (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get('/reference/scalar.js',
      describeRoute({ summary: "Scalar's API reference bundle (@scalar/api-reference)", produces: ['text/javascript'] }),
      async (c) => {
        const js = await scalarBundle().catch((e: Error) => {
          grid.log.component('http').warn('API reference bundle not found', { error: e.message });
          throw new NotFound('the API reference bundle (@scalar/api-reference is not installed)');
        });
        return c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' });
      });
}

import { Hono } from 'hono';
import type { Grid } from '../coordinator';
import { buildOpenApi, type RouteEntry } from '../openapi/document';
import { describeRoute } from '../openapi/registry';

/** `GET /api/v1/openapi.json`, built once from the finished app's route table. */
export function openapiRoutes(grid: Grid, routes: () => RouteEntry[]) {
  let doc: ReturnType<typeof buildOpenApi> | null = null;
  return new Hono()
    .get('/openapi.json',
      describeRoute({ summary: 'This document (OpenAPI 3.1)' }),
      (c) => {
        doc ??= buildOpenApi(routes(), { title: 'nfl-grid coordinator', version: '1', serverUrl: grid.config.publicUrl });
        return c.json(doc);
      });
}

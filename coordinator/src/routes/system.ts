import { Hono } from 'hono';
import type { Grid } from '../grid';
import { buildOpenApi, type RouteEntry } from '../openapi/document';
import { describeRoute } from '../openapi/registry';

/*
 * What the coordinator says about itself: liveness and its signing keys at the root, and under
 * /api/v1 its OpenAPI document (the kernels it schedules: routes/kernels.ts).
 */

/** Liveness (no database call) and the coordinator's public signing keys (agents verify work packets with them). */
export function systemRoutes(grid: Grid) {
  return new Hono()
    // The process answers; whether it should get traffic is /readyz (ops/ops-routes.ts).
    .get('/healthz',
      describeRoute({ summary: 'Liveness: the process is up (readiness is /readyz)', responses: { 200: 'alive' } }),
      (c) => c.json({ ok: true, db: grid.db.kind }))
    .get('/.well-known/jwks.json',
      describeRoute({ summary: "The coordinators' Ed25519 public keys (JWKS)" }),
      async (c) => {
        c.header('cache-control', 'public, max-age=300');
        return c.json(await grid.keys.jwks());
      });
}

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

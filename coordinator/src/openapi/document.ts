import { z } from 'zod';
import { type AuthDoc, type DocPart, type InputTarget, partOf, type RouteDoc } from './registry';

/*
 * Builds an OpenAPI 3.1 document from the app's route table and the parts each route carries
 * (see registry.ts). Request schemas are the zod schemas the routes validate with, converted by
 * z.toJSONSchema (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 */

export interface RouteEntry { method: string; path: string; handler: unknown }

type Json = Record<string, unknown>;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string', description: 'the offending input (dotted path)' } },
    },
  },
};

function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

/** `/batches/:id` → `/batches/{id}` (a hono regex suffix such as `:id{[0-9]+}` is dropped). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

function parameters(path: string, inputs: { target: InputTarget; schema: z.ZodType }[]): Json[] {
  const out: Json[] = [];
  const seen = new Set<string>();
  for (const { target, schema } of inputs) {
    if (target === 'json') continue;
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
    for (const [name, s] of Object.entries(shape)) {
      seen.add(`${target}:${name}`);
      const required = target === 'param' || !s.safeParse(undefined).success;
      out.push({ name, in: target === 'param' ? 'path' : 'query', required, schema: jsonSchema(s) });
    }
  }
  for (const m of path.matchAll(/:([A-Za-z0-9_]+)/g)) {
    if (!seen.has(`param:${m[1]}`)) out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  return out;
}

function security(auth: AuthDoc | undefined): Json[] {
  switch (auth?.kind) {
    case 'api-key': return [{ apiKey: [] }];
    case 'host-or-api-key': return [{ apiKey: [] }, { hostCredential: [] }];
    default: return [];
  }
}

/** `GET /api/v1/batches/:id/results` → `getApiV1BatchesByIdResults`. */
function operationId(method: string, path: string): string {
  const words = path.split('/').filter(Boolean)
    .map((s) => (s.startsWith(':') ? `by-${s.slice(1).replace(/\{.*$/, '')}` : s))
    .flatMap((w) => w.split(/[^A-Za-z0-9]+/)).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function operation(method: string, path: string, parts: DocPart[]): Json {
  const doc = parts.find((p) => p.doc)?.doc as RouteDoc;
  const auth = parts.find((p) => p.auth)?.auth;
  const inputs = parts.flatMap((p) => p.inputs ?? []);
  const body = inputs.find((i) => i.target === 'json');
  const roles = auth?.kind === 'api-key' && auth.roles ? auth.roles : undefined;
  const media = doc.produces ?? ['application/json'];
  const responses: Json = {};
  for (const [code, description] of Object.entries(doc.responses ?? { 200: 'OK' })) {
    responses[code] = { description, content: Object.fromEntries(media.map((m) => [m, {}])) };
  }
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  if (inputs.length) responses['400'] = error('invalid input; `error.field` names the offending field');
  if (auth && auth.kind !== 'none') responses['401'] = error('missing, unknown or revoked credentials');
  if (roles) responses['403'] = error(`the caller lacks the role (${roles.join(' or ')})`);
  if (path.includes(':')) responses['404'] = error('not found, or not yours');
  const notes = [
    doc.description,
    roles ? `Roles: ${roles.join(', ')}.` : undefined,
    auth?.kind === 'enrollment-token' ? 'Authorised by the enrollment token in the body (no Bearer header).' : undefined,
  ].filter(Boolean).join(' ');
  const segments = path.split('/').filter((s) => s && !s.startsWith(':'));
  const tag = segments[0] === 'api' ? (segments[1] === 'v1' ? segments[2] : segments[1]) : 'system';
  return {
    operationId: operationId(method, path),
    summary: doc.summary,
    ...(notes ? { description: notes } : {}),
    tags: [tag ?? 'system'],
    security: security(auth),
    ...(roles ? { 'x-roles': roles } : {}),
    parameters: parameters(path, inputs),
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body.schema) } } } } : {}),
    responses,
  };
}

/** Seed 001's unversioned paths: aliases of `/api/v1/training/*` and `/api/v1/performance/*`, documented there. */
const ALIAS_PATH = /^\/api\/(training|performance)(\/|$)/;

export function buildOpenApi(routes: RouteEntry[], info: { title: string; version: string; serverUrl?: string }): Json {
  const byOp = new Map<string, { method: string; path: string; parts: DocPart[] }>();
  for (const r of routes) {
    const part = partOf(r.handler);
    if (!part || r.method === 'ALL' || ALIAS_PATH.test(r.path)) continue;
    const key = `${r.method} ${r.path}`;
    const op = byOp.get(key) ?? { method: r.method, path: r.path, parts: [] };
    op.parts.push(part);
    byOp.set(key, op);
  }
  const paths: Record<string, Json> = {};
  for (const op of byOp.values()) {
    if (!op.parts.some((p) => p.doc)) continue;
    const p = openApiPath(op.path);
    paths[p] = { ...paths[p], [op.method.toLowerCase()]: operation(op.method, op.path, op.parts) };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (ngk_...) from an admin' },
        hostCredential: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The credential an agent received at enrollment' },
      },
    },
  };
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Op, operations } from './support/openapi-walk';
import { connectRaw, enrollRaw, helloFor } from './support/raw-agent';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

/*
 * Property-based fuzzing against a live coordinator (real HTTP server, real websocket): every
 * operation of its OpenAPI document is called with generated path values, query strings and
 * bodies (any JSON, near-valid objects with fields of the wrong kind, unknown fields, text that is
 * not JSON); every agent message type is sent with generated fields, signed and unsigned, before
 * and after hello, beside frames that are not JSON at all. No answer may be a 5xx, no frame may
 * be an internal_error, and the process must still serve afterwards.
 *
 * The walk keeps to the routes the document names; a second walk takes paths no route matches,
 * with every method, which must answer 404 or 405 with a JSON body.
 */

const HTTP_RUNS = Number(process.env.NFL_GRID_FUZZ_HTTP_RUNS ?? 1500);
const WS_RUNS = Number(process.env.NFL_GRID_FUZZ_WS_RUNS ?? 120);

/** Operations left out of the walk, and why. */
const SKIP: Record<string, string> = {
  'POST /api/data/pipeline/run': 'a valid call starts the play-by-play pipeline over every season (minutes of CPU)',
  'GET /api/v1/events': 'a server-sent event stream that stays open',
  'GET /api/v1/live': 'a server-sent event stream that stays open',
};

/** A path segment: anything but the dot segments a URL resolves away (they would name another path). */
const segment = fc.oneof(
  fc.string({ maxLength: 40 }), fc.integer().map(String), fc.uuid(), fc.constantFrom('0', '-1', '1e309', 'null', '%00', ' ', 'ä', '9'.repeat(40)),
).filter((s) => s !== '.' && s !== '..' && s.length > 0);

/** JSON values of every shape, with the field names the API uses most, so objects get near a schema. */
const key = fc.oneof(fc.constantFrom('name', 'kernel', 'params', 'policy', 'replicates', 'seed', 'units', 'role', 'userId', 'token', 'publicKey',
  'hardware', 'apiKey', 'priority', 'state', 'minQuorum', 'uses', 'intensity', 'batchId', 'wuIds', 'artifact', 'limit', 'id', '__proto__', 'constructor'), fc.string({ maxLength: 12 }));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small' },
    fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 30 }), fc.constantFrom(1e308, -0, 2 ** 53 + 1, ''),
    fc.array(tie('json'), { maxLength: 5 }), fc.dictionary(key, tie('json'), { maxKeys: 6 })),
}));
const body = fc.oneof(
  json.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
  fc.dictionary(key, json, { maxKeys: 8 }).map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ text: s, type: 'application/json' })),
  fc.string({ maxLength: 100 }).map((s) => ({ text: s, type: 'text/plain' })),
  fc.constant({ text: '', type: 'application/json' }),
);

const MESSAGE_TYPES = ['hello', 'request_work', 'progress', 'checkpoint', 'result', 'error', 'bye', 'suspend', 'still_here'] as const;

describe.each(dbKinds())('fuzzing a live coordinator (%s)', (kind) => {
  let grid: TestGrid;
  let ops: Op[];
  let adminKey: string;
  let volunteerKey: string;
  let token: string;
  const fives: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    // The fuzzer fails authentication on purpose, far more often than the limiter allows a client.
    grid = await startTestGrid(kind, { NFL_GRID_AUTH_FAILURES_PER_ADDRESS: '1000000', NFL_GRID_AUTH_FAILURES_PER_KEY: '1000000' });
    adminKey = grid.c.adminKey!;
    const doc = await (await fetch(`${grid.url}/api/v1/openapi.json`)).json();
    ops = operations(doc).filter((o) => !(o.key in SKIP));
    const volunteer = await grid.createUser('fuzz-volunteer', 'volunteer');
    volunteerKey = volunteer.key;
    token = (await volunteer.api.post('/api/v1/enrollment-tokens', { uses: 50 })).body.token;
  }, 300_000);
  afterAll(async () => { await grid?.stop(); });

  it(`${HTTP_RUNS} generated REST calls over every operation: no 5xx`, async () => {
    expect(ops.length).toBeGreaterThan(30);
    await fc.assert(fc.asyncProperty(
      fc.nat({ max: ops.length - 1 }), fc.array(segment, { minLength: 4, maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
      body, fc.constantFrom('admin', 'volunteer', 'none', 'garbage'),
      async (i, values, extraQuery, b, who) => {
        const op = ops[i]!;
        let n = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[n++ % values.length]!));
        const query = new URLSearchParams({ ...Object.fromEntries(op.query.map((q, k) => [q, values[k % values.length]!])), ...extraQuery });
        const auth = { admin: `Bearer ${adminKey}`, volunteer: `Bearer ${volunteerKey}`, none: undefined, garbage: 'Bearer nfl_' + values[0] }[who];
        const headers: Record<string, string> = { 'x-nfl-grid-csrf': '1' };
        if (auth) headers.authorization = auth;
        const withBody = op.method !== 'GET' && op.method !== 'HEAD';
        if (withBody) headers['content-type'] = b.type;
        const res = await fetch(`${grid.url}${path}?${query}`, { method: op.method, headers, body: withBody ? b.text : undefined });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) fives.push(`${op.method} ${path}?${query} ${b.text.slice(0, 200)} -> ${res.status} ${text.slice(0, 200)}`);
        return res.status < 500;
      }), { numRuns: HTTP_RUNS, seed: Number(process.env.NFL_GRID_FUZZ_SEED ?? 20261204), endOnFailure: false });
    expect(fives).toEqual([]);
    // The walk reached past the door: some calls were answered, most were refused by a schema.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect((await fetch(`${grid.url}/healthz`)).status).toBe(200);
  }, 300_000);

  it('paths no route matches, with any method: 404 or 405 with a JSON body', async () => {
    const prefix = fc.constantFrom('', '/api', '/api/v1', '/api/v1/batches', '/game', '/stats', '/healthz');
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    await fc.assert(fc.asyncProperty(prefix, fc.array(segment, { minLength: 1, maxLength: 3 }), method, body, async (p, segs, m, b) => {
      const path = `${p}/${segs.map(encodeURIComponent).join('/')}/zz-no-such-route`;
      const withBody = m !== 'GET' && m !== 'HEAD';
      const res = await fetch(`${grid.url}${path}`, {
        method: m, headers: { authorization: `Bearer ${adminKey}`, 'x-nfl-grid-csrf': '1', ...(withBody ? { 'content-type': b.type } : {}) },
        body: withBody ? b.text : undefined,
      });
      const text = await res.text();
      if (res.status >= 500) fives.push(`${m} ${path} -> ${res.status} ${text.slice(0, 200)}`);
      if (res.status !== 404 && res.status !== 405) return false;
      return m === 'HEAD' || (JSON.parse(text) as { error?: unknown }).error !== undefined;
    }), { numRuns: Math.max(50, Math.round(HTTP_RUNS / 10)), seed: Number(process.env.NFL_GRID_FUZZ_SEED ?? 20261204), endOnFailure: false });
    expect(fives).toEqual([]);
  }, 120_000);

  it(`${WS_RUNS} generated agent conversations: no internal error, the gateway still serves`, async () => {
    const ident = await enrollRaw(grid.url, token, 'fuzz-agent');
    const internal: string[] = [];
    await fc.assert(fc.asyncProperty(
      fc.boolean(), fc.array(fc.record({
        type: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.string({ maxLength: 10 })),
        fields: fc.dictionary(key, json, { maxKeys: 6 }),
        signed: fc.boolean(),
        raw: fc.option(fc.oneof(fc.string({ maxLength: 100 }), json.map((v) => JSON.stringify(v))), { freq: 4 }),
      }), { minLength: 1, maxLength: 4 }),
      async (helloFirst, frames) => {
        const a = await connectRaw(grid.url, ident);
        a.answerChallenges = false;
        a.ws.on('message', (d) => {
          const m = JSON.parse(d.toString());
          if (m.type === 'error' && m.code === 'internal_error') internal.push(`${m.message} after ${JSON.stringify(frames).slice(0, 300)}`);
        });
        if (helloFirst) {
          a.send(helloFor(ident.credential));
          await a.next('welcome', 10_000).catch(() => null);
        }
        for (const f of frames) {
          if (f.raw !== null) a.sendRaw(f.raw);
          else if (f.signed) a.send({ ...f.fields, type: f.type });
          else a.sendRaw(JSON.stringify({ ...f.fields, type: f.type }));
        }
        // The coordinator closes the socket on a frame it refuses; give it a moment either way.
        await Promise.race([a.closed, new Promise((r) => setTimeout(r, 150))]);
        a.ws.terminate();
        return true;
      }), { numRuns: WS_RUNS, seed: Number(process.env.NFL_GRID_FUZZ_SEED ?? 20261204) });
    expect(internal).toEqual([]);
    // Still serving: a well-formed agent is welcomed after all that.
    const a = await connectRaw(grid.url, ident);
    a.send(helloFor(ident.credential));
    expect((await a.next('welcome', 10_000)).type).toBe('welcome');
    a.close();
    expect((await fetch(`${grid.url}/healthz`)).status).toBe(200);
  }, 300_000);
});

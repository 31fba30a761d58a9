import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { startCoordinatorProcess, type Watched } from './support/processes';
import { openTestDb, dbKinds, type TestDb } from './support/test-db';
import { rssMb, unfinishedFrame, unfinishedHeaders, unfinishedUpload, type UploadOutcome } from './support/uploads';

/*
 * Bodies are read only after the caller is known, streamed under a limit, and slow requests are
 * cut off by the server's timeouts: a coordinator (in a child process, its RSS read from /proc)
 * holds its memory under 40 unfinished 31 MB uploads without a key, and under 40 agent sockets
 * that trickle a 31 MB frame without saying hello.
 */

const MB = 1024 * 1024;
let grid: TestGrid | null = null;
let proc: Watched | null = null;
let testDb: TestDb | null = null;
afterEach(async () => {
  await grid?.stop();
  await proc?.kill('SIGKILL');
  await testDb?.drop();
  grid = null;
  proc = null;
  testDb = null;
});

const errorCode = (o: UploadOutcome) => (JSON.parse(o.body) as { error: { code: string; message: string; field?: string } }).error;

describe.each(dbKinds())('request bodies on %s', (kind) => {
  it('with a key, a body over the limit is 413 with a JSON body, chunked or declared; without one, 401 before it is read', async () => {
    grid = await startTestGrid(kind, { NFL_GRID_MAX_BODY_BYTES: String(1 * MB), NFL_GRID_ANONYMOUS_BODY_BYTES: String(16 * 1024) });
    const auth = { authorization: `Bearer ${grid.c.adminKey}` };

    const chunked = await unfinishedUpload(grid.url, '/api/v1/batches', { headers: auth, maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect(chunked.status).toBe(413);
    expect(errorCode(chunked)).toEqual({ code: 'too_large', message: `request body is larger than ${MB} bytes`, field: 'body' });
    const declared = await unfinishedUpload(grid.url, '/api/v1/batches', { headers: auth, declaredBytes: 3 * MB, maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect([declared.status, errorCode(declared).code]).toEqual([413, 'too_large']);

    // No key: 401 from the headers, long before the body could have been read to its end.
    const anonymous = await unfinishedUpload(grid.url, '/api/v1/batches', { maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect([anonymous.status, errorCode(anonymous).code]).toEqual([401, 'missing_api_key']);
    const badKey = await unfinishedUpload(grid.url, '/api/v1/users', { headers: { authorization: 'Bearer ngk_nope' }, maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect([badKey.status, errorCode(badKey).code]).toEqual([401, 'bad_api_key']);
    // A public route reads its body under the small anonymous limit.
    const enroll = await unfinishedUpload(grid.url, '/api/v1/hosts/enroll', { maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect([enroll.status, errorCode(enroll).code]).toEqual([413, 'too_large']);
    expect(errorCode(enroll).field).toBe('body');
    // The public cover service keeps its own larger anonymous limit, streamed the same way.
    const game = await unfinishedUpload(grid.url, '/game/inference/batch', { maxBytes: 3 * MB, giveUpMs: 10_000 });
    expect([game.status, errorCode(game).message]).toEqual([413, `request body is larger than ${256 * 1024} bytes`]);

    // Bodies within the limits still work: a batch, and a malformed one is still a 400 naming its field.
    const researcher = await grid.createUser('rhea', 'researcher');
    expect((await researcher.api.post('/api/v1/batches', { name: 'small', kernel: 'bench.hash', params: { rounds: 10, steps: 1 } })).status).toBe(201);
    const bad = await researcher.api.post('/api/v1/batches', { name: 'small', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, extra: 1 });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'extra']);
    expect((await apiClient(grid.url).post('/api/v1/hosts/enroll', { token: 'x' })).status).toBe(400);
  }, 120_000);

  it('40 unfinished 31 MB uploads without a key to /api paths, or to the agent socket before hello, leave the RSS bounded; slow requests are cut off', async () => {
    let databaseUrl: string | null = null;
    if (kind === 'postgres') {
      testDb = await openTestDb('postgres');
      databaseUrl = testDb.url;
    }
    const c = await startCoordinatorProcess({
      databaseUrl,
      env: { NFL_GRID_REQUEST_TIMEOUT_MS: '3000', NFL_GRID_HEADERS_TIMEOUT_MS: '1500', NFL_GRID_KEEP_ALIVE_TIMEOUT_MS: '1000' },
    });
    proc = c;
    const pid = c.proc.pid!;
    const adminKey = readFileSync(join(c.dataDir, 'admin-key'), 'utf8').trim();
    // Warm the paths up once, so the baseline includes the code that answers them.
    expect((await apiClient(c.url, adminKey).get('/api/v1/queue')).status).toBe(200);
    const before = rssMb(pid);

    const paths: [string, string][] = [
      ['POST', '/api/v1/batches'], ['POST', '/api/v1/users'], ['PATCH', '/api/v1/hosts/00000000-0000-4000-8000-000000000000'],
      ['PUT', '/api/v1/bandit/strategy'], ['POST', '/api/training/submit'], ['POST', '/api/performance/compare'],
      ['POST', '/api/v1/enrollment-tokens'], ['PUT', '/api/data/preprocessing/config'],
    ];
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(pid)); }, 50);
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => {
      const [method, path] = paths[i % paths.length]!;
      // Half declare their 31 MB, half send it chunked; none ever finishes.
      return unfinishedUpload(c.url, path, { method, declaredBytes: i % 2 ? 31 * MB : undefined, maxBytes: 31 * MB, giveUpMs: 15_000 });
    }));
    clearInterval(sampler);
    const after = rssMb(pid);

    for (const o of outcomes) expect(o.status === 401 || (o.status === null && o.closed), JSON.stringify(o)).toBe(true);
    // A client may see its socket closed before it reads the 401: the answer says Connection: close
    // and the unread upload is dropped with the socket, so a client still writing sees a reset.
    expect(outcomes.filter((o) => o.status === 401).length).toBeGreaterThanOrEqual(10);
    // Each was answered from its headers: far less than a body's worth was taken off any socket.
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(10_000);
    // 40 x 31 MB is 1,240 MB: the coordinator may grow by a small bounded amount only.
    expect(peak - before, `RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`).toBeLessThan(64);
    process.stdout.write(`upload-limits (${kind}): RSS ${before.toFixed(1)} MB before, peak ${peak.toFixed(1)} MB, after ${after.toFixed(1)} MB; ` +
      `${outcomes.filter((o) => o.status === 401).length} answered 401, ${outcomes.filter((o) => o.status === null).length} cut off; ` +
      `at most ${(Math.max(...outcomes.map((o) => o.sent)) / MB).toFixed(1)} MB written by one client before its answer or close\n`);

    // The agent websocket likewise: 40 connections that never say hello, each trickling a 31 MB frame.
    let wsPeak = rssMb(pid);
    const wsBefore = wsPeak;
    const wsSampler = setInterval(() => { wsPeak = Math.max(wsPeak, rssMb(pid)); }, 50);
    const frames = await Promise.all(Array.from({ length: 40 }, () => unfinishedFrame(c.url, { declaredBytes: 31 * MB, giveUpMs: 15_000 })));
    clearInterval(wsSampler);
    expect(frames.every((f) => f.upgraded && f.closed), JSON.stringify(frames)).toBe(true);
    expect(Math.max(...frames.map((f) => f.ms))).toBeLessThan(5_000);
    expect(wsPeak - wsBefore, `RSS ${wsBefore.toFixed(0)} MB before the frames, peak ${wsPeak.toFixed(0)} MB`).toBeLessThan(64);
    process.stdout.write(`upload-limits (${kind}): websocket frames without hello: RSS ${wsBefore.toFixed(1)} MB before, peak ${wsPeak.toFixed(1)} MB; ` +
      `all 40 closed within ${Math.max(...frames.map((f) => f.ms))} ms\n`);

    // Headers that never end are closed by the headers timeout; a keyed upload that never ends, by the request timeout.
    const slowHeaders = await unfinishedHeaders(c.url, 10_000);
    expect(slowHeaders.closed).toBe(true);
    expect(slowHeaders.ms).toBeLessThan(5_000);
    const trickle = await unfinishedUpload(c.url, '/api/v1/batches', {
      headers: { authorization: `Bearer ${adminKey}` }, declaredBytes: 1000, maxBytes: 10, chunkBytes: 10, giveUpMs: 10_000,
    });
    expect(trickle.status === 408 || trickle.closed, JSON.stringify(trickle)).toBe(true);
    expect(trickle.ms).toBeLessThan(8_000);
    // And the coordinator still serves.
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
  }, 180_000);
});

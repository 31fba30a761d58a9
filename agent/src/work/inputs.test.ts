import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { captureLog } from '../../../test/support/capture-log';
import { InputError } from '../errors';
import { InputStore } from './inputs';

const CREDENTIAL = 'host-credential-for-tests';
const good = new Uint8Array(gzipSync('season,week,play\n2023,1,run\n'));
const evil = new Uint8Array(gzipSync('season,week,play\n2023,1,pass\n'));
let goodSha: string;
let evilSha: string;
/** sha256 the server pretends to have → the bytes it serves (a lying server maps a hash to other bytes). */
const served = new Map<string, Uint8Array>();
const hits: string[] = [];

let server: Server;
let coordinator: string;
beforeAll(async () => {
  goodSha = await sha256Hex(good);
  evilSha = await sha256Hex(evil);
  server = createServer((req, res) => {
    const m = /^\/api\/v1\/inputs\/([0-9a-f]{64})$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    hits.push(m[1]!);
    if (req.headers.authorization !== `Bearer ${CREDENTIAL}`) return void res.writeHead(401).end('{"error":{"code":"unauthorized","message":"no"}}');
    const bytes = served.get(m[1]!);
    if (!bytes) return void res.writeHead(404).end('{"error":{"code":"not_found","message":"input not found"}}');
    res.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nfl-agent-inputs-'));
  served.clear();
  hits.length = 0;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const store = (credential = CREDENTIAL) => new InputStore({ dataDir, coordinator, credential, log: captureLog() });

async function rejection(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe('InputStore', () => {
  it('fetches with the host credential, verifies the sha256 and caches the bytes', async () => {
    served.set(goodSha, good);
    const bytes = await store().get(goodSha);
    expect(Buffer.from(bytes).equals(Buffer.from(good))).toBe(true);
    expect(Buffer.from(await readFile(join(dataDir, 'inputs', goodSha))).equals(Buffer.from(good))).toBe(true);

    // A second store (a restarted agent) reads the cache without asking the coordinator.
    served.clear();
    const again = await store().get(goodSha);
    expect(Buffer.from(again).equals(Buffer.from(good))).toBe(true);
    expect(hits).toEqual([goodSha]);
  });

  it('refuses bytes that do not hash to the requested sha256 and caches nothing', async () => {
    served.set(goodSha, evil);
    const e = await rejection(store().get(goodSha));
    expect(e.code).toBe('input_corrupt');
    expect(e.message).toContain(`hash to ${evilSha}`);
    await expect(readFile(join(dataDir, 'inputs', goodSha))).rejects.toThrow();
  });

  it('drops a damaged cache entry and fetches the input again', async () => {
    served.set(goodSha, good);
    await store().get(goodSha);
    await writeFile(join(dataDir, 'inputs', goodSha), evil);
    const bytes = await store().get(goodSha);
    expect(Buffer.from(bytes).equals(Buffer.from(good))).toBe(true);
    expect(hits).toEqual([goodSha, goodSha]);
  });

  it('reports missing inputs, refused credentials and unreachable coordinators as input_unavailable', async () => {
    expect((await rejection(store().get(goodSha))).message).toContain('HTTP 404');
    served.set(goodSha, good);
    expect((await rejection(store('wrong-credential').get(goodSha))).message).toContain('HTTP 401');
    const offline = new InputStore({ dataDir, coordinator: 'http://127.0.0.1:1', credential: CREDENTIAL, log: captureLog() });
    expect((await rejection(offline.get(goodSha))).code).toBe('input_unavailable');
    expect((await rejection(store().get('../../etc/passwd'))).code).toBe('input_unavailable');
  });

  it('shares one download between concurrent requests for the same input', async () => {
    served.set(goodSha, good);
    const s = store();
    await Promise.all([s.get(goodSha), s.get(goodSha), s.get(goodSha)]);
    expect(hits).toEqual([goodSha]);
  });
});

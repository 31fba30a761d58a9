import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { sha256Of } from '../disk/checkpoint-store';
import { fetchCheckpoint } from './checkpoint-fetch';

/* The agent side of GET /api/v1/checkpoints/:wuId against a small server playing the coordinator. */

const bytes = new TextEncoder().encode('{"step":40,"h":1}');
const sha = sha256Of(bytes);
const replies = new Map<string, { status: number; body: unknown }>();
let server: Server;
let coordinator: string;
let lastAuth: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    lastAuth = req.headers.authorization;
    const r = replies.get(req.url ?? '') ?? { status: 404, body: { error: { code: 'not_found', message: 'checkpoint not found' } } };
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}/grid`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const item = (wuId: number, resumeFrom: WorkItem['resumeFrom']): WorkItem => ({
  wuId, replicaId: 99, kernel: 'bench.hash@1', params: {}, seed: 1, inputs: [], costEstimate: 1, deadline: Date.now() + 60_000, resumeFrom,
});
const o = () => ({ coordinator, credential: 'host-credential-xyz' });

describe('fetchCheckpoint', () => {
  it('returns the bytes named by the signed resumeFrom, sent with the host credential', async () => {
    replies.set('/grid/api/v1/checkpoints/5', { status: 200, body: { wuId: 5, step: 40, sha256: sha, data: Buffer.from(bytes).toString('base64') } });
    const r = await fetchCheckpoint(o(), item(5, { step: 40, sha256: sha }));
    expect(r).toEqual({ status: 'ok', step: 40, sha256: sha, payload: bytes });
    expect(lastAuth).toBe('Bearer host-credential-xyz');
  });

  it('accepts a newer checkpoint uploaded after the packet was signed, not an older one', async () => {
    const newer = await fetchCheckpoint(o(), item(5, { step: 20, sha256: 'a'.repeat(64) }));
    expect(newer).toMatchObject({ status: 'ok', step: 40 });
    const older = await fetchCheckpoint(o(), item(5, { step: 60, sha256: 'a'.repeat(64) }));
    expect(older).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('the packet names step 60') });
  });

  it('refuses bytes that do not hash to the sha256 (corrupt), and malformed or missing replies', async () => {
    replies.set('/grid/api/v1/checkpoints/6', { status: 200, body: { wuId: 6, step: 40, sha256: sha, data: Buffer.from('{"step":41,"h":1}').toString('base64') } });
    expect(await fetchCheckpoint(o(), item(6, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('(corrupt)') });
    replies.set('/grid/api/v1/checkpoints/7', { status: 200, body: '{"wuId": 7, "st' });
    expect(await fetchCheckpoint(o(), item(7, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('malformed') });
    expect(await fetchCheckpoint(o(), item(8, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('HTTP 404') });
    expect(await fetchCheckpoint(o(), item(8, null))).toMatchObject({ status: 'unavailable' });
    expect(await fetchCheckpoint({ coordinator: 'http://127.0.0.1:1', credential: 'x' }, item(5, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('cannot fetch') });
  });
});

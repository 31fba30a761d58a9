import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { signCheckpoint } from '@nfl-grid/shared/signing/checkpoint-signature';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { sha256Of } from '../disk/checkpoint-store';
import { fetchCheckpoint } from './checkpoint-fetch';

/*
 * The agent side of GET /api/v1/checkpoints/:wuId against a small server playing the coordinator;
 * checkpoints are signed with real Ed25519 keys, the maker's public key comes in the work item.
 */

const bytes = new TextEncoder().encode('{"step":40,"h":1}');
const sha = sha256Of(bytes);
const replies = new Map<string, { status: number; body: unknown }>();
let server: Server;
let coordinator: string;
let lastAuth: string | undefined;
const MAKER = '00000000-0000-4000-8000-00000000000a';
const MAKER_REPLICA = 3;
let makerKey: CryptoKey;
let otherKey: CryptoKey;
let maker: NonNullable<WorkItem['resumeFrom']>['maker'];

/** The maker's signature over a checkpoint of `wuId` (what the coordinator stored at upload). */
const signed = (wuId: number, step: number, sha256: string, o: { key?: CryptoKey; replicaId?: number; kernel?: string } = {}) =>
  signCheckpoint(o.key ?? makerKey, { wuId, replicaId: o.replicaId ?? MAKER_REPLICA, hostId: MAKER, kernel: o.kernel ?? 'bench.hash@1', step, sha256 });
const reply = async (wuId: number, step: number, data: Uint8Array, o: Parameters<typeof signed>[3] = {}) => ({
  status: 200,
  body: { wuId, step, sha256: sha256Of(data), data: Buffer.from(data).toString('base64'), signature: await signed(wuId, step, sha256Of(data), o), maker: { hostId: MAKER, replicaId: MAKER_REPLICA } },
});

beforeAll(async () => {
  const pair = await newEd25519KeyPair();
  makerKey = await importPrivate(pair.privateJwk);
  otherKey = await importPrivate((await newEd25519KeyPair()).privateJwk);
  maker = { hostId: MAKER, replicaId: MAKER_REPLICA, publicKey: { kty: 'OKP', crv: 'Ed25519', x: pair.publicJwk.x! } };
  server = createServer((req, res) => {
    lastAuth = req.headers.authorization;
    const r = replies.get(req.url ?? '') ?? { status: 404, body: { error: { code: 'not_found', message: 'checkpoint not found' } } };
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}/grid`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const item = (wuId: number, resumeFrom: { step: number; sha256: string } | null): WorkItem => ({
  wuId, replicaId: 99, kernel: 'bench.hash@1', params: {}, seed: 1, inputs: [], costEstimate: 1, deadline: Date.now() + 60_000,
  resumeFrom: resumeFrom && { ...resumeFrom, maker },
});
const o = () => ({ coordinator, credential: 'host-credential-xyz' });

describe('fetchCheckpoint', () => {
  it('returns the bytes named by the signed resumeFrom, sent with the host credential', async () => {
    replies.set('/grid/api/v1/checkpoints/5', await reply(5, 40, bytes));
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
    replies.set('/grid/api/v1/checkpoints/6', { status: 200, body: { ...(await reply(6, 40, bytes)).body, data: Buffer.from('{"step":41,"h":1}').toString('base64') } });
    expect(await fetchCheckpoint(o(), item(6, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('(corrupt)') });
    replies.set('/grid/api/v1/checkpoints/7', { status: 200, body: '{"wuId": 7, "st' });
    expect(await fetchCheckpoint(o(), item(7, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('malformed') });
    expect(await fetchCheckpoint(o(), item(8, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('HTTP 404') });
    expect(await fetchCheckpoint(o(), item(8, null))).toMatchObject({ status: 'unavailable' });
    expect(await fetchCheckpoint({ coordinator: 'http://127.0.0.1:1', credential: 'x' }, item(5, { step: 40, sha256: sha }))).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('cannot fetch') });
  });

  it('refuses a checkpoint whose signature is not its maker\'s, or covers another checkpoint, or that names another maker', async () => {
    const refused = async (wuId: number, body: unknown) => {
      replies.set(`/grid/api/v1/checkpoints/${wuId}`, { status: 200, body });
      return fetchCheckpoint(o(), item(wuId, { step: 40, sha256: sha }));
    };
    // Signed by some other key (a forger who is not the maker, or bytes swapped on the way).
    expect(await refused(20, (await reply(20, 40, bytes, { key: otherKey })).body))
      .toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/signature does not verify.*\(refused\)/) });
    // The maker's signature, but over another replica, kernel or WU.
    expect(await refused(21, (await reply(21, 40, bytes, { replicaId: 4 })).body))
      .toMatchObject({ status: 'unavailable', reason: expect.stringContaining('is for replicaId 4, not 3') });
    expect(await refused(22, (await reply(22, 40, bytes, { kernel: 'mc.season@1' })).body))
      .toMatchObject({ status: 'unavailable', reason: expect.stringContaining('is for kernel mc.season@1') });
    expect(await refused(23, { ...(await reply(24, 40, bytes)).body, wuId: 23 }))
      .toMatchObject({ status: 'unavailable', reason: expect.stringContaining('is for wuId 24, not 23') });
    // No signature at all, or one naming another maker than the signed packet does.
    const { signature: _, ...unsigned } = (await reply(25, 40, bytes)).body;
    expect(await refused(25, unsigned)).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('malformed') });
    expect(await refused(26, { ...(await reply(26, 40, bytes)).body, maker: { hostId: MAKER, replicaId: 9 } }))
      .toMatchObject({ status: 'unavailable', reason: expect.stringContaining('the packet names host') });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { importPrivate, keyId, newEd25519KeyPair, type PrivateKey } from '@nfl-grid/shared/signing/keys';
import { signWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { captureLog } from '../../../test/support/capture-log';
import { checkWorkPacket, coordinatorKeys } from './verify-work';

const HOST = '0b7f8f0e-3c1a-4c55-8b1e-6f4f0d6a2c11';
const OTHER_HOST = '9a2e4c6d-1b3f-4a5e-8c7d-0e1f2a3b4c5d';

const item = (replicaId: number): WorkItem => ({
  wuId: replicaId, replicaId, kernel: 'bench.hash@1', params: { rounds: 10 }, seed: 1, inputs: [], costEstimate: 1,
  deadline: Date.now() + 60_000, resumeFrom: null,
});

let coordinatorKey: PrivateKey;
let impostorKey: PrivateKey;
let kid: string;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  const real = await newEd25519KeyPair();
  const impostor = await newEd25519KeyPair();
  coordinatorKey = await importPrivate(real.privateJwk);
  impostorKey = await importPrivate(impostor.privateJwk);
  kid = await keyId(real.publicJwk);
  jwks = { keys: [{ ...real.publicJwk, kid, alg: 'EdDSA', use: 'sig' }] };
});

describe('checkWorkPacket', () => {
  it('accepts a packet signed by the coordinator for this host, and logs it', async () => {
    const log = captureLog();
    const jws = await signWorkPacket(coordinatorKey, kid, HOST, [item(1), item(2)], 600);
    const check = await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, log);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.claims.items.map((i) => i.replicaId)).toEqual([1, 2]);
    expect(log.text()).toContain('work packet verified replicas=1,2');
  });

  it('refuses a forged signature (another key claiming the coordinator kid)', async () => {
    const log = captureLog();
    const jws = await signWorkPacket(impostorKey, kid, HOST, [item(3)], 600);
    const check = await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, log);
    expect(check).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(log.text()).toContain('work packet refused (bad_signature)');
  });

  it('refuses a packet with a tampered payload', async () => {
    const jws = await signWorkPacket(coordinatorKey, kid, HOST, [item(4)], 600);
    const [h, p, s] = jws.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    claims.items[0].params.rounds = 1;
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(await checkWorkPacket(tampered, createLocalJWKSet(jwks), HOST, captureLog())).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('refuses a packet for another host', async () => {
    const log = captureLog();
    const jws = await signWorkPacket(coordinatorKey, kid, OTHER_HOST, [item(5)], 600);
    const check = await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, log);
    expect(check).toMatchObject({ ok: false, code: 'wrong_host' });
    expect(log.text()).toContain('work packet refused (wrong_host)');
  });

  it('refuses an expired packet', async () => {
    const signedAt = Date.now() - 3_600_000;
    const jws = await signWorkPacket(coordinatorKey, kid, HOST, [item(6)], 600, signedAt);
    const check = await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, captureLog());
    expect(check).toMatchObject({ ok: false, code: 'expired' });
    // The same packet is fine while it is fresh.
    expect((await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, captureLog(), signedAt + 1000)).ok).toBe(true);
  });

  it('refuses a packet signed with a key the coordinator does not publish', async () => {
    const jws = await signWorkPacket(impostorKey, 'unknown-kid', HOST, [item(7)], 600);
    expect(await checkWorkPacket(jws, createLocalJWKSet(jwks), HOST, captureLog())).toMatchObject({ ok: false, code: 'unknown_key' });
  });

  it('refuses garbage without throwing', async () => {
    expect(await checkWorkPacket('a.b.c', createLocalJWKSet(jwks), HOST, captureLog())).toMatchObject({ ok: false });
  });
});

describe('coordinatorKeys (JWKS over HTTP)', () => {
  let server: Server;
  let base: string;
  let fetches = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/grid/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/grid`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('verifies against the published keys and still refuses forgeries', async () => {
    const keys = coordinatorKeys(base);
    const good = await signWorkPacket(coordinatorKey, kid, HOST, [item(8)], 600);
    expect((await checkWorkPacket(good, keys, HOST, captureLog())).ok).toBe(true);
    const forged = await signWorkPacket(impostorKey, kid, HOST, [item(9)], 600);
    expect(await checkWorkPacket(forged, keys, HOST, captureLog())).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(fetches).toBe(1);
  });
});

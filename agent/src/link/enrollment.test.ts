import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hardware } from '@nfl-grid/shared/protocol/host-report';
import { importPrivate, importPublic } from '@nfl-grid/shared/signing/keys';
import { signResultPacket, verifyResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { testSettings } from '../../../test/support/agent-settings';
import { captureLog } from '../../../test/support/capture-log';
import type { AgentSettings } from '../config';
import { ConfigError, IdentityError } from '../errors';
import { ensureIdentity } from './enrollment';
import { loadIdentity } from './identity-file';

const HOST = '3d0c8a52-7f6b-4b8e-9a51-2c4d6e8f0a1b';
const hardware: Hardware = { platform: 'linux', arch: 'x64', cpuModel: 'test', cores: 4, memoryMb: 8192, gpus: [] };
const enrollments: Array<Record<string, unknown>> = [];
const GOOD_TOKEN = 'nfl_enroll_' + 'G'.repeat(32);
const UNKNOWN_TOKEN = 'nfl_enroll_' + 'U'.repeat(32);
/** Well formed here, but the coordinator's request schema refuses it (as it does a cut-off token). */
const SCHEMA_REFUSED_TOKEN = 'nfl_enroll_' + 'S'.repeat(32);

let server: Server;
let coordinator: string;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method !== 'POST' || req.url !== '/api/v1/hosts/enroll') return void res.writeHead(404).end();
    const json = JSON.parse(body) as Record<string, unknown>;
    enrollments.push(json);
    if (json.token === SCHEMA_REFUSED_TOKEN) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_request', message: 'Too small: expected string to have >=19 characters', field: 'token' } }));
      return;
    }
    if (json.token !== GOOD_TOKEN) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_enrollment_token', message: 'token unknown or used up', field: 'token' } }));
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ hostId: HOST, ownerId: 'owner-1', credential: 'credential-for-' + HOST }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  coordinator = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nfl-agent-identity-'));
  enrollments.length = 0;
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const settings = (o: Partial<AgentSettings> = {}): AgentSettings => testSettings({
  coordinator, token: GOOD_TOKEN, intensity: 'low', dataDir, name: 'test-host', agentVersion: '0.0.0', ...o,
});

describe('ensureIdentity', () => {
  it('enrolls on first run and stores the identity with mode 0600', async () => {
    const id = await ensureIdentity(settings(), hardware, captureLog());
    expect(id).toMatchObject({ hostId: HOST, ownerId: 'owner-1', credential: 'credential-for-' + HOST, coordinator });
    expect(enrollments).toHaveLength(1);
    expect(enrollments[0]).toMatchObject({ token: GOOD_TOKEN, name: 'test-host', hardware, publicKey: { kty: 'OKP', crv: 'Ed25519' } });
    expect(enrollments[0]!.publicKey).not.toHaveProperty('d');
    expect((await stat(join(dataDir, 'identity.json'))).mode & 0o777).toBe(0o600);
    expect(await loadIdentity(dataDir)).toEqual(id);

    // The stored private key signs results that the enrolled public key verifies.
    const jws = await signResultPacket(await importPrivate(id.privateJwk), HOST, [{ replicaId: 1, output: 1, outputSha256: 'b'.repeat(64), cpuSeconds: 0, elapsedSeconds: 0, steps: 1 }]);
    const pub = await importPublic(enrollments[0]!.publicKey as never);
    expect((await verifyResultPacket(jws, pub, HOST)).results[0]!.replicaId).toBe(1);
  });

  it('reuses the stored identity without a token', async () => {
    const first = await ensureIdentity(settings(), hardware, captureLog());
    const again = await ensureIdentity(settings({ token: null }), hardware, captureLog());
    expect(again).toEqual(first);
    expect(enrollments).toHaveLength(1);
  });

  it('says what to do when not enrolled and no token is given', async () => {
    const e = await ensureIdentity(settings({ token: null }), hardware, captureLog()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('not_enrolled');
  });

  it('reports a refused token with the coordinator error code and stores nothing', async () => {
    const e = await ensureIdentity(settings({ token: UNKNOWN_TOKEN }), hardware, captureLog()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(IdentityError);
    expect((e as IdentityError).code).toBe('enroll_refused');
    expect((e as IdentityError).status).toBe(401);
    expect((e as IdentityError).message).toContain('bad_enrollment_token: token unknown or used up (field token)');
    expect(await loadIdentity(dataDir)).toBeNull();
  });

  it('says a cut-off token is invalid or incomplete, and sends nothing', async () => {
    for (const token of [GOOD_TOKEN.slice(0, 30), 'nfl_enroll', 'good-token', GOOD_TOKEN.slice(0, -1) + '!']) {
      const e = await ensureIdentity(settings({ token }), hardware, captureLog()).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).message).toMatch(/^this enrollment token is invalid or incomplete/);
    }
    expect(enrollments).toEqual([]);
    expect(await loadIdentity(dataDir)).toBeNull();
  });

  it("says the same when the coordinator's request schema refuses the token, not the schema's words", async () => {
    const e = await ensureIdentity(settings({ token: SCHEMA_REFUSED_TOKEN }), hardware, captureLog()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(IdentityError);
    expect((e as IdentityError).code).toBe('enroll_refused');
    expect((e as IdentityError).message).toMatch(/this enrollment token is invalid or incomplete/);
    expect((e as IdentityError).message).not.toMatch(/Too small/);
  });

  it('refuses a damaged identity.json instead of enrolling again', async () => {
    await writeFile(join(dataDir, 'identity.json'), '{"hostId": 3}');
    const e = await ensureIdentity(settings(), hardware, captureLog()).catch((err: unknown) => err);
    expect((e as IdentityError).code).toBe('identity_corrupt');
    expect(await readFile(join(dataDir, 'identity.json'), 'utf8')).toBe('{"hostId": 3}');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { startAgent, type Watched } from './support/processes';
import { connectRaw, enrollRaw, helloFor } from './support/raw-agent';
import { dbKinds } from './support/test-db';

/*
 * A host credential is not enough to be the host: hello must prove the host key, a stolen
 * credential is refused while the real agent keeps its connection and its work, a second holder
 * of the key is refused (and the admin told) unless the first connection is dead, and
 * credentials expire and are renewed to agents that prove their key.
 */

let grid: TestGrid | null = null;
const extra: Watched[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((a) => a.kill('SIGKILL')));
  await grid?.stop();
  grid = null;
});

const identityOf = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, 'identity.json'), 'utf8'));

async function eventsOf(g: TestGrid, kind: string, hostId: string) {
  return g.testDb.db.rows<{ data: Record<string, string> }>(sql`SELECT data FROM events WHERE kind = ${kind} AND subject = ${hostId} ORDER BY id`);
}

/** A credential signed with the coordinator's own key, with the times a test needs. */
async function credentialAt(g: TestGrid, hostId: string, ownerId: string, iat: number, exp: number): Promise<string> {
  const stored = JSON.parse(readFileSync(join(g.c.grid.config.dataDir, 'signing-key.json'), 'utf8'));
  return new SignJWT({ own: ownerId }).setProtectedHeader({ alg: 'EdDSA', kid: stored.kid, typ: 'JWT' })
    .setIssuer('nfl-grid-coordinator').setAudience('nfl-grid-host').setSubject(hostId)
    .setIssuedAt(iat).setExpirationTime(exp).sign(await importPrivate(stored.privateJwk));
}

async function volunteerToken(g: TestGrid, name: string): Promise<string> {
  const u = await g.createUser(name, 'volunteer');
  return (await u.api.post('/api/v1/enrollment-tokens', {})).body.token;
}

describe.each(dbKinds())('stolen credentials on %s', (kind) => {
  it('refuses a thief holding the credential but not the key; the real agent stays connected and keeps working', async () => {
    grid = await startTestGrid(kind);
    const agent = await grid.volunteerAgent('victim');
    const { credential, hostId } = identityOf(agent.dataDir);
    const thiefKey = await importPrivate((await newEd25519KeyPair()).privateJwk);

    // Signed with the thief's own key: the proof does not verify against the host's key.
    const thief = await connectRaw(grid.url, { hostId, credential, privateKey: thiefKey });
    thief.send(helloFor(credential, { holding: [] }));
    expect((await thief.next('error')).code).toBe('bad_hello_proof');
    expect((await thief.closed).code).toBe(4401);
    // No proof at all.
    const bare = await connectRaw(grid.url, { hostId, credential, privateKey: thiefKey });
    bare.sendRaw(JSON.stringify(helloFor(credential)));
    expect((await bare.next('error')).code).toBe('hello_proof_missing');
    expect((await bare.closed).code).toBe(4401);
    // A real proof captured from another connection and replayed: signed for that nonce, not this one.
    const realKey = await importPrivate(identityOf(agent.dataDir).privateJwk);
    const captured = await connectRaw(grid.url, { hostId, credential, privateKey: realKey });
    const replay = await connectRaw(grid.url, { hostId, credential, privateKey: thiefKey });
    replay.sendRaw(JSON.stringify(await captured.sign(helloFor(credential), 0)));
    expect((await replay.next('error')).code).toBe('bad_hello_proof');
    captured.close();

    const refused = await eventsOf(grid, 'host.hello_refused', hostId);
    expect(refused.map((e) => e.data.code)).toEqual(['bad_hello_proof', 'hello_proof_missing', 'bad_hello_proof']);
    // The thief's hardware never reached the host row, and the real agent was never disconnected.
    const [host] = await grid.testDb.db.rows<{ hardware: { cpuModel: string }; online: boolean }>(sql`SELECT hardware, online FROM hosts WHERE id = ${hostId}`);
    expect(host!.hardware.cpuModel).not.toBe('test cpu');
    expect(host!.online).toBe(true);
    expect(grid.c.grid.agents.isOnline(hostId)).toBe(true);
    expect(agent.lines.filter((l) => /connection lost/.test(l))).toEqual([]);

    // And it keeps working: a batch submitted after the attack is computed by it.
    const researcher = await grid.createUser('rita', 'researcher');
    const submit = await researcher.api.post('/api/v1/batches', {
      name: 'after the theft', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, grid: { rounds: [10, 20, 30] }, policy: { minQuorum: 1, adaptive: false },
    });
    expect(submit.status).toBe(201);
    await eventually(async () => (await researcher.api.get(`/api/v1/batches/${submit.body.batchId}`)).body.state === 'done', 60_000, 'batch done');
    const [done] = await grid.testDb.db.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM replicas r JOIN work_units w ON w.id = r.wu_id
       WHERE w.batch_id = ${submit.body.batchId} AND r.host_id = ${hostId} AND r.state = 'reported'`);
    expect(done!.n).toBe(3);
    expect(agent.lines.filter((l) => /connection lost/.test(l))).toEqual([]);
  }, 120_000);

  it('refuses a second holder of the key while the first answers its challenge, and replaces a silent first connection', async () => {
    grid = await startTestGrid(kind, { NFL_GRID_LIVE_CHECK_MS: '1000' });
    // A copied data folder: a second agent with the real key, while the real agent is live.
    const agent = await grid.volunteerAgent('original');
    const ident = identityOf(agent.dataDir);
    const copy = await connectRaw(grid.url, { hostId: ident.hostId, credential: ident.credential, privateKey: await importPrivate(ident.privateJwk) });
    copy.send(helloFor(ident.credential));
    const err = await copy.next('error');
    expect(err.code).toBe('host_already_connected');
    expect((await copy.closed).code).toBe(4409);
    expect(grid.c.grid.agents.isOnline(ident.hostId)).toBe(true);
    expect(agent.lines.filter((l) => /connection lost/.test(l))).toEqual([]);
    expect((await eventsOf(grid, 'host.second_connection', ident.hostId)).map((e) => e.data.outcome)).toEqual(['refused']);
    // The admin sees it in the event feed.
    const feed = await grid.admin.get('/api/v1/events?kind=host.second_connection');
    expect(feed.body.events).toEqual([expect.objectContaining({ subject: ident.hostId })]);

    // A first connection that no longer answers (a dead socket) gives way to the newer one.
    const raw = await enrollRaw(grid.url, await volunteerToken(grid, 'flaky'), 'flaky');
    const old = await connectRaw(grid.url, raw);
    old.send(helloFor(raw.credential));
    await old.next('welcome');
    old.answerChallenges = false;
    const fresh = await connectRaw(grid.url, raw);
    fresh.send(helloFor(raw.credential));
    await fresh.next('welcome', 5000);
    expect((await old.closed).code).toBe(4000);
    expect((await eventsOf(grid, 'host.second_connection', raw.hostId)).map((e) => e.data.outcome)).toEqual(['replaced']);
    fresh.send({ type: 'request_work', max: 1 });
    expect((await fresh.next('no_work')).retryAfterMs).toBeGreaterThan(0);
    fresh.close();
  }, 120_000);

  it('refuses unsigned, mis-signed and replayed error and bye messages', async () => {
    grid = await startTestGrid(kind);
    const researcher = await grid.createUser('rita', 'researcher');
    const raw = await enrollRaw(grid.url, await volunteerToken(grid, 'holder'), 'holder');
    const one = await connectRaw(grid.url, raw);
    one.send(helloFor(raw.credential));
    await one.next('welcome');
    const submit = await researcher.api.post('/api/v1/batches', { name: 'one', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, policy: { minQuorum: 1, adaptive: false } });
    expect(submit.status).toBe(201);
    one.send({ type: 'request_work', max: 1 });
    const work = await one.next('work');
    const replicaId = JSON.parse(Buffer.from(work.jws.split('.')[1], 'base64url').toString()).items[0].replicaId as number;
    const stateOf = async () => (await grid!.testDb.db.rows<{ state: string }>(sql`SELECT state FROM replicas WHERE id = ${replicaId}`))[0]!.state;

    const error = { type: 'error', replicaId, code: 'kernel_failed', message: 'not really' };
    const bye = { type: 'bye', reason: 'not really', abandon: [replicaId] };
    // Unsigned.
    one.sendRaw(JSON.stringify(error));
    expect((await one.next('error')).code).toBe('unsigned_message');
    one.sendRaw(JSON.stringify(bye));
    expect((await one.next('error')).code).toBe('unsigned_message');
    // Signed by another key.
    const other = await importPrivate((await newEd25519KeyPair()).privateJwk);
    const forger = await connectRaw(grid.url, { ...raw, privateKey: other });
    forger.close();
    one.sendRaw(JSON.stringify({ ...(await forger.sign(error, 50, one.nonce)) }));
    expect((await one.next('error')).code).toBe('bad_message_signature');
    // Signed on this connection, sent twice: the second is a replay.
    const note = await one.sign({ type: 'error', replicaId: null, code: 'note', message: 'once' }, 60);
    one.sendRaw(JSON.stringify(note));
    one.sendRaw(JSON.stringify(note));
    expect((await one.next('error')).code).toBe('bad_message_signature');
    // Captured on this connection, replayed on the host's next one.
    const capturedBye = await one.sign(bye, 70);
    const capturedError = await one.sign(error, 71);
    expect(await stateOf()).toBe('in_progress');
    one.close();
    await one.closed;

    const two = await connectRaw(grid.url, raw);
    two.send(helloFor(raw.credential, { holding: [replicaId] }));
    await two.next('welcome');
    two.sendRaw(JSON.stringify(capturedBye));
    expect((await two.next('error')).code).toBe('bad_message_signature');
    two.sendRaw(JSON.stringify(capturedError));
    expect((await two.next('error')).code).toBe('bad_message_signature');
    expect(await stateOf()).toBe('in_progress');
    expect(two.ws.readyState).toBe(two.ws.OPEN);
    // Properly signed on this connection, the same bye is taken.
    two.send(bye);
    expect((await two.closed).code).toBe(1000);
    expect(await stateOf()).toBe('abandoned');
    const notes = await eventsOf(grid, 'agent.error', raw.hostId);
    expect(notes.map((e) => e.data.code)).toEqual(['note']);
  }, 120_000);

  it('expires credentials and renews them to an agent that proves its key; the agent stores and uses the new one', async () => {
    grid = await startTestGrid(kind);
    const first = await grid.volunteerAgent('renewing');
    const { hostId, ownerId } = identityOf(first.dataDir);
    await first.kill('SIGTERM');
    const now = Math.floor(Date.now() / 1000);
    const inputUrl = `${grid.url}/api/v1/inputs/${'a'.repeat(64)}`;
    const rest = (cred: string) => fetch(inputUrl, { headers: { authorization: `Bearer ${cred}` } });

    // Expired: refused on the REST routes and, without the key, at hello.
    const expired = await credentialAt(grid, hostId, ownerId, now - 40 * 86400, now - 10 * 86400);
    const refusedRest = await rest(expired);
    expect(refusedRest.status).toBe(401);
    expect((await refusedRest.json()).error.code).toBe('host_credential_expired');
    const thief = await connectRaw(grid.url, { hostId, credential: expired, privateKey: await importPrivate((await newEd25519KeyPair()).privateJwk) });
    thief.send(helloFor(expired));
    expect((await thief.next('error')).code).toBe('bad_hello_proof');

    // The agent itself, with the key, is welcomed and handed a fresh credential, which it stores.
    writeFileSync(join(first.dataDir, 'identity.json'), JSON.stringify({ ...identityOf(first.dataDir), credential: expired }));
    const second = startAgent({ coordinator: grid.url, dataDir: first.dataDir, name: 'renewing-2' });
    extra.push(second);
    await second.waitFor(/host credential renewed and stored/, 60_000);
    const renewed = identityOf(first.dataDir).credential as string;
    expect(renewed).not.toBe(expired);
    expect(await grid.c.grid.keys.verifyHostCredential(renewed)).toEqual({ hostId, ownerId });
    expect((await rest(renewed)).status).toBe(404);
    await second.kill('SIGTERM');

    // Past half its life but not expired: renewed too.
    const aging = await credentialAt(grid, hostId, ownerId, now - 20 * 86400, now + 10 * 86400);
    expect((await rest(aging)).status).toBe(404);
    writeFileSync(join(first.dataDir, 'identity.json'), JSON.stringify({ ...identityOf(first.dataDir), credential: aging }));
    const third = startAgent({ coordinator: grid.url, dataDir: first.dataDir, name: 'renewing-3' });
    extra.push(third);
    await third.waitFor(/host credential renewed and stored/, 60_000);
    const again = identityOf(first.dataDir).credential as string;
    expect(again).not.toBe(aging);
    await third.kill('SIGTERM');

    // The next start says hello with the stored credential: fresh, so nothing is renewed.
    const fourth = startAgent({ coordinator: grid.url, dataDir: first.dataDir, name: 'renewing-4' });
    extra.push(fourth);
    await fourth.waitFor(/agent ready host=/, 60_000);
    expect(fourth.lines.filter((l) => /renewed/.test(l))).toEqual([]);
    expect(identityOf(first.dataDir).credential).toBe(again);
  }, 180_000);
});

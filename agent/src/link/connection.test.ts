import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentMessage, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { verifyAgentMessage } from '@nfl-grid/shared/signing/agent-message';
import { importPrivate, importPublic, newEd25519KeyPair, type PrivateKey, type PublicKey } from '@nfl-grid/shared/signing/keys';
import { captureLog } from '../../../test/support/capture-log';
import { agentSocketUrl, Connection } from './connection';

const HOST = '5e2d7c1a-0b9f-4e3d-8c2b-1a0f9e8d7c6b';
const welcome = { type: 'welcome', hostId: HOST, serverTime: Date.now(), config: { intensity: 'low', checkpointIntervalSeconds: 30, progressIntervalSeconds: 1, paused: false }, dropped: [] };
const hello = (holding: number[]): AgentMessage => ({
  type: 'hello', token: 'credential-0123456789', agentVersion: 'test', intensity: 'low', backend: 'cpu', benchmarkFlops: 1e9, holding, kernels: ['bench.hash@1'],
  hardware: { platform: 'linux', arch: 'x64', cpuModel: 't', cores: 1, memoryMb: 1, gpus: [] },
});

let wss: WebSocketServer;
let url: string;
/** Frames the server received, per connection. */
let received: unknown[][];
let onConnection: (ws: WebSocket, n: number) => void;
/** The challenge nonce sent on each connection. */
let nonces: string[];
let key: PrivateKey;
let publicKey: PublicKey;

beforeEach(async () => {
  received = [];
  nonces = [];
  const pair = await newEd25519KeyPair();
  key = await importPrivate(pair.privateJwk);
  publicKey = await importPublic(pair.publicJwk);
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/agent' });
  wss.on('connection', (ws) => {
    const frames: unknown[] = [];
    received.push(frames);
    const n = received.length;
    nonces.push(`nonce-of-connection-${n}-0123456789`);
    ws.send(JSON.stringify({ type: 'challenge', nonce: nonces[n - 1] }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { type: string };
      frames.push(msg);
      if (msg.type === 'hello') onConnection(ws, n);
    });
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`;
});
afterEach(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

function connect(log = captureLog()) {
  const events: string[] = [];
  const messages: CoordinatorMessage[] = [];
  let holding = [1];
  const conn = new Connection({ url, log, backoff: { initialMs: 40, maxMs: 200 }, welcomeTimeoutMs: 2000, signer: { hostId: HOST, key } });
  const start = () => conn.start({
    hello: async () => hello(holding),
    onWelcome: () => events.push('welcome'),
    onMessage: (m) => messages.push(m),
    onDisconnect: () => events.push('disconnect'),
  });
  return { conn, start, events, messages, log, setHolding: (h: number[]) => (holding = h) };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Connection', () => {
  it('derives the socket URL from the coordinator URL', () => {
    expect(agentSocketUrl('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/agent');
    expect(agentSocketUrl('https://grid.example.org/nfl')).toBe('wss://grid.example.org/nfl/agent');
  });

  it('says hello, ignores bad frames, and passes well-formed messages on after welcome', async () => {
    onConnection = (ws) => {
      ws.send('this is not json');
      ws.send(JSON.stringify({ type: 'no_work', retryAfterMs: 5 }));
      ws.send(JSON.stringify(welcome));
      ws.send(JSON.stringify({ type: 'launch_missiles' }));
      ws.send(JSON.stringify({ type: 'no_work', retryAfterMs: -1 }));
      ws.send(JSON.stringify({ type: 'no_work', retryAfterMs: 250 }));
    };
    const { conn, start, events, messages, log } = connect();
    start();
    await until(() => messages.length === 1);
    expect(received[0]![0]).toMatchObject({ type: 'hello', holding: [1] });
    expect(events).toEqual(['welcome']);
    expect(messages).toEqual([{ type: 'no_work', retryAfterMs: 250 }]);
    expect(conn.ready).toBe(true);
    expect(log.lines.filter((l) => l.msg.startsWith('ignored a bad frame'))).toHaveLength(3);
    expect(log.text()).toContain('ignored no_work before welcome');
    await conn.close();
  });

  it('reconnects with backoff after the socket drops and says hello again', async () => {
    onConnection = (ws, n) => {
      ws.send(JSON.stringify(welcome));
      if (n === 1) setTimeout(() => ws.terminate(), 20);
    };
    const { conn, start, events, log, setHolding } = connect();
    setHolding([1, 2]);
    start();
    await until(() => events.length === 3);
    expect(events).toEqual(['welcome', 'disconnect', 'welcome']);
    expect(received).toHaveLength(2);
    expect(received[1]![0]).toMatchObject({ type: 'hello', holding: [1, 2] });
    expect(log.text()).toMatch(/connection lost \(.*\); reconnecting in \d+ms \(attempt 1\)/);
    await conn.close();
  });

  it('keeps trying while the coordinator is down, with growing delays', async () => {
    onConnection = () => undefined;
    const port = (wss.address() as AddressInfo).port;
    await new Promise<void>((r) => wss.close(() => r()));
    const { conn, start, log } = connect();
    start();
    await until(() => log.lines.filter((l) => l.msg.startsWith('connection lost')).length >= 4);
    const delays = log.lines.filter((l) => l.msg.startsWith('connection lost')).map((l) => l.fields!.delayMs as number);
    delays.forEach((d, i) => {
      const cap = Math.min(200, 40 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(cap / 2);
      expect(d).toBeLessThanOrEqual(cap);
    });
    await conn.close();
    wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((r) => wss.once('listening', () => r()));
  });

  it('sends bye on close and stops reconnecting', async () => {
    onConnection = (ws) => ws.send(JSON.stringify(welcome));
    const { conn, start, events } = connect();
    start();
    await until(() => events.includes('welcome'));
    expect(conn.send({ type: 'request_work', max: 2 })).toBe(true);
    await conn.close({ type: 'bye', reason: 'test over', abandon: [4] });
    await until(() => received[0]!.some((m) => (m as { type: string }).type === 'bye'));
    expect(received[0]).toContainEqual(expect.objectContaining({ type: 'bye', reason: 'test over', abandon: [4] }));
    expect(received[0]).toContainEqual(expect.objectContaining({ type: 'request_work', max: 2 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    expect(conn.send({ type: 'request_work', max: 1 })).toBe(false);
  });

  it('signs every message for its connection in order, and answers a later challenge', async () => {
    onConnection = (ws) => ws.send(JSON.stringify(welcome));
    const { conn, start, events } = connect();
    start();
    await until(() => events.includes('welcome'));
    expect(conn.send({ type: 'request_work', max: 2 })).toBe(true);
    expect(conn.send({ type: 'error', replicaId: 7, code: 'kernel_failed', message: 'boom' })).toBe(true);
    const ws = [...wss.clients][0]!;
    ws.send(JSON.stringify({ type: 'challenge', nonce: 'a-later-challenge-0123456789' }));
    await until(() => received[0]!.length === 4);
    const frames = received[0] as (AgentMessage & { sig: { seq: number; sig: string } })[];
    expect(frames.map((f) => [f.type, f.sig.seq])).toEqual([['hello', 0], ['request_work', 1], ['error', 2], ['still_here', 3]]);
    expect(frames[3]).toMatchObject({ nonce: 'a-later-challenge-0123456789' });
    const ctx = { nonce: nonces[0]!, hostId: HOST };
    for (const f of frames) expect(await verifyAgentMessage(publicKey, ctx, f)).toBe(true);
    // Bound to this connection and this body: another nonce, another host or an edited body fail.
    expect(await verifyAgentMessage(publicKey, { ...ctx, nonce: 'another-connection-0123456789' }, frames[2]!)).toBe(false);
    expect(await verifyAgentMessage(publicKey, { ...ctx, hostId: '00000000-0000-4000-8000-000000000001' }, frames[2]!)).toBe(false);
    expect(await verifyAgentMessage(publicKey, ctx, { ...frames[2]!, message: 'edited' } as never)).toBe(false);
    expect(await verifyAgentMessage(publicKey, ctx, { ...frames[2]!, sig: { ...frames[2]!.sig, seq: 9 } } as never)).toBe(false);
    await conn.close();
  });
});

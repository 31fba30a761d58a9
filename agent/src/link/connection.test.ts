import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AgentMessage, CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
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

beforeEach(async () => {
  received = [];
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/agent' });
  wss.on('connection', (ws) => {
    const frames: unknown[] = [];
    received.push(frames);
    const n = received.length;
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
  const conn = new Connection({ url, log, backoff: { initialMs: 40, maxMs: 200 }, welcomeTimeoutMs: 2000 });
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
    expect(received[0]).toContainEqual({ type: 'bye', reason: 'test over', abandon: [4] });
    expect(received[0]).toContainEqual({ type: 'request_work', max: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    expect(conn.send({ type: 'request_work', max: 1 })).toBe(false);
  });
});

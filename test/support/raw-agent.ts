import WebSocket from 'ws';
import type { JWK } from 'jose';
import { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';

/**
 * A protocol-level client for tests that must send what a well-behaved agent never would:
 * it enrolls like an agent, then speaks raw frames and collects the coordinator's replies.
 */
export interface RawAgent {
  hostId: string;
  credential: string;
  privateKey: CryptoKey;
  ws: WebSocket;
  received: CoordinatorMessage[];
  sendRaw(data: string | Buffer): void;
  send(msg: unknown): void;
  next(type: string, timeoutMs?: number): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

const HARDWARE = { platform: 'linux', arch: 'x64', cpuModel: 'test cpu', cores: 2, memoryMb: 4096, gpus: [] };

export async function enrollRaw(url: string, token: string, name = 'raw'): Promise<{ hostId: string; credential: string; privateKey: CryptoKey; publicJwk: JWK }> {
  const pair = await newEd25519KeyPair();
  const res = await fetch(`${url}/api/v1/hosts/enroll`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey: pair.publicJwk, name, hardware: HARDWARE }),
  });
  if (res.status !== 201) throw new Error(`enroll failed: ${res.status} ${await res.text()}`);
  const body = await res.json() as { hostId: string; credential: string };
  return { ...body, privateKey: await importPrivate(pair.privateJwk), publicJwk: pair.publicJwk };
}

export async function connectRaw(url: string, ident: { hostId: string; credential: string; privateKey: CryptoKey }): Promise<RawAgent> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/agent');
  const received: CoordinatorMessage[] = [];
  const waiters: { type: string; resolve: (m: any) => void }[] = [];
  ws.on('message', (data) => {
    const parsed = CoordinatorMessage.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) throw new Error(`coordinator sent a frame outside the protocol: ${data.toString()}`);
    const msg = parsed.data;
    const w = waiters.find((x) => x.type === msg.type);
    if (w) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(msg);
    } else received.push(msg);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    ...ident,
    ws,
    received,
    sendRaw: (d) => ws.send(d),
    send: (m) => ws.send(JSON.stringify(m)),
    next(type, timeoutMs = 10_000) {
      const i = received.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(received.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(received)}`)), timeoutMs);
        waiters.push({ type, resolve: (m) => { clearTimeout(t); resolve(m); } });
      });
    },
    closed,
    close: () => ws.close(),
  };
}

export function helloFor(credential: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'hello', token: credential, agentVersion: 'test', hardware: HARDWARE, kernels: ['bench.hash@1', 'mc.season@1'],
    intensity: 'medium', backend: 'cpu', benchmarkFlops: 1e9, holding: [], ...extra,
  };
}

import WebSocket from 'ws';
import type { JWK } from 'jose';
import { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { needsSignature, signAgentMessage } from '@nfl-grid/shared/signing/agent-message';
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
  /** The nonce of the challenge that opened this socket. */
  nonce: string;
  received: CoordinatorMessage[];
  /** Answer later challenges with a signed `still_here` (as a live agent does); on by default. */
  answerChallenges: boolean;
  sendRaw(data: string | Buffer): void;
  /**
   * Sends a message as an agent would: signed with this host's key for this connection (hello as
   * message 0, then a rising sequence), unless it already carries `sig`. Sends keep their order.
   */
  send(msg: unknown): void;
  /** The message signed as `send` would sign it, with the given sequence number and nonce. */
  sign(msg: Record<string, unknown>, seq: number, nonce?: string): Promise<Record<string, unknown>>;
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
  let nonce: string | null = null;
  let opened!: (nonce: string) => void;
  const challenged = new Promise<string>((resolve) => (opened = resolve));
  let seq = 0;
  let queue = Promise.resolve();
  const sign = (msg: Record<string, unknown>, n: number, withNonce?: string) =>
    signAgentMessage(ident.privateKey, { nonce: withNonce ?? nonce!, hostId: ident.hostId }, n, msg);
  const send = (m: unknown) => {
    const msg = m as Record<string, unknown>;
    const signIt = typeof msg.type === 'string' && needsSignature(msg.type as never) && !('sig' in msg);
    const n = msg.type === 'hello' ? 0 : ++seq;
    queue = queue.then(async () => ws.send(JSON.stringify(signIt ? await sign(msg, n) : msg)));
  };
  const agent = { answerChallenges: true };
  ws.on('message', (data) => {
    const parsed = CoordinatorMessage.safeParse(JSON.parse(data.toString()));
    if (!parsed.success) throw new Error(`coordinator sent a frame outside the protocol: ${data.toString()}`);
    const msg = parsed.data;
    if (msg.type === 'challenge' && nonce === null) {
      nonce = msg.nonce;
      opened(msg.nonce);
      return;
    }
    if (msg.type === 'challenge' && agent.answerChallenges) send({ type: 'still_here', nonce: msg.nonce });
    const w = waiters.find((x) => x.type === msg.type);
    if (w) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(msg);
    } else received.push(msg);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const first = await challenged;
  return {
    ...ident,
    ws,
    nonce: first,
    received,
    get answerChallenges() { return agent.answerChallenges; },
    set answerChallenges(v: boolean) { agent.answerChallenges = v; },
    sendRaw: (d) => void (queue = queue.then(() => ws.send(d))),
    send,
    sign,
    next(type, timeoutMs = 10_000) {
      const i = received.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(received.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${JSON.stringify(received)}`)), timeoutMs);
        waiters.push({ type, resolve: (m) => { clearTimeout(t); resolve(m); } });
      });
    },
    closed,
    close: () => void (queue = queue.then(() => ws.close())),
  };
}

export function helloFor(credential: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'hello', token: credential, agentVersion: 'test', hardware: HARDWARE, kernels: ['bench.hash@1', 'mc.season@1'],
    intensity: 'medium', backend: 'cpu', benchmarkFlops: 1e9, holding: [], ...extra,
  };
}

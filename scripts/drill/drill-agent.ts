import WebSocket from 'ws';
import { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import { WorkPacketClaims, type WorkItem } from '@nfl-grid/shared/protocol/work-packet';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { needsSignature, signAgentMessage } from '@nfl-grid/shared/signing/agent-message';

/*
 * A volunteer for the cheating drills, in-process: it enrolls over HTTP, speaks the agent
 * protocol over a real websocket (a signed hello answering the coordinator's challenge, signed
 * messages, signed results) and runs bench.hash with
 * the real kernel. How it answers is its behaviour:
 *   honest    the kernel's output;
 *   collude   one wrong output every colluder computes alike (the right value with its low bit flipped);
 *   cheat     a wrong output of its own (a random value), agreeing with nobody;
 *   sleeper   honest until it has `wakeAfter` valid results, then colluding on everything.
 * The loop: ask for up to `packet` replicas, run them, report them in one signed packet, repeat;
 * on no_work wait as told (at most `idleMs`), until stop().
 */

export type Behaviour = 'honest' | 'collude' | 'cheat' | 'sleeper';

const noData = createKernelData(new Map());
const HARDWARE = { platform: 'linux', arch: 'x64', cpuModel: 'drill cpu', cores: 2, memoryMb: 4096, gpus: [] };

export interface DrillAgent {
  name: string;
  hostId: string;
  behaviour: Behaviour;
  /** Results it reported, and how many of them were wrong on purpose. */
  reported: number;
  wrong: number;
  /** Valid and invalid verdicts it was told of (credit messages). */
  valid: number;
  invalid: number;
  /** When a sleeper started cheating (epoch ms), or null. */
  wokeAt: number | null;
  /** Connections that reached a welcome. */
  sessions: number;
  stop(): Promise<void>;
  /** Drops the socket at once, and with it whatever work it held (a killed process, as the coordinator sees it). */
  crash(): void;
}

interface Ident { hostId: string; credential: string; privateKey: CryptoKey }

async function enroll(url: string, token: string, name: string): Promise<Ident> {
  const pair = await newEd25519KeyPair();
  const res = await fetch(`${url}/api/v1/hosts/enroll`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey: pair.publicJwk, name, hardware: HARDWARE }),
  });
  if (res.status !== 201) throw new Error(`enroll ${name}: ${res.status} ${await res.text()}`);
  const body = await res.json() as { hostId: string; credential: string };
  return { ...body, privateKey: await importPrivate(pair.privateJwk) };
}

function rightOutput(item: WorkItem): { value: number; rounds: number } {
  return runKernelSync(getKernel(item.kernel), item.params, item.seed, noData);
}

export async function startDrillAgent(url: string | (() => string), token: string, name: string, behaviour: Behaviour, opts: {
  packet?: number; idleMs?: number; wakeAfter?: number;
  /** Reconnect (after `reconnectMs`, to `url()` then) whenever the socket drops, as a real agent does; crash() drops it. */
  reconnect?: boolean; reconnectMs?: number;
} = {}): Promise<DrillAgent> {
  const urlNow = typeof url === 'string' ? () => url : url;
  const ident = await enroll(urlNow(), token, name);
  let stopped = false;
  let ws: WebSocket | null = null;
  let wakeAll: (() => void) | null = null;
  const agent: DrillAgent = {
    name, hostId: ident.hostId, behaviour, reported: 0, wrong: 0, valid: 0, invalid: 0, wokeAt: null, sessions: 0,
    async stop() {
      stopped = true;
      wakeAll?.();
      ws?.close();
      await done;
    },
    crash() { ws?.terminate(); },
  };

  const answer = (item: WorkItem) => {
    const right = rightOutput(item);
    const cheating = behaviour === 'collude' || behaviour === 'cheat' || (behaviour === 'sleeper' && agent.valid >= (opts.wakeAfter ?? Infinity));
    if (!cheating) return right;
    if (behaviour === 'sleeper') agent.wokeAt ??= Date.now();
    agent.wrong++;
    if (behaviour === 'cheat') return { value: (right.value ^ (1 + Math.floor(Math.random() * 0xffff))) >>> 0, rounds: right.rounds };
    return { value: (right.value ^ 1) >>> 0, rounds: right.rounds };
  };

  /** One connection, from the challenge until the socket closes; whatever it held is dropped with it. */
  const session = async (first: boolean): Promise<{ work: Promise<void> } | null> => {
    const sock = new WebSocket(urlNow().replace(/^http/, 'ws') + '/agent');
    ws = sock;
    const inbox: CoordinatorMessage[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    wakeAll = () => wake?.();
    sock.on('message', (data) => {
      const parsed = CoordinatorMessage.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'credit') {
        for (const r of m.results) if (r.valid) agent.valid++; else agent.invalid++;
        return;
      }
      inbox.push(m);
      wake?.();
    });
    sock.on('close', () => { closed = true; wake?.(); });
    sock.on('error', () => { closed = true; wake?.(); });
    const open = await new Promise<boolean>((resolve) => { sock.once('open', () => resolve(true)); sock.once('error', () => resolve(false)); });
    if (!open) {
      if (first) throw new Error(`${name}: could not connect`);
      return null;
    }
    const next = async (types: string[], timeoutMs: number): Promise<CoordinatorMessage | null> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const i = inbox.findIndex((m) => types.includes(m.type));
        if (i >= 0) return inbox.splice(i, 1)[0]!;
        if (stopped || closed || Date.now() >= end) return null;
        await new Promise<void>((r) => { wake = r; setTimeout(r, Math.max(1, end - Date.now())); });
        wake = null;
      }
    };
    // The coordinator opens with a challenge: hello signs its nonce (sequence 0), every later
    // message but a result is signed on this connection with a rising sequence number.
    const challenge = await next(['challenge'], 10_000);
    if (!challenge || challenge.type !== 'challenge') {
      sock.terminate();
      if (first) throw new Error(`${name}: no challenge`);
      return null;
    }
    let seq = 0;
    let queue = Promise.resolve();
    const send = (m: { type: string } & Record<string, unknown>) => {
      const n = m.type === 'hello' ? 0 : ++seq;
      queue = queue.then(async () => {
        const signed = needsSignature(m.type as never) ? await signAgentMessage(ident.privateKey, { nonce: challenge.nonce, hostId: ident.hostId }, n, m) : m;
        if (!stopped && !closed) sock.send(JSON.stringify(signed));
      });
    };
    // A later challenge on a live connection asks whether the agent is still there.
    const answerChallenges = setInterval(() => {
      const i = inbox.findIndex((m) => m.type === 'challenge');
      if (i >= 0) {
        const c = inbox.splice(i, 1)[0] as { nonce: string };
        send({ type: 'still_here', nonce: c.nonce });
      }
    }, 200);
    send({ type: 'hello', token: ident.credential, agentVersion: 'drill', hardware: HARDWARE, kernels: ['bench.hash@1'], intensity: 'high', backend: 'cpu', benchmarkFlops: 1e9, holding: [] });
    if (!(await next(['welcome'], 10_000))) {
      clearInterval(answerChallenges);
      sock.terminate();
      if (first) throw new Error(`${name}: no welcome`);
      return null;
    }
    agent.sessions++;
    const work = async () => {
      while (!stopped && !closed) {
        send({ type: 'request_work', max: opts.packet ?? 2 });
        const m = await next(['work', 'no_work'], 10_000);
        if (!m) continue;
        if (m.type === 'no_work') {
          await next(['__never__'], Math.min(m.retryAfterMs, opts.idleMs ?? 300));
          continue;
        }
        if (m.type !== 'work') continue;
        const claims = WorkPacketClaims.parse(JSON.parse(Buffer.from(m.jws.split('.')[1]!, 'base64url').toString()));
        const results = await Promise.all(claims.items.map(async (item) => {
          const output = answer(item);
          return {
            replicaId: item.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)),
            cpuSeconds: item.costEstimate / 1e9, elapsedSeconds: 0.01, steps: getKernel(item.kernel).totalSteps(item.params),
          };
        }));
        if (stopped || closed) break;
        send({ type: 'result', jws: await signResultPacket(ident.privateKey, ident.hostId, results) });
        agent.reported += results.length;
        await next(['result_ack'], 10_000);
      }
    };
    return { work: work().catch(() => {}).finally(() => clearInterval(answerChallenges)) };
  };

  const firstSession = (await session(true))!;
  const loop = async () => {
    await firstSession.work;
    while (!stopped && opts.reconnect) {
      await new Promise((r) => setTimeout(r, opts.reconnectMs ?? 500));
      if (stopped) break;
      const s = await session(false).catch(() => null);
      await s?.work;
    }
  };
  const done = loop().catch(() => {});
  return agent;
}

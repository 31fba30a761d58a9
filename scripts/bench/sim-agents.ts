/*
 * Simulated agents for the throughput benchmark: N real protocol clients in this one process
 * (each enrolled as its own volunteer's host, with its own Ed25519 key), doing bench.hash work
 * instantly. They verify every work packet, sign hello over the coordinator's challenge, and sign
 * every other message and every result packet, as nfl-agent does.
 * Driven by the parent over IPC: { tokens, url, packet } in; ready / started / done events out.
 */
import { createLocalJWKSet } from 'jose';
import WebSocket from 'ws';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { CoordinatorMessage } from '@nfl-grid/shared/protocol/messages';
import type { ResultItem } from '@nfl-grid/shared/protocol/work-packet';
import { signAgentMessage } from '@nfl-grid/shared/signing/agent-message';
import { importPrivate, newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { signResultPacket } from '@nfl-grid/shared/signing/result-packet';
import { verifyWorkPacket } from '@nfl-grid/shared/signing/work-packet';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';

interface Start { url: string; tokens: string[]; packet: number }
const send = (m: unknown) => process.send!(m);
const hardware = { platform: 'linux', arch: 'x64', cpuModel: 'sim', cores: 1, memoryMb: 1024, gpus: [] };
const kernel = getKernel('bench.hash@1');
const noData = { dataset: () => { throw new Error('no datasets'); } };

async function enroll(url: string, token: string, i: number) {
  const pair = await newEd25519KeyPair();
  const res = await fetch(`${url}/api/v1/hosts/enroll`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, publicKey: pair.publicJwk, name: `sim-${i}`, hardware }),
  });
  if (res.status !== 201) throw new Error(`enroll ${i}: ${res.status} ${await res.text()}`);
  const b = await res.json() as { hostId: string; credential: string };
  return { ...b, key: await importPrivate(pair.privateJwk) };
}

async function runAgent(url: string, token: string, i: number, packet: number, jwks: ReturnType<typeof createLocalJWKSet>) {
  const id = await enroll(url, token, i);
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/agent');
  // Listening starts before the socket opens: the challenge can come in the upgrade's own packet.
  const opened = new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  let retry: NodeJS.Timeout | null = null;
  // Signed messages go out in order: hello is number 0 on the connection, then 1, 2, …
  let nonce: string | null = null;
  let seq = 0;
  let queue = Promise.resolve();
  const signed = (m: Record<string, unknown>) => {
    const n = m.type === 'hello' ? 0 : ++seq;
    queue = queue.then(async () => ws.send(JSON.stringify(await signAgentMessage(id.key, { nonce: nonce!, hostId: id.hostId }, n, m))));
  };
  const ask = () => signed({ type: 'request_work', max: packet });
  ws.on('message', async (data) => {
    const msg = CoordinatorMessage.parse(JSON.parse(data.toString()));
    if (msg.type === 'challenge') {
      if (nonce === null) {
        nonce = msg.nonce;
        signed({ type: 'hello', token: id.credential, agentVersion: 'sim', hardware, kernels: ['bench.hash@1'], intensity: 'inferno', backend: 'cpu', benchmarkFlops: 1e9, holding: [] });
      } else {
        signed({ type: 'still_here', nonce: msg.nonce });
      }
    } else if (msg.type === 'welcome') {
      send({ type: 'ready', i });
      ask();
    } else if (msg.type === 'work') {
      const at = performance.timeOrigin + performance.now();
      const claims = await verifyWorkPacket(msg.jws, jwks as never, id.hostId);
      send({ type: 'started', at, wuIds: claims.items.map((x) => x.wuId) });
      ask(); // keep a packet in flight while this one is worked
      const results: ResultItem[] = [];
      for (const it of claims.items) {
        const output = runKernelSync(kernel, kernel.paramsSchema.parse(it.params), it.seed, noData);
        results.push({ replicaId: it.replicaId, output, outputSha256: await sha256Hex(canonicalJson(output)), cpuSeconds: 0.001, elapsedSeconds: 0.001, steps: 1 });
      }
      ws.send(JSON.stringify({ type: 'result', jws: await signResultPacket(id.key, id.hostId, results) }));
    } else if (msg.type === 'no_work') {
      if (retry) clearTimeout(retry);
      retry = setTimeout(ask, msg.retryAfterMs);
    } else if (msg.type === 'result_ack') {
      send({ type: 'acked', n: msg.accepted.length, rejected: msg.rejected.length });
    } else if (msg.type === 'error') {
      send({ type: 'protocol_error', code: msg.code, message: msg.message });
    }
  });
  await opened;
  return ws;
}

process.on('message', async (m: Start) => {
  const jwks = createLocalJWKSet(await (await fetch(`${m.url}/.well-known/jwks.json`)).json());
  const sockets = await Promise.all(m.tokens.map((t, i) => runAgent(m.url, t, i, m.packet, jwks)));
  process.on('disconnect', () => { for (const s of sockets) s.close(); process.exit(0); });
});

/*
 * npm run bench:train:grid — training through the grid with real agent processes (PGlite
 * coordinator in this process, agents from bin/nfl-agent.mjs), train.mlp@1 on --rows fit rows:
 *   1. sweep, one agent:   --wus WUs of --epochs epochs each (replicate seeds), quorum 1;
 *   2. sweep, two agents:  the same batch with another seed;
 *   3. federated, two agents: --shards shards × --rounds rounds of --epochs local epochs, so the
 *      same examples as one WU of rounds × epochs epochs on all the rows;
 *   4. one machine: that one WU (two agents connected, one takes it).
 * Examples/s are from submit to the batch done (scheduling, validation and re-scoring included).
 * Then the validation log loss of the federated average after each round against the one-machine
 * run after the same number of examples (its epoch rounds × epochs … ). Prints the load average.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCoordinator } from '../coordinator/src/coordinator';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '8000' }, epochs: { type: 'string', default: '2' }, wus: { type: 'string', default: '4' },
    shards: { type: 'string', default: '2' }, rounds: { type: 'string', default: '4' }, batch: { type: 'string', default: '32' },
    hidden: { type: 'string', default: '16,8' },
  },
  strict: true,
});
const ROWS = Number(values.rows), EPOCHS = Number(values.epochs), WUS = Number(values.wus), SHARDS = Number(values.shards), ROUNDS = Number(values.rounds);
const PARAMS = { fold: { testSeason: 2019 }, hidden: values.hidden.split(',').map(Number), maxRows: ROWS, batchSize: Number(values.batch) };
const POLICY = { minQuorum: 1, adaptive: false, delayBoundSeconds: 3600 };
const AGENT_BIN = fileURLToPath(new URL('../bin/nfl-agent.mjs', import.meta.url));

process.env.NFL_GRID_LOG_LEVEL ??= 'warn';
const c = await startCoordinator({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'nfl-grid-bench-train-')), databaseUrl: null });

async function call(method: string, path: string, key: string, body?: unknown): Promise<any> {
  const res = await fetch(c.url + path, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const user = (name: string, role: string) => call('POST', '/api/v1/users', c.adminKey!, { name, role }) as Promise<{ apiKey: string }>;
const researcher = (await user('bench-train', 'researcher')).apiKey;

const agents: ChildProcess[] = [];
async function startAgent(name: string): Promise<void> {
  const { token } = await call('POST', '/api/v1/enrollment-tokens', (await user(name, 'volunteer')).apiKey, {});
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-bench-agent-'));
  const proc = spawn(process.execPath, [AGENT_BIN, '--coordinator', c.url, '--data-dir', dataDir, '--intensity', 'high', '--token', token, '--name', name], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NFL_GRID_LOG: 'json' },
  });
  agents.push(proc);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const read = (b: Buffer) => { seen += b.toString(); if (/agent ready host=/.test(seen)) { resolve(); seen = ''; } };
    proc.stdout!.on('data', read);
    proc.stderr!.on('data', read);
    proc.once('exit', (code) => reject(new Error(`agent ${name} exited with ${code}`)));
  });
}

/** Submits a batch and waits for it to be done; its batch detail and the seconds from submit to done. */
async function run(spec: Record<string, unknown>): Promise<{ batch: any; seconds: number }> {
  const t0 = performance.now();
  const { batchId } = await call('POST', '/api/v1/batches', researcher, { kernel: 'train.mlp@1', policy: POLICY, ...spec });
  console.error(`${new Date().toISOString()} submitted ${String(spec.name)}`);
  for (;;) {
    const batch = await call('GET', `/api/v1/batches/${batchId}`, researcher);
    if (batch.state !== 'open') {
      if (batch.state !== 'done' || batch.counts.failed) throw new Error(`batch ${spec.name} ended ${batch.state} with ${batch.counts.failed} failed`);
      return { batch, seconds: (performance.now() - t0) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const table: { run: string; agents: number; wus: number; examples: number; seconds: number; examplesPerSecond: number }[] = [];
const record = (name: string, agentCount: number, wus: number, examples: number, seconds: number) =>
  table.push({ run: name, agents: agentCount, wus, examples, seconds: +seconds.toFixed(1), examplesPerSecond: Math.round(examples / seconds) });

try {
  await startAgent('bench-a');
  const sweep1 = await run({ name: 'sweep 1 agent', seed: 1, replicates: WUS, params: { ...PARAMS, epochs: EPOCHS } });
  record('sweep', 1, WUS, WUS * EPOCHS * ROWS, sweep1.seconds);
  await startAgent('bench-b');
  const sweep2 = await run({ name: 'sweep 2 agents', seed: 2, replicates: WUS, params: { ...PARAMS, epochs: EPOCHS } });
  record('sweep', 2, WUS, WUS * EPOCHS * ROWS, sweep2.seconds);
  const fed = await run({ name: 'federated', seed: 3, params: { ...PARAMS, epochs: EPOCHS }, plan: { kind: 'federated', shards: SHARDS, rounds: ROUNDS } });
  const rounds = fed.batch.planState.rounds as { round: number; examples: number; validation: { logLoss: number } }[];
  record(`federated ${SHARDS} shards × ${rounds.length} rounds`, 2, SHARDS * rounds.length, rounds.reduce((s, r) => s + r.examples, 0), fed.seconds);
  const one = await run({ name: 'one machine', seed: 4, params: { ...PARAMS, epochs: ROUNDS * EPOCHS } });
  record(`one machine, ${ROUNDS * EPOCHS} epochs`, 2, 1, ROUNDS * EPOCHS * ROWS, one.seconds);
  const results = await call('GET', `/api/v1/batches/${one.batch.id}/results`, researcher);
  const epochs = results.results[0].output.epochs as { epoch: number; validation: { logLoss: number } }[];

  console.log(`train.mlp@1 through the grid: ${ROWS} fit rows, hidden [${PARAMS.hidden.join(', ')}], batch ${PARAMS.batchSize}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('\n| run | agents | WUs | examples | seconds | examples/s |\n|---|---:|---:|---:|---:|---:|');
  for (const r of table) console.log(`| ${r.run} | ${r.agents} | ${r.wus} | ${r.examples} | ${r.seconds} | ${r.examplesPerSecond} |`);
  console.log('\n| examples | federated round | averaged validation log loss | one machine epoch | its validation log loss |\n|---:|---:|---:|---:|---:|');
  let seen = 0;
  for (const r of rounds) {
    seen += r.examples;
    const e = epochs.find((x) => x.epoch === (r.round + 1) * EPOCHS);
    console.log(`| ${seen} | ${r.round} | ${r.validation.logLoss.toFixed(5)} | ${e?.epoch ?? '-'} | ${e ? e.validation.logLoss.toFixed(5) : '-'} |`);
  }
  console.log(`\nfederated: ended "${fed.batch.planState.ended.reason}", best round ${fed.batch.planState.bestRound}, registry model ${fed.batch.planState.ended.modelId ?? 'none'} ${fed.batch.planState.ended.note ?? ''}`);
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  for (const a of agents) a.kill('SIGKILL');
  await c.stop();
}

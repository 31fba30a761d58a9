/*
 * `npm run bench:nba-winprob -- [--season 2024] [--seconds 10] [--connections 32]`: the NBA
 * win-probability service at reduced precision and under load.
 *
 * 1. Precision: the shipped logistic model (data/models/nba) and a small network ([32, 16] relu,
 *    Adam, fitted on seasons before --season − 1, epochs chosen on --season − 1) with weights in
 *    float32, float16 and int8: parameter payload bytes, log loss and Brier on the held-out season,
 *    the largest change of a probability, and the time of one batched forward pass over the season.
 * 2. Load: a coordinator (embedded database) answering POST /api/v1/nba/win-probability to
 *    autocannon: requests/s, latency p50/p99, and how many requests shared a forward pass.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { DatasetRows } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { glorotInit, trainEpoch, zeroMoments, type MlpShape } from '@nfl-grid/shared/learn/mlp-tf';
import { loadTfBackend } from '@nfl-grid/shared/learn/tf-backend';
import { Rng } from '@nfl-grid/shared/math/rng';
import { MLP_FORMAT, type MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { mlpForwardBatch } from '@nfl-grid/shared/models/mlp-batch';
import { quantise, type Precision } from '@nfl-grid/shared/models/mlp-quantise';
import { buildNbaTable } from '@nfl-grid/shared/sports/nba/build-table';
import { brier, featureMatrix, logLoss, WIN_MODEL_FEATURES } from '@nfl-grid/shared/sports/nba/win-walk-forward';
import { startCoordinator } from '../coordinator/src/coordinator';
import { nbaWinServer } from '../coordinator/src/nba/win-probability';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { season: { type: 'string', default: '2024' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
const season = Number(values.season);

const rows = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
const table = buildNbaTable(rows);
const held = table.rows.filter((r) => r.season === season);
const heldX = featureMatrix(table, held);

function shippedLogistic(): MlpArtifact {
  const dir = join(ROOT, 'data', 'models', 'nba');
  const name = readdirSync(dir).filter((n) => n.endsWith('.json')).sort().at(-1)!;
  return JSON.parse(readFileSync(join(dir, name), 'utf8')).artifact as MlpArtifact;
}

/** A [32, 16] relu network; epochs (≤ 30) chosen by the validation season's log loss. */
async function trainNetwork(): Promise<MlpArtifact> {
  await loadTfBackend({ order: ['wasm', 'cpu'] });
  const fitRows = table.rows.filter((r) => r.season < season - 1), valRows = table.rows.filter((r) => r.season === season - 1);
  const fx = featureMatrix(table, fitRows), k = WIN_MODEL_FEATURES.length;
  const mean = WIN_MODEL_FEATURES.map((_, j) => fx.reduce((s, r) => s + r[j]!, 0) / fx.length);
  const sd = WIN_MODEL_FEATURES.map((_, j) => Math.sqrt(fx.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / fx.length) || 1);
  const x = new Float32Array(fx.length * k);
  fx.forEach((r, i) => r.forEach((v, j) => { x[i * k + j] = (v - mean[j]!) / sd[j]!; }));
  const data = { x, y: Uint8Array.from(fitRows.map((r) => r.homeWin)), n: fitRows.length };
  const shape: MlpShape = { inputs: k, hidden: [32, 16], activation: 'relu' };
  const rng = Rng.create(2024);
  let params = glorotInit(shape, rng), adam = zeroMoments(params);
  const cfg = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  const toArtifact = (p: readonly Float32Array[]): MlpArtifact => ({
    format: MLP_FORMAT, features: [...WIN_MODEL_FEATURES], scaler: { mean, sd },
    layers: [32, 16, 1].map((units, i) => ({ inputs: i === 0 ? k : [32, 16][i - 1]!, units, activation: i === 2 ? 'sigmoid' as const : 'relu' as const, weights: Array.from(p[2 * i]!), bias: Array.from(p[2 * i + 1]!) })),
  });
  const vx = featureMatrix(table, valRows);
  let best = { loss: Infinity, artifact: toArtifact(params), epoch: 0 };
  for (let epoch = 1; epoch <= 30; epoch++) {
    const order = Uint32Array.from({ length: data.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    ({ params, adam } = trainEpoch(shape, params, adam, cfg, data, order, 256));
    const a = toArtifact(params), p = mlpForwardBatch(a, vx);
    const loss = valRows.reduce((s, r, i) => s + logLoss(p[i]!, r.homeWin), 0) / valRows.length;
    if (loss < best.loss) best = { loss, artifact: a, epoch };
  }
  process.stdout.write(`network: best validation (${season - 1}) log loss ${best.loss.toFixed(4)} after ${best.epoch} epochs\n`);
  return best.artifact;
}

function timeForward(a: MlpArtifact, x: number[][], reps: number): number {
  for (let i = 0; i < 20; i++) mlpForwardBatch(a, x);
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    mlpForwardBatch(a, x);
    t.push(performance.now() - s);
  }
  return t.sort((p, q) => p - q)[Math.floor(reps / 2)]!;
}

function precisionTable(label: string, a: MlpArtifact): string[] {
  const ref = mlpForwardBatch(quantise(a, 'float32').artifact, heldX);
  return (['float32', 'float16', 'int8'] as Precision[]).map((prec) => {
    const q = quantise(a, prec);
    const p = mlpForwardBatch(q.artifact, heldX);
    const ll = held.reduce((s, r, i) => s + logLoss(p[i]!, r.homeWin), 0) / held.length;
    const br = held.reduce((s, r, i) => s + brier(p[i]!, r.homeWin), 0) / held.length;
    const maxDiff = p.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
    const ms = timeForward(q.artifact, heldX, 200);
    return `| ${label} | ${prec} | ${q.bytes} | ${ll.toFixed(5)} | ${br.toFixed(5)} | ${maxDiff.toExponential(1)} | ${(ms * 1000 / held.length).toFixed(3)} |`;
  });
}

async function load(): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nba-bench-'));
  process.env.NFL_GRID_LOG_LEVEL = 'error';
  const c = await startCoordinator({ port: 0, dataDir });
  try {
    const slate = held.slice(0, 200).map((r) => ({ home: r.home, away: r.away, date: r.date }));
    // warm: the league state for every date of the request set
    await nbaWinServer(c.grid).probabilities(slate);
    const server = nbaWinServer(c.grid), p0 = server.batcher.passes, r0 = server.batcher.rowsRun;
    const result = await autocannon({
      url: `${c.url}/api/v1/nba/win-probability`, connections: Number(values.connections), duration: Number(values.seconds),
      requests: slate.map((g) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(g) })),
    });
    const passes = server.batcher.passes - p0, rowsRun = server.batcher.rowsRun - r0;
    // the same load on the cover service of the same coordinator: what the machine gives any route now
    const cover = await autocannon({
      url: `${c.url}/game/inference`, connections: Number(values.connections), duration: Number(values.seconds), method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ time_sec: 2000, hspread: -5, favorite_points: 17, underdog_points: 15 }),
    });
    return [
      `| NBA single-game requests | ${values.connections} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${result.non2xx} | ${passes} | ${(rowsRun / Math.max(1, passes)).toFixed(1)} |`,
      `| cover /game/inference (reference) | ${values.connections} | ${cover.requests.average.toFixed(0)} | ${cover.latency.p50} | ${cover.latency.p99} | ${cover.non2xx} | | |`,
    ];
  } finally {
    await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const net = await trainNetwork();
  process.stdout.write(`\nheld-out season ${season}: ${held.length} games\n\n| model | weights | parameter bytes | log loss | Brier | max |Δp| vs float32 | µs per game (batched pass) |\n|---|---|---|---|---|---|---|\n`);
  for (const line of [...precisionTable('logistic (shipped)', shippedLogistic()), ...precisionTable('network [32, 16]', net)]) process.stdout.write(`${line}\n`);
  process.stdout.write(`\n| load | connections | requests/s | p50 ms | p99 ms | non-2xx | forward passes | games per pass |\n|---|---|---|---|---|---|---|---|\n`);
  for (const line of await load()) process.stdout.write(`${line}\n`);
  process.stdout.write(`\nload average ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

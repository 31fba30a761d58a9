import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { trainMlp } from '@nfl-grid/shared/kernels/train/mlp-kernel';
import { TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import { loadTfBackend, type TfBackend } from '@nfl-grid/shared/learn/tf-backend';

/*
 * `npm run bench:train` — training speed of train.mlp@1 on each TensorFlow.js backend that loads
 * here: the same params and seed on each, the first epoch (backend start-up, JIT warm-up) left out
 * of the rate. Prints examples per second and per-epoch time; with --json, one JSON line per row.
 *   --backends a,b   default wasm,cpu (tfjs-node-gpu where installed)
 *   --rows N         fit rows (default 40000)      --epochs N   default 3 (≥ 2)
 *   --batch a,b      batch sizes (default 512,2048) --hidden a,b default 32,16
 *   --features set   state | full (default full)
 */

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' }, rows: { type: 'string', default: '40000' }, epochs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '512,2048' }, hidden: { type: 'string', default: '32,16' }, features: { type: 'string', default: 'full' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const epochs = Math.max(2, Number(values.epochs));

interface Row { backend: TfBackend; batchSize: number; examplesPerSecond: number; secondsPerEpoch: number; params: number; validationLogLoss: number }

const base = TrainMlpParams.parse({
  fold: { testSeason: 2019 }, featureSet: values.features, maxRows: Number(values.rows), epochs, hidden: list(values.hidden).map(Number),
});
const data = loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(base));
const rows: Row[] = [];

for (const wanted of list(values.backends) as TfBackend[]) {
  const loaded = await loadTfBackend({ order: [wanted] }).catch((e: Error) => e);
  if (loaded instanceof Error) {
    console.log(`${wanted}: not available (${loaded.message})`);
    continue;
  }
  for (const batchSize of list(values.batch).map(Number)) {
    const p = { ...base, batchSize };
    let s = trainMlp.init(p, 1, data);
    s = trainMlp.step(s, data); // warm-up epoch, also builds the rows
    const t0 = performance.now();
    while (trainMlp.stepOf(s) < epochs) s = trainMlp.step(s, data);
    const seconds = (performance.now() - t0) / 1000, timed = epochs - 1;
    const out = trainMlp.finish(s, data);
    const row: Row = {
      backend: loaded.backend, batchSize, examplesPerSecond: Math.round((timed * out.rows.fit) / seconds),
      secondsPerEpoch: +(seconds / timed).toFixed(2), params: out.parameterCount, validationLogLoss: out.epochs[epochs - 1].validation.logLoss,
    };
    rows.push(row);
    if (values.json) console.log(JSON.stringify(row));
  }
}

if (!values.json) {
  console.log(`train.mlp@1, ${base.featureSet} features, hidden [${base.hidden.join(', ')}], ${base.maxRows} fit rows, rate over epochs 2–${epochs}`);
  console.log('backend        batch  params  examples/s  s/epoch  val. log loss');
  for (const r of rows) {
    console.log(`${r.backend.padEnd(14)} ${String(r.batchSize).padStart(5)}  ${String(r.params).padStart(6)}  ${String(r.examplesPerSecond).padStart(10)}  ${r.secondsPerEpoch.toFixed(2).padStart(7)}  ${r.validationLogLoss.toFixed(5)}`);
  }
}

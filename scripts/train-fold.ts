import { parseArgs } from 'node:util';
import { playsDataset, type ParsedPlays } from '@nfl-grid/shared/data/gamestate/plays';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { validationPlays } from '@nfl-grid/shared/kernels/train/mlp-data';
import { trainMlp } from '@nfl-grid/shared/kernels/train/mlp-kernel';
import { TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import { validateTrainMlp } from '@nfl-grid/shared/kernels/train/mlp-validate';
import { loadTfBackend } from '@nfl-grid/shared/learn/tf-backend';

/*
 * Trains one train.mlp@1 work unit locally and then checks it as the coordinator would: the
 * kernel reads only the seasons it is given (never the test season); the test season is loaded
 * separately afterwards, only to re-score the returned model (validateTrainMlp).
 *   node --import tsx scripts/train-fold.ts --params '{"fold":{"testSeason":2019},"featureSet":"full"}' [--seed 1] [--backend wasm]
 * Prints one JSON line: params, backend, per-epoch validation log loss, the claim, the re-scored
 * validation and held-out scores, the verdict and the seconds taken.
 */

const { values } = parseArgs({
  options: { params: { type: 'string' }, seed: { type: 'string', default: '1' }, backend: { type: 'string' } },
  strict: true,
});
if (!values.params) throw new Error('--params is required');

const params = TrainMlpParams.parse(JSON.parse(values.params));
const backend = await loadTfBackend(values.backend ? { order: [values.backend as 'wasm'] } : {});
const data = loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(params));
const t0 = performance.now();
const out = runKernelSync(trainMlp, params, Number(values.seed), data);
const seconds = Math.round((performance.now() - t0) / 1000);

const test = params.fold.testSeason;
const heldOut = loadLocalKernelData(DEFAULT_DATA_DIR, ['gamestate.games', playsDataset(test)]).dataset<ParsedPlays>(playsDataset(test)).rows;
const verdict = validateTrainMlp(out, validationPlays(data, params), heldOut);
const r4 = (m: { logLoss: number; brier: number; calibrationError: number } | null) =>
  m && { logLoss: +m.logLoss.toFixed(4), brier: +m.brier.toFixed(4), calibrationError: +m.calibrationError.toFixed(4) };

console.log(JSON.stringify({
  params: { ...params, init: params.init ? '(model)' : undefined }, backend: backend.backend, seconds,
  bestEpoch: out.bestEpoch, epochsRun: out.epochsRun, parameters: out.parameterCount, work: out.work,
  validationCurve: out.epochs.map((e) => +e.validation.logLoss.toFixed(4)),
  claimed: r4(out.claimed), rescoredValidation: r4(verdict.validation), heldOut: { season: test, n: verdict.heldOut?.n, ...r4(verdict.heldOut) },
  ok: verdict.ok, reasons: verdict.reasons,
}));

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { trainingFlops } from '@nfl-grid/shared/kernels/train/mlp-cost';
import { trainMlp } from '@nfl-grid/shared/kernels/train/mlp-kernel';
import type { TrainMlpOutput } from '@nfl-grid/shared/kernels/train/mlp-output';
import { TrainMlpParams } from '@nfl-grid/shared/kernels/train/mlp-params';
import { Rng } from '@nfl-grid/shared/math/rng';
import { hostRow, makeHost, makeUser, openTestGrid, q, resetData, type TestGrid, type TestHost } from '../../../test/support/grid-fixtures';
import { simulateHost } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { cobblestones } from '../credit/credit-math';
import { recordChecks } from '../queue/record-checks';
import { submitBatch } from '../queue/submit-batch';
import { problemReplicas } from '../console/console-api';
import { assimilatorPass } from './assimilator';
import { validatorPass } from './validator';

/*
 * train.mlp@1 work units through the validator and the assimilator on a real database: every
 * result is re-scored on the coordinator's check thread (the held-out season 2019 is never among
 * the WU's inputs), hosts that return poisoned or random weights with an honest-looking claim get
 * invalid and no credit, replicas are compared on the re-scored figures, training is credited by
 * the work the output shows, and a validated model is offered to the registry once.
 */

const TRAIN = 'train.mlp@1';
const PARAMS = { fold: { testSeason: 2019 }, featureSet: 'state', hidden: [8], epochs: 3, batchSize: 256, maxRows: 4000, optimizer: { name: 'adam', learningRate: 0.01 } };
const params = TrainMlpParams.parse(PARAMS);
const data = loadLocalKernelData(DEFAULT_DATA_DIR, trainMlp.datasets(params));

/** What an honest host returns for a seed (trained here with the kernel itself, once per seed). */
const trained = new Map<number, TrainMlpOutput>();
function honest(seed: number): TrainMlpOutput {
  let out = trained.get(seed);
  if (!out) trained.set(seed, (out = runKernelSync(trainMlp, params, seed, data)));
  return structuredClone(out);
}

/** The honest output with its last layer's weights negated: shapes, rows and claims all look right. */
function poisoned(seed: number): TrainMlpOutput {
  const out = honest(seed), last = out.model.layers.at(-1)!;
  last.weights = last.weights.map((w) => -w);
  last.bias = last.bias.map((b) => -b);
  return out;
}

/** The honest output with every weight drawn at random. */
function randomWeights(seed: number): TrainMlpOutput {
  const out = honest(seed), rng = Rng.create(seed, 99);
  for (const l of out.model.layers) {
    l.weights = l.weights.map(() => rng.next() * 2 - 1);
    l.bias = l.bias.map(() => rng.next() * 2 - 1);
  }
  return out;
}

/** Another backend's run: weights a hair apart and claims rounded a little differently (within the check's tolerance). */
function otherBackend(seed: number): TrainMlpOutput {
  const out = honest(seed), last = out.model.layers.at(-1)!;
  last.bias = last.bias.map((b) => b + 1e-9);
  out.claimed = { ...out.claimed, logLoss: out.claimed.logLoss + 1e-5 };
  return out;
}

describe.each(dbKinds())('train.mlp results validated by re-scoring on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const submit = async (policy: Record<string, unknown>) => {
    const spec = BatchSpec.parse({ name: 'cover nets', kernel: TRAIN, seed: 5, params: PARAMS, replicates: 1, policy });
    return submitBatch(t.grid, researcher, spec);
  };
  const trainer = (o: { trusted?: boolean } = {}) =>
    makeHost(t.db, { kernels: [TRAIN], benchmarkFlops: 2e9, ...(o.trusted ? { consecutiveValid: 50, errorRate: 0.001 } : {}) });
  const run = (h: TestHost, out: (seed: number) => unknown) =>
    simulateHost(t.grid, h, { behaviour: (c) => out(c.seed), cpuFactor: 10, policy: { spotCheckRate: 0 } });
  const replicas = () => q<{ id: number; host_id: string; validate_state: string; claimed_credit: number; granted_credit: number | null; check: any }>(
    t.db, sql`SELECT id, host_id, validate_state, claimed_credit, granted_credit, "check" FROM replicas ORDER BY id`);
  const ledger = () => q<{ replica_id: number; granted: number }>(t.db, sql`SELECT replica_id, granted FROM credit_ledger ORDER BY id`);
  const models = () => q<{ id: string; version: number; kernel: string; wu_ids: number[]; batch_id: string; metrics: any; held_out_seasons: number[]; artifact_sha256: string; data_hashes: any; state: string }>(
    t.db, sql`SELECT * FROM models ORDER BY version`);

  it('an honest result from a trusted host alone: re-scored, valid, credited by work done, offered to the registry once', async () => {
    const { batchId } = await submit({ minQuorum: 2, adaptive: true });
    const h = await trainer({ trusted: true });
    const { claimed } = await run(h, honest);
    expect(claimed).toHaveLength(1);
    const [w] = await q<{ id: number; min_quorum: number; cost_estimate: number; inputs: { name: string }[] }>(t.db, sql`SELECT id, min_quorum, cost_estimate, inputs FROM work_units`);
    expect(w!.min_quorum).toBe(1);
    expect(w!.inputs.map((i) => i.name)).not.toContain('gamestate.plays_2019'); // the agent never gets the held-out season

    expect(await validatorPass(t.grid)).toBeGreaterThan(0);
    const [r] = await replicas();
    const out = honest(claimed[0]!.seed);
    expect(r!.validate_state).toBe('valid');
    expect(r!.check).toMatchObject({ ok: true, reason: null, rescored: { validation: { season: 2018, n: 4000 }, heldOut: { season: 2019, n: 44_367 } } });
    expect(Math.abs(r!.check.rescored.validation.logLoss - out.claimed.logLoss)).toBeLessThan(2e-5);
    // credit for examples × parameters, costed as the estimate is, whatever CPU time the host reported
    const work = trainingFlops(out.examplesProcessed, out.epochsRun * out.rows.validation, out.parameterCount);
    expect(work).toBeLessThanOrEqual(w!.cost_estimate);
    expect(r!.claimed_credit).toBeCloseTo(cobblestones(work), 9);
    expect(r!.granted_credit).toBeCloseTo(cobblestones(work), 9);
    expect(await ledger()).toEqual([{ replica_id: r!.id, granted: r!.granted_credit }]);
    expect((await hostRow(t.db, h.id)).total_credit).toBeCloseTo(cobblestones(work), 9);

    expect(await assimilatorPass(t.grid)).toBe(1);
    expect(await assimilatorPass(t.grid)).toBe(0);
    const [m, ...more] = await models();
    expect(more).toEqual([]);
    expect(m).toMatchObject({ version: 1, kernel: TRAIN, wu_ids: [w!.id], batch_id: batchId, held_out_seasons: [2019], state: 'candidate' });
    expect(m!.metrics.seasons['2019']).toEqual({
      logLoss: r!.check.rescored.heldOut.logLoss, brier: r!.check.rescored.heldOut.brier, calibrationError: r!.check.rescored.heldOut.calibrationError, plays: 44_367,
    });
    expect(m!.metrics.overall).toMatchObject({ validationSeason: 2018, validationLogLoss: r!.check.rescored.validation.logLoss, epochsRun: 3 });
    expect(Object.keys(m!.data_hashes)).toContain('gamestate.plays_2019');
    const [art] = await q<{ format: string; body: string }>(t.db, sql`SELECT format, body FROM model_artifacts WHERE sha256 = ${m!.artifact_sha256}`);
    expect(art!.format).toBe('nfl-grid.mlp/1');
    expect(JSON.parse(art!.body).layers).toEqual(out.model.layers);
  });

  it.each([['poisoned', poisoned], ['random', randomWeights]] as const)('%s weights with an honest-looking claim from a trusted host: invalid, no credit, more replicas', async (_, cheat) => {
    await submit({ minQuorum: 2, adaptive: true, maxTotalReplicas: 4 });
    const h = await trainer({ trusted: true });
    await run(h, cheat);
    await validatorPass(t.grid);
    const [r] = await replicas();
    expect(r).toMatchObject({ validate_state: 'invalid', granted_credit: 0, check: { ok: false, rescored: null } });
    expect(r!.check.reason).toMatch(/^validation season: logLoss: claimed/);
    expect(await ledger()).toEqual([]);
    const host = await hostRow(t.db, h.id);
    expect(host).toMatchObject({ invalid_count: 1, consecutive_valid: 0, total_credit: 0 });
    // the WU goes back out to two hosts, as a replicated WU
    const [w] = await q<{ state: string; min_quorum: number; replicas_needed: number }>(t.db, sql`SELECT state, min_quorum, replicas_needed FROM work_units`);
    expect(w).toEqual({ state: 'running', min_quorum: 2, replicas_needed: 2 });
    // the reason shows in the console's validation view
    expect(await problemReplicas(t.grid)).toEqual([expect.objectContaining({ id: r!.id, validateState: 'invalid', errorCode: 'failed_check', errorMessage: r!.check.reason })]);
    expect(await assimilatorPass(t.grid)).toBe(0);
    expect(await models()).toEqual([]);
  });

  it('two replicas from different backends agree on their re-scored figures; a poisoned third is invalid', async () => {
    await submit({ minQuorum: 2, targetReplicas: 3, adaptive: false });
    const [a, b, c] = [await trainer(), await trainer(), await trainer()];
    await run(a, honest);
    await run(b, otherBackend);
    await run(c, poisoned);
    // kernel.compare on the host's claims cannot tell the poisoned result from the others
    const seed = (await q<{ seed: number }>(t.db, sql`SELECT seed FROM work_units`))[0]!.seed;
    expect(trainMlp.compare(honest(seed), poisoned(seed))).toBe(true);

    await validatorPass(t.grid);
    const reps = await replicas();
    expect(reps.map((r) => r.validate_state)).toEqual(['valid', 'valid', 'invalid']);
    expect(reps[0]!.check.rescored).toEqual(reps[1]!.check.rescored);
    expect(reps[0]!.granted_credit).toBeGreaterThan(0);
    expect(reps[1]!.granted_credit).toBe(reps[0]!.granted_credit);
    expect(reps[2]!.granted_credit).toBe(0);
    expect((await ledger()).map((l) => l.replica_id)).toEqual([reps[0]!.id, reps[1]!.id]);
    expect(await assimilatorPass(t.grid)).toBe(1);
    expect((await models()).map((m) => m.version)).toEqual([1]);
  });

  it('replicas are compared on the figures the coordinator found, not on their claims', async () => {
    await submit({ minQuorum: 2, adaptive: false });
    const [a, b] = [await trainer(), await trainer()];
    await run(a, honest);
    await run(b, otherBackend);
    const reps = await replicas();
    const seed = (await q<{ seed: number }>(t.db, sql`SELECT seed FROM work_units`))[0]!.seed;
    expect(trainMlp.compare(honest(seed), otherBackend(seed))).toBe(true); // the claims agree
    // Had the coordinator re-scored them 0.01 apart in log loss (beyond REPLICA_TOLERANCE), they would not.
    const figures = (logLoss: number) => ({ validation: { ...honest(seed).claimed, logLoss }, heldOut: { ...honest(seed).claimed, season: 2019 } });
    await recordChecks(t.db, [
      { replicaId: reps[0]!.id, ok: true, reason: null, rescored: figures(0.48), workFlops: null },
      { replicaId: reps[1]!.id, ok: true, reason: null, rescored: figures(0.49), workFlops: null },
    ]);
    await validatorPass(t.grid);
    expect((await replicas()).map((r) => r.validate_state)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('an inflated work count is refused by the check', async () => {
    await submit({ minQuorum: 1, adaptive: false });
    const h = await trainer();
    await run(h, (seed) => ({ ...honest(seed), examplesProcessed: 10 * honest(seed).examplesProcessed }));
    await validatorPass(t.grid);
    const [r] = await replicas();
    expect(r).toMatchObject({ validate_state: 'invalid', granted_credit: 0 });
    expect(r!.check.reason).toMatch(/examples for 3 epochs/);
  });
});

import { sql } from 'drizzle-orm';
import type { Grid } from '../grid';
import { int8Array } from '../db/arrays';
import type { Tx } from '../db/index';
import { coverDataHashes, offerCandidatesIn } from '../models/offer-candidate';
import { nbaGames, offerSportModelsIn } from '../models/offer-sport-model';
import { trackPerformance } from '../tracker/track-results';
import { lockUnassimilated, markAssimilated, soloResultsToReopen } from '../queue/assimilation';
import { reopenWorkUnits, type Reopened } from '../queue/reopen-work';
import { finishBatches } from '../queue/finish-batches';
import { advancePlans } from '../plans/advance-plans';

const PASS_SIZE = 500;

/** Test seams: run inside the pass's transaction, after the work and before the commit. */
export interface AssimilatorHooks {
  inTransaction?(tx: Tx, wuIds: number[]): Promise<void>;
}

/*
 * The assimilator takes in what the validator finished, in a transaction of its own: each done
 * WU's canonical output becomes a science result and a point for the performance tracker, a
 * cover model's (cover.baseline, train.mlp) also a candidate in the model registry, each
 * done or failed WU's reward goes to its bandit arm, a staged batch whose stage is complete gets
 * its next stage from its plan (plans/advance-plans.ts), and batches with no active WU left are
 * finished. The WUs are marked assimilated in the same transaction, so a pass that fails or a
 * coordinator that dies leaves them for the next pass, and none is taken in twice. The validator
 * never waits for it.
 */
export async function assimilatorPass(grid: Grid, hooks: AssimilatorHooks = {}): Promise<number> {
  // This process's decision rows go in before their WUs' rewards are recorded.
  await grid.bandit.settled();
  // Hashed once per process, before any lock is held; a data folder without them offers nothing.
  const dataHashes = await coverDataHashes(grid).catch(() => null);
  const reopened = await reopenUntrustedSolo(grid);
  const result = await grid.db.transaction(async (tx) => {
    const wus = await lockUnassimilated(tx, PASS_SIZE, grid.config.reliability);
    if (wus.length === 0) return null;
    const ids = wus.map((w) => w.id);
    const done = wus.filter((w) => w.state === 'done').map((w) => w.id);
    await storeScienceResults(tx, done);
    await trackPerformance(tx, done);
    const offered = dataHashes ? await offerCandidatesIn(tx, done, dataHashes) : [];
    const rewards = await grid.bandit.rewardsIn(tx, ids);
    const stages = await advancePlans(tx, grid, ids, wus.map((w) => w.batchId));
    const finishedBatches = await finishBatches(tx, wus.map((w) => w.batchId));
    offered.push(...await offerSportModelsIn(tx, finishedBatches, () => nbaGames(grid.config.inputsDir)));
    await markAssimilated(tx, ids);
    await hooks.inTransaction?.(tx, ids);
    return { handled: wus.length, done: done.length, rewards, finishedBatches, offered, stages };
  });
  if (!result) return reopened;
  for (const m of result.offered) grid.log.component('assimilator').info('model candidate registered', { id: m.id, version: m.version, kernel: m.kernel, wuIds: m.wuIds });
  for (const s of result.stages) grid.log.component('assimilator').info('plan stage opened', { ...s });
  if (result.stages.length) grid.wakeScheduler();
  for (const batchId of result.finishedBatches) grid.events.emit('batch.finished', { batchId, state: 'done' });
  if (result.finishedBatches.length) grid.log.component('assimilator').info('assimilator pass', { assimilated: result.handled, batchesDone: result.finishedBatches.length });
  return result.handled;
}

/**
 * A solo result whose host lost its trust before the result was taken in is not assimilated:
 * its WU is re-opened (queue/reopen-work.ts) and decided again by other hosts.
 */
async function reopenUntrustedSolo(grid: Grid): Promise<number> {
  const reopened = await grid.db.transaction(async (tx) => {
    const due = await soloResultsToReopen(tx, PASS_SIZE, grid.config.reliability);
    const byHost = new Map<string, number[]>();
    for (const d of due) byHost.set(d.hostId, [...(byHost.get(d.hostId) ?? []), d.wuId]);
    const done: ({ hostId: string } & Reopened)[] = [];
    for (const [hostId, wuIds] of byHost) {
      const r = await reopenWorkUnits(tx, hostId, wuIds.map((wuId) => ({ wuId, kind: 'solo' as const })), 'solo result held: its host is no longer trusted');
      if (r.wuIds.length) done.push({ hostId, ...r });
    }
    return done;
  });
  for (const r of reopened) grid.events.emit('wu.reopened', { wuIds: r.wuIds, hostId: r.hostId, production: r.models.some((m) => m.wasProduction) });
  if (reopened.length) grid.wakeScheduler();
  return reopened.reduce((s, r) => s + r.wuIds.length, 0);
}

/**
 * Canonical outputs of done WUs become science results (once: keyed by WU). A result withdrawn
 * when its WU was re-opened is replaced by the WU's new canonical output.
 */
async function storeScienceResults(tx: Tx, wuIds: number[]): Promise<void> {
  if (wuIds.length === 0) return;
  await tx.rows(sql`
    INSERT INTO science_results (wu_id, batch_id, seq, kernel, params, output, output_sha256, replica_id)
    SELECT w.id, w.batch_id, w.seq, w.kernel || '@' || w.kernel_version, w.params, r.output, r.output_sha256, r.id
      FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id
     WHERE w.id = ANY(${int8Array(wuIds)})
    ON CONFLICT (wu_id) DO UPDATE SET output = excluded.output, output_sha256 = excluded.output_sha256, replica_id = excluded.replica_id,
      created_at = now(), withdrawn_at = NULL, withdrawn_reason = NULL
     WHERE science_results.withdrawn_at IS NOT NULL`);
}

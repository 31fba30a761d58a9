import { findKernel } from '@nfl-grid/shared/kernels/registry';
import type { Grid } from '../grid';
import { applyDecisions } from '../validation/apply-decisions';
import { assimilate } from '../validation/assimilate';
import { decide, type Decision } from '../validation/decide';
import { lockWorkUnitsToValidate, loadReportedReplicas } from '../validation/load-for-validation';
import { sendCancels } from '../work/send-cancels';
import { sendVerdicts } from '../work/send-verdicts';

const PASS_SIZE = 500;

/**
 * One validator pass over up to PASS_SIZE WUs in one transaction: decide each with its kernel's
 * comparator, write the outcome, assimilate canonical outputs, finish batches. Returns the number
 * of WUs handled so the loop knows whether to go again.
 */
export async function validatorPass(grid: Grid): Promise<number> {
  const { reliability } = grid.config;
  const result = await grid.db.transaction(async (tx) => {
    const wus = await lockWorkUnitsToValidate(tx, PASS_SIZE);
    if (wus.length === 0) return null;
    const replicas = await loadReportedReplicas(tx, wus.map((w) => w.id), { streak: reliability.trustStreak, maxErrorRate: reliability.trustMaxErrorRate });
    const byWu = new Map<number, typeof replicas>();
    for (const r of replicas) byWu.set(r.wuId, [...(byWu.get(r.wuId) ?? []), r]);
    const decisions = new Map<number, Decision>();
    for (const wu of wus) {
      const reported = byWu.get(wu.id) ?? [];
      const kernel = findKernel(wu.kernelRef);
      if (!kernel) {
        decisions.set(wu.id, { kind: 'no_consensus', invalid: [], reason: `kernel ${wu.kernelRef} is not known to this coordinator` });
        continue;
      }
      if (wu.canonicalReplicaId !== null) {
        const canon = reported.find((r) => r.id === wu.canonicalReplicaId);
        wu.canonicalOutput = canon?.output ?? null;
        wu.canonicalSha256 = canon?.outputSha256 ?? null;
        wu.canonicalGranted = canon?.grantedCredit ?? 0;
      }
      decisions.set(wu.id, decide(wu, reported.filter((r) => r.id !== wu.canonicalReplicaId), kernel.compare));
    }
    const applied = await applyDecisions(tx, wus, replicas, decisions);
    const finishedBatches = await assimilate(tx, applied.validated, applied.batchIds);
    return { ...applied, finishedBatches, handled: wus.length };
  });
  if (!result) return 0;
  if (result.cancelled.length) await sendCancels(grid, result.cancelled, 'quorum reached');
  if (result.verdicts.length) await sendVerdicts(grid, result.verdicts);
  if (result.validated.length) grid.events.emit('wu.validated', { wuIds: result.validated });
  for (const f of result.failed) grid.events.emit('wu.failed', { wuIds: [f.id], reason: f.reason });
  for (const batchId of result.finishedBatches) grid.events.emit('batch.finished', { batchId, state: 'done' });
  if (result.failed.length || result.finishedBatches.length) {
    grid.log.info('validator pass', { validated: result.validated.length, failed: result.failed.length, batchesDone: result.finishedBatches.length });
  }
  // Inconclusive WUs may need more replicas now.
  if (result.handled > result.validated.length + result.failed.length) grid.wakeScheduler();
  return result.handled;
}

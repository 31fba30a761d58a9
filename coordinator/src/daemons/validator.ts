import { findKernel } from '@nfl-grid/shared/kernels/registry';
import type { Grid } from '../grid';
import { grantCredit } from '../credit/grant-credit';
import { sendCancels } from '../gateway/send-cancels';
import { sendVerdicts } from '../gateway/send-verdicts';
import { lockWorkUnitsToValidate, loadReportedReplicas } from '../queue/lock-for-validation';
import { recordVerdicts } from '../queue/record-verdicts';
import { decide, type Decision } from './decide';

const PASS_SIZE = 500;

/**
 * One validator pass over up to PASS_SIZE WUs in one transaction: decide each with its kernel's
 * comparator (decide.ts), record the verdicts and WU transitions (queue/), grant credit
 * (credit/). What validated or failed is the assimilator's next. Returns the number of WUs
 * handled so the loop knows whether to go again.
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
    const recorded = await recordVerdicts(tx, wus, replicas, decisions);
    await grantCredit(tx, recorded.verdicts);
    return { ...recorded, handled: wus.length };
  });
  if (!result) return 0;
  if (result.validated.length || result.failed.length) grid.wakeAssimilator();
  if (result.cancelled.length) await sendCancels(grid, result.cancelled, 'quorum reached');
  if (result.verdicts.length) await sendVerdicts(grid, result.verdicts);
  if (result.validated.length) grid.events.emit('wu.validated', { wuIds: result.validated });
  for (const f of result.failed) grid.events.emit('wu.failed', { wuIds: [f.id], reason: f.reason });
  if (result.failed.length) grid.log.info('validator pass', { validated: result.validated.length, failed: result.failed.length });
  // Inconclusive WUs may need more replicas now.
  if (result.handled > result.validated.length + result.failed.length) grid.wakeScheduler();
  return result.handled;
}

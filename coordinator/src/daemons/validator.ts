import { findKernel, listKernels } from '@nfl-grid/shared/kernels/registry';
import { kernelRef, type Kernel } from '@nfl-grid/shared/kernels/types';
import type { Grid } from '../grid';
import { recordEvent } from '../auth/audit-log';
import { flaggedPairsAmong, recordAgreements, type DecidedClusters } from '../credit/agreement-pairs';
import { grantCredit } from '../credit/grant-credit';
import { sendCancels } from '../gateway/send-cancels';
import { sendVerdicts } from '../gateway/send-verdicts';
import { hostsByKernel, lockWorkUnitsToValidate, loadReportedReplicas, spentVolunteers } from '../queue/lock-for-validation';
import { hostTrustedSql } from '../queue/quorum-mix';
import { listUnchecked, recordChecks } from '../queue/record-checks';
import { recordVerdicts } from '../queue/record-verdicts';
import { clustersOf, decide, type Decision } from './decide';
import { reexamineCaught } from './reexamine';

const PASS_SIZE = 500;
/** Outputs checked per pass: a train.mlp check re-scores two seasons (about a second each). */
const CHECKS_PER_PASS = 20;

/** Kernels whose outputs the coordinator checks before comparing them (Kernel.verify). */
const CHECKED_KERNELS = listKernels().filter((k) => k.verify).map(kernelRef);

/** What replicas are compared on: the output, or for a checked kernel the output as re-scored. */
function comparable(kernel: Kernel, output: unknown, check: { rescored: Record<string, unknown> | null } | null): unknown {
  return kernel.verify && check?.rescored ? kernel.verify.asRescored(output, check.rescored) : output;
}

/**
 * One validator pass, in two steps.
 *   1. Checks, outside any transaction: reported outputs of kernels with Kernel.verify (re-scoring
 *      a returned model on the held-out season) are checked on the check thread, up to
 *      CHECKS_PER_PASS, and the findings written to their replicas (queue/record-checks.ts).
 *   2. Decisions, in one short transaction over up to PASS_SIZE WUs: WUs with an output still
 *      unchecked are skipped (the next pass has them); an output that failed its check is invalid
 *      whatever the quorum; the rest are compared with the kernel's comparator (decide.ts), on the
 *      re-scored figures where there are some; verdicts and WU transitions are recorded (queue/)
 *      and credit granted (credit/); which hosts agreed against others is counted, and pairs
 *      that keep losing together flagged (credit/agreement-pairs.ts).
 * What validated or failed is the assimilator's next. Returns the number of WUs handled and
 * outputs checked, so the loop knows whether to go again.
 */
export async function validatorPass(grid: Grid): Promise<number> {
  const { reliability } = grid.config;
  const unchecked = await listUnchecked(grid.db, CHECKED_KERNELS, CHECKS_PER_PASS);
  if (unchecked.length) await recordChecks(grid.db, await grid.checks.check(unchecked));
  const result = await grid.db.transaction(async (tx) => {
    const wus = await lockWorkUnitsToValidate(tx, PASS_SIZE, CHECKED_KERNELS);
    if (wus.length === 0) return null;
    const replicas = await loadReportedReplicas(tx, wus.map((w) => w.id), reliability);
    const byWu = new Map<number, typeof replicas>();
    for (const r of replicas) byWu.set(r.wuId, [...(byWu.get(r.wuId) ?? []), r]);
    const decisions = new Map<number, Decision>();
    const flagged = await flaggedPairsAmong(tx, replicas.map((r) => r.hostId));
    const kernelHosts = await hostsByKernel(tx, (h, family) => hostTrustedSql(h, family, { trustStreak: reliability.trustStreak, trustMaxErrorRate: reliability.trustMaxErrorRate }));
    const spent = await spentVolunteers(tx, wus.map((w) => w.id));
    const decided: DecidedClusters[] = [];
    for (const wu of wus) {
      const reported = byWu.get(wu.id) ?? [];
      const kernel = findKernel(wu.kernelRef);
      if (!kernel) {
        decisions.set(wu.id, { kind: 'no_consensus', invalid: [], reason: `kernel ${wu.kernelRef} is not known to this coordinator` });
        continue;
      }
      if (wu.canonicalReplicaId !== null) {
        const canon = reported.find((r) => r.id === wu.canonicalReplicaId);
        wu.canonicalOutput = canon ? comparable(kernel, canon.output, canon.check) : null;
        wu.canonicalSha256 = canon?.outputSha256 ?? null;
        wu.canonicalGranted = canon?.grantedCredit ?? 0;
      }
      const about = kernelHosts.get(wu.kernelRef);
      wu.volunteers = about?.volunteers ?? 0;
      wu.trustedOnline = about?.trustedOnline ?? false;
      wu.spent = spent.get(wu.id) ?? 0;
      const others = reported.filter((r) => r.id !== wu.canonicalReplicaId).map((r) => ({ ...r, output: comparable(kernel, r.output, r.check) }));
      const d = decide(wu, others, kernel.compare, flagged);
      decisions.set(wu.id, d);
      if (d.kind === 'valid') {
        // Who agreed with whom, for the pair counts: the results compared, in their clusters.
        const gone = new Set((d.rejected ?? []).map((r) => r.id));
        const clusters = clustersOf(others.filter((r) => !gone.has(r.id) && r.validateState !== 'invalid'), kernel.compare);
        decided.push({ wuId: wu.id, clusters: clusters.map((c) => c.map((r) => r.hostId)), winner: clusters.findIndex((c) => c.some((r) => r.id === d.canonicalId)) });
      }
    }
    const recorded = await recordVerdicts(tx, wus, replicas, decisions);
    await grantCredit(tx, recorded.verdicts);
    for (const p of await recordAgreements(tx, decided, grid.config.collusion)) {
      await recordEvent(tx, 'pair.flagged', p.hostA, null, { hostA: p.hostA, hostB: p.hostB, against: p.against, lost: p.lost });
    }
    return { ...recorded, handled: wus.length };
  });
  // Hosts caught in this pass (or in one that died before this step) have their past re-opened.
  const reopened = await reexamineCaught(grid);
  if (reopened) grid.wakeScheduler();
  if (!result) return unchecked.length + reopened;
  if (result.validated.length || result.failed.length) grid.wakeAssimilator();
  if (result.cancelled.length) await sendCancels(grid, result.cancelled, 'quorum reached');
  if (result.verdicts.length) await sendVerdicts(grid, result.verdicts);
  if (result.validated.length) grid.events.emit('wu.validated', { wuIds: result.validated });
  for (const f of result.failed) grid.events.emit('wu.failed', { wuIds: [f.id], reason: f.reason });
  if (result.failed.length) grid.log.component('validator').info('validator pass', { validated: result.validated.length, failed: result.failed.length });
  // One line per decided replica (validator=debug): with the gateway's rid lines, a WU's story.
  for (const v of result.verdicts) {
    grid.log.component('validator').debug('verdict', { wu: v.wuId, replica: v.replicaId, host: v.hostId, valid: v.valid, granted: v.granted });
  }
  // Inconclusive WUs may need more replicas now.
  if (result.handled > result.validated.length + result.failed.length) grid.wakeScheduler();
  return result.handled + unchecked.length + reopened;
}

import { and, eq, inArray, ne } from 'drizzle-orm';
import type { BatchSpecInput } from '@nfl-grid/shared/api/batch';
import { findKernel } from '@nfl-grid/shared/kernels/registry';
import { followUpSuggestions } from '@nfl-grid/shared/performance/follow-ups';
import { metricSpec } from '@nfl-grid/shared/performance/metric-specs';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import type { Tx } from '../db/index';
import { batches, performanceFollowUps, performanceModels, performancePoints } from '../db/schema/index';

/** The params a kernel would run, or null when its schema refuses them. */
export function acceptParams(kernelRef: string): (p: Record<string, unknown>) => Record<string, unknown> | null {
  const kernel = findKernel(kernelRef);
  return (p) => {
    const r = kernel?.paramsSchema.safeParse(p);
    return r?.success ? (r.data as Record<string, unknown>) : null;
  };
}

/**
 * Suggests follow-up batches for improving models (inside the tracker's transaction): neighbours
 * of the best configuration and more seeds of it. A suggestion is stored once per model and spec
 * (unique sha256); suggestions from an older best that nobody decided on are superseded.
 */
export async function suggestFollowUps(tx: Tx, keys: string[]): Promise<number> {
  const models = await tx.orm.select().from(performanceModels).where(inArray(performanceModels.key, keys));
  let added = 0;
  for (const m of models) {
    const spec = metricSpec(m.kernel);
    if (!spec || m.bestWuId === null || !m.bestParams) continue;
    const [src] = await tx.orm.select({ batchId: performancePoints.batchId, name: batches.name, priority: batches.priority, spec: batches.spec })
      .from(performancePoints).innerJoin(batches, eq(batches.id, performancePoints.batchId)).where(eq(performancePoints.wuId, m.bestWuId));
    if (!src) continue;
    const policy = (src.spec as { policy?: BatchSpecInput['policy'] } | null)?.policy;
    const suggestions = followUpSuggestions({
      spec, modelKey: m.key, bestParams: m.bestParams as Record<string, unknown>, bestWuId: m.bestWuId,
      batchName: src.name, priority: src.priority, policy,
    }, acceptParams(m.kernel));
    for (const s of suggestions) {
      const rows = await tx.orm.insert(performanceFollowUps).values({
        modelKey: m.key, kind: s.kind, spec: s.spec, specSha256: await sha256Hex(canonicalJson(s.spec)), reason: s.reason,
        sourceWuId: m.bestWuId, sourceBatchId: src.batchId,
      }).onConflictDoNothing().returning({ id: performanceFollowUps.id });
      added += rows.length;
    }
    await tx.orm.update(performanceFollowUps).set({ state: 'superseded', decidedAt: new Date(), decidedBy: 'tracker' })
      .where(and(eq(performanceFollowUps.modelKey, m.key), eq(performanceFollowUps.state, 'suggested'), ne(performanceFollowUps.sourceWuId, m.bestWuId)));
  }
  return added;
}

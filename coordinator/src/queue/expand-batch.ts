import type { z } from 'zod';
import type { BatchSpec } from '@nfl-grid/shared/api/batch';
import { MAX_WUS_PER_BATCH } from '@nfl-grid/shared/api/batch';
import { firstIssue } from '@nfl-grid/shared/api/did-you-mean';
import type { Kernel } from '@nfl-grid/shared/kernels/types';
import { BadRequest } from '../errors';
import { drawConfigurations } from './search-draws';

export interface ExpandedUnit {
  seq: number;
  params: Record<string, unknown>;
  seed: number;
}

/** Distinct, well-spread 32-bit seeds per WU from the batch seed (splitmix32 finaliser). */
export function unitSeed(batchSeed: number, seq: number): number {
  let z = (batchSeed + Math.imul(seq + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function cartesian(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    const next: Record<string, unknown>[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [key]: v });
    combos = next;
    if (combos.length > MAX_WUS_PER_BATCH) throw new BadRequest(`grid expands to more than ${MAX_WUS_PER_BATCH} work units`, 'grid');
  }
  return combos;
}

export function checkParams(kernel: Kernel, params: Record<string, unknown>, field: string): Record<string, unknown> {
  const parsed = (kernel.paramsSchema as z.ZodType).safeParse(params);
  if (!parsed.success) {
    const issue = firstIssue(kernel.paramsSchema, parsed.error.issues);
    const path = [field, ...issue.path].join('.');
    throw new BadRequest(`${path}: ${issue.message}`, path, 'bad_params');
  }
  return parsed.data as Record<string, unknown>;
}

/** Turns a batch spec into its work units, each with params the kernel accepts. */
export function expandBatch(spec: BatchSpec, kernel: Kernel): ExpandedUnit[] {
  const units: ExpandedUnit[] = [];
  if (spec.units) {
    spec.units.forEach((u, i) => {
      const params = checkParams(kernel, { ...spec.params, ...u.params }, `units.${i}.params`);
      units.push({ seq: i, params, seed: u.seed ?? unitSeed(spec.seed, i) });
    });
    return units;
  }
  const combos = spec.grid ? cartesian(spec.grid).map((c) => ({ ...spec.params, ...c }))
    : spec.search ? drawConfigurations(spec.search, spec.params, spec.seed)
    : [spec.params];
  if (combos.length * spec.replicates > MAX_WUS_PER_BATCH) {
    throw new BadRequest(`batch expands to ${combos.length * spec.replicates} work units; at most ${MAX_WUS_PER_BATCH}`, 'replicates');
  }
  const field = spec.grid ? 'grid' : spec.search ? 'search' : 'params';
  combos.forEach((combo, ci) => {
    const params = checkParams(kernel, combo, field === 'params' ? field : `${field}[${ci}]`);
    for (let r = 0; r < spec.replicates; r++) {
      const seq = units.length;
      units.push({ seq, params, seed: unitSeed(spec.seed, seq) });
    }
  });
  return units;
}

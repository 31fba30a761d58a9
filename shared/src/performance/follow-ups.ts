import type { BatchSpecInput } from '../api/batch';
import { getPath, setPath } from './model-key';
import type { MetricSpec, TunedParam } from './metric-specs';

/*
 * Follow-up work for an improving model, from its best result's params:
 *  - neighbours: every tuned param moved one step each way (value ± step, or × and ÷ step),
 *    one param at a time, keeping only params the kernel's schema accepts;
 *  - seeds: the best params again with SEED_REPLICATES new seeds (for kernels whose seed matters).
 * Each suggestion is a complete BatchSpec; accepting it submits that batch.
 */

const SEED_REPLICATES = 4;
const MAX_NEIGHBOURS = 40;

type Obj = Record<string, unknown>;

const tidy = (x: number) => Number(x.toPrecision(10));

function stepValues(v: number, t: TunedParam): number[] {
  const out = t.mode === 'mul' ? [v / t.step, v * t.step] : [v - t.step, v + t.step];
  return out.map((x) => (Number.isInteger(v) && Number.isInteger(t.step) && t.mode !== 'mul' ? x : tidy(x)));
}

/**
 * Params one step from `params` along each tuned param. `accept` returns the params the kernel
 * would run (parsed) or null when they are invalid; duplicates and the centre are dropped.
 */
export function neighbourParams(spec: Pick<MetricSpec, 'tuned'>, params: Obj, accept: (p: Obj) => Obj | null): Obj[] {
  const seen = new Set<string>([JSON.stringify(params)]);
  const out: Obj[] = [];
  for (const t of spec.tuned) {
    const cur = getPath(params, t.path);
    const single = Array.isArray(cur) && cur.length === 1 && typeof cur[0] === 'number';
    const v = single ? (cur as number[])[0]! : cur;
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    for (const nv of stepValues(v, t)) {
      const candidate = accept(setPath(params, t.path, single ? [nv] : nv));
      if (!candidate) continue;
      const k = JSON.stringify(candidate);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(candidate);
      if (out.length >= MAX_NEIGHBOURS) return out;
    }
  }
  return out;
}

export interface FollowUpSource {
  spec: MetricSpec;
  modelKey: string;
  bestParams: Obj;
  bestWuId: number;
  /** Source batch's name, priority and quorum policy (follow-ups keep them). */
  batchName: string;
  priority: number;
  policy?: BatchSpecInput['policy'];
}

export interface FollowUpSuggestion {
  kind: 'neighbours' | 'seeds';
  reason: string;
  spec: BatchSpecInput;
}

export function followUpSuggestions(src: FollowUpSource, accept: (p: Obj) => Obj | null): FollowUpSuggestion[] {
  const out: FollowUpSuggestion[] = [];
  const base = { kernel: src.spec.kernel, priority: src.priority, ...(src.policy ? { policy: src.policy } : {}) };
  const label = src.batchName.length > 120 ? `${src.batchName.slice(0, 117)}...` : src.batchName;
  const neighbours = neighbourParams(src.spec, src.bestParams, accept);
  if (neighbours.length) {
    out.push({
      kind: 'neighbours',
      reason: `${neighbours.length} configurations one step from the best (WU ${src.bestWuId}) along ${src.spec.tuned.map((t) => t.path).join(', ')}`,
      spec: { ...base, name: `Follow-up: neighbours of best WU ${src.bestWuId} (${label})`, seed: (src.bestWuId * 2 + 1) >>> 0, units: neighbours.map((params) => ({ params })) },
    });
  }
  if (src.spec.seeded(src.bestParams)) {
    out.push({
      kind: 'seeds',
      reason: `the best configuration (WU ${src.bestWuId}) with ${SEED_REPLICATES} more seeds`,
      spec: { ...base, name: `Follow-up: ${SEED_REPLICATES} more seeds of best WU ${src.bestWuId} (${label})`, seed: (src.bestWuId * 2 + 2) >>> 0, params: src.bestParams, replicates: SEED_REPLICATES },
    });
  }
  return out;
}

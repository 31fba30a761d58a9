import type { SearchDimension, SearchSpec } from '@nfl-grid/shared/api/search';
import { Rng } from '@nfl-grid/shared/math/rng';

/** Its own stream of the batch seed, so the draws do not follow the WU seeds. */
const SEARCH_STREAM = 0x5ea2c4;

function draw(rng: Rng, d: SearchDimension): unknown {
  if ('choice' in d) return d.choice[rng.int(d.choice.length)];
  if ('uniform' in d) return d.uniform[0] + rng.next() * (d.uniform[1] - d.uniform[0]);
  if ('logUniform' in d) {
    const [lo, hi] = d.logUniform.map(Math.log) as [number, number];
    return Math.exp(lo + rng.next() * (hi - lo));
  }
  return d.int[0] + rng.int(d.int[1] - d.int[0] + 1);
}

/** `params` with `value` at a dotted path; the objects on the way are copied, not changed. */
export function withPath(params: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...params, [head!]: value };
  const inner = params[head!];
  const base = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner as Record<string, unknown> : {};
  return { ...params, [head!]: withPath(base, rest.join('.'), value) };
}

/**
 * The search's configurations over `base`: draws in sample order, then in the space's key
 * order, from one seeded stream, so a spec gives the same configurations on every coordinator.
 */
export function drawConfigurations(search: SearchSpec, base: Record<string, unknown>, seed: number): Record<string, unknown>[] {
  const rng = Rng.create(seed, SEARCH_STREAM);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < search.samples; i++) {
    let params = base;
    for (const [path, d] of Object.entries(search.space)) params = withPath(params, path, draw(rng, d));
    out.push(params);
  }
  return out;
}

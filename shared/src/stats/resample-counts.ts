/*
 * Bootstrap multiplicities: how often each of n items appears in one resample of n draws with
 * replacement, a Multinomial(n; 1/n, …, 1/n) draw, in O(n) time with half a 32-bit output per
 * item and no random memory access. That makes a bootstrap over a million pooled scenarios cheap:
 * a statistic of the resample is a weighted pass over the items in a fixed (presorted) order.
 *
 * Poissonisation, then an exact correction: with N ~ Poisson(n) uniform draws over the items, the
 * counts are i.i.d. Poisson(1) (poissonOnes, by inversion against a table). Given N they are the
 * counts of N i.i.d. uniform draws. If N < n, add n − N more uniform draws; if N > n, delete
 * N − n of the draws, each uniformly among those left (an item with probability count / draws
 * left, by rejection against the largest count). Either way the n draws that remain are i.i.d.
 * uniform, so the counts are exactly multinomial (toMultinomial). |N − n| is about √n.
 *
 * Each Poisson(1) draw inverts a 32-bit uniform against P(X ≤ k)·2³² (so each probability is exact
 * to 2⁻³²). A 32-bit output makes two draws: its 16-bit halves are the top bits of two uniforms,
 * and a 4096-entry table answers from their top 12 bits unless a threshold falls inside that
 * bucket (about 1 draw in 300), when 16 more bits are drawn to place it exactly.
 */
import type { Rng } from '../math/rng';
import { StatsError } from '../math/errors';

/** P(X ≤ k)·2³² for X ~ Poisson(1), up to where it reaches 2³². */
const THRESHOLDS: Float64Array = (() => {
  const t: number[] = [];
  let pmf = Math.exp(-1), cdf = 0;
  for (let k = 0; cdf < 1 && k < 40; k++) {
    cdf += pmf;
    pmf /= k + 1;
    t.push(Math.min(1, cdf) * 4294967296);
  }
  t[t.length - 1] = 4294967296; // every 32-bit value lands somewhere
  return Float64Array.from(t);
})();

/** Draw for a 32-bit uniform v: the smallest k with v < THRESHOLDS[k]. */
function invert(v: number): number {
  let k = 0;
  while (v >= THRESHOLDS[k]!) k++;
  return k;
}

/** By the top 12 bits of the uniform: the draw, or −1 when a threshold splits that bucket. */
const BUCKETS: Int8Array = (() => {
  const b = new Int8Array(4096);
  for (let i = 0; i < 4096; i++) {
    const lo = invert(i * 1048576), hi = invert((i + 1) * 1048576 - 1);
    b[i] = lo === hi ? lo : -1;
  }
  return b;
})();

const scratch = new Uint32Array(2048);

/** One draw from a 16-bit prefix h of a uniform (more bits from rng only when needed). */
function fromHalf(h: number, rng: Rng): number {
  const k = BUCKETS[h >>> 4]!;
  return k >= 0 ? k : invert(h * 65536 + (rng.nextU32() >>> 16));
}

/** I.i.d. Poisson(1) counts into counts[from … to); returns their sum. */
export function poissonOnes(rng: Rng, counts: Uint8Array | Int32Array, from: number, to: number): number {
  let sum = 0, i = from;
  while (i < to) {
    const m = Math.min(scratch.length, Math.ceil((to - i) / 2));
    rng.fillU32(scratch, m);
    for (let j = 0; j < m; j++) {
      const x = scratch[j]!;
      let k = fromHalf(x >>> 16, rng);
      counts[i++] = k;
      sum += k;
      if (i === to) break;
      k = fromHalf(x & 0xffff, rng);
      counts[i++] = k;
      sum += k;
    }
  }
  return sum;
}

/**
 * Turns i.i.d. Poisson(1) counts from poissonOnes summing to `total` into an exact Multinomial(n, 1/n) draw, by
 * adding or deleting single draws; `changed(i, ±1)` hears of each, so running sums can follow.
 */
export function toMultinomial(rng: Rng, counts: Uint8Array | Int32Array, total: number, changed?: (i: number, delta: 1 | -1) => void): void {
  const n = counts.length;
  if (n < 1) throw new StatsError('empty_sample', 'toMultinomial: no items');
  const cap = counts instanceof Uint8Array ? 255 : 0x7fffffff;
  for (; total < n; total++) {
    const i = rng.int(n);
    // a Uint8 count reaching 255 needs ~250 draws on one item of a million: never in practice
    if (counts[i]! >= cap) throw new StatsError('bad_argument', `toMultinomial: count of item ${i} overflows`);
    counts[i]!++;
    changed?.(i, 1);
  }
  // Deleting only happens when no draw was added, so every count is still a table draw, below
  // THRESHOLDS.length: rejection against that bound needs no pass over the counts.
  const most = THRESHOLDS.length;
  while (total > n) {
    const i = rng.int(n);
    const c = counts[i]!;
    if (c > most) throw new StatsError('bad_argument', `toMultinomial: count ${c} of item ${i} is not a Poisson(1) table draw`);
    if (rng.int(most) < c) {
      counts[i] = c - 1;
      total--;
      changed?.(i, -1);
    }
  }
}

/** Fills `counts` (length n ≥ 1) with the multiplicities of one bootstrap resample of n items. */
export function resampleCounts(rng: Rng, counts: Uint8Array | Int32Array): void {
  toMultinomial(rng, counts, poissonOnes(rng, counts, 0, counts.length));
}

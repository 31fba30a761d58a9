/*
 * The host benchmark sent in `hello` (BOINC's Whetstone, much simplified): floating-point
 * operations per second of one core, measured in a short burst at startup. The coordinator uses
 * it to normalise credit and to estimate how long a work unit will take here.
 */

const CHUNK = 200_000;
/** Floating-point operations per inner iteration below: 4 multiply-adds = 8 flops. */
const FLOPS_PER_ITERATION = 8;

/** Module-level sink that keeps the optimiser from deleting the loop. */
let sink = 0;

/** Runs for about `durationMs` (clamped to 20..1000 ms) and returns flops per second. */
export function measureFlops(durationMs = 300): number {
  const budget = Math.min(1000, Math.max(20, durationMs));
  let a = 1.000001, b = 0.999999, c = 1.0000005, d = 0.9999995;
  const m = 0.9999999, k = 1e-7;
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  // A first chunk warms the JIT up; it is counted too, which only slightly understates the speed.
  do {
    for (let i = 0; i < CHUNK; i++) {
      a = a * m + k;
      b = b * m + k;
      c = c * m + k;
      d = d * m + k;
    }
    iterations += CHUNK;
    elapsed = performance.now() - start;
  } while (elapsed < budget);
  sink += a + b + c + d;
  const flops = (iterations * FLOPS_PER_ITERATION) / (elapsed / 1000);
  // The protocol wants a positive number below 1e15.
  return Math.min(1e14, Math.max(1, Math.round(flops)));
}

/*
 * Rounding of kernel outputs, so that replicas print the same short decimals and JSON stays small.
 */

/** Rounds to `digits` decimals (for outputs; the exact counts stay available alongside). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in outputs
}

/**
 * Rounds to `digits` significant digits, for raw values whose scale varies (a Σr² may be 1e-7 or
 * 40). Dividing by an exact power of ten gives the double nearest the decimal, so JSON prints it
 * short.
 */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  const shift = digits - 1 - Math.floor(Math.log10(Math.abs(x)));
  if (shift > 300) return x; // subnormal territory: nothing sensible to round
  const r = shift >= 0 ? Math.round(x * 10 ** shift) / 10 ** shift : Math.round(x / 10 ** -shift) * 10 ** -shift;
  return r === 0 ? 0 : r;
}

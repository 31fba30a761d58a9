/*
 * Seeded PRNG for kernels: xoshiro128** (Blackman & Vigna) with its 128-bit state filled by
 * splitmix32 from a 32-bit seed and a 32-bit stream id. Everything is 32-bit integer arithmetic
 * (Math.imul, >>>), so the integer stream is identical on every JS engine. normal() also uses
 * Math.log and Math.sqrt; sqrt is exact in IEEE 754 and V8's log is a port of fdlibm, so Node
 * hosts agree bit for bit (other engines could differ in the last ulp; results across engines are
 * only compared with tolerances anyway).
 *
 * The whole generator, including the spare normal of the polar method, is kept in RngState so
 * kernels can checkpoint it as JSON and resume with the exact same draws.
 */

export interface RngState {
  /** xoshiro128** state words, unsigned 32-bit. */
  s: [number, number, number, number];
  /** Second normal deviate of the last polar-method pair, not yet returned. */
  spare: number | null;
}

const TWO_POW_32 = 4294967296;
/** Golden-ratio increment of splitmix32. */
const GAMMA = 0x9e3779b9;
/** Offsets the stream id's splitmix sequence (fractional bits of sqrt 2) so seed 5/stream 5 differ. */
const STREAM_SALT = 0x6a09e667;
const WARM_UP = 8;

/** One splitmix32 step: returns [next counter, output]. Output is a bijection of the counter. */
export function splitmix32(counter: number): [number, number] {
  const c = (counter + GAMMA) >>> 0;
  let z = c;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [c, (z ^ (z >>> 16)) >>> 0];
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class Rng {
  /** The four state words; an Int32Array keeps V8 from boxing words above 2^30. */
  private readonly s = new Int32Array(4);
  private spare: number | null;

  private constructor(st: RngState) {
    for (let i = 0; i < 4; i++) this.s[i] = st.s[i];
    this.spare = st.spare;
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) throw new Error('Rng: all-zero xoshiro state');
  }

  /**
   * Words 0–1 come from splitmix32 started at the seed, words 2–3 from splitmix32 started at the
   * salted stream id; the first output of each is injective, so distinct (seed, stream) pairs give
   * distinct states, and the state is never all zero. The first output of xoshiro128** reads only
   * word 1, so 8 warm-up outputs are discarded to spread the stream id into every word (the state
   * transition is a bijection, so distinct pairs stay distinct).
   */
  static create(seed: number, stream = 0): Rng {
    let [a, s0] = splitmix32(seed >>> 0);
    let s1: number;
    [a, s1] = splitmix32(a);
    let [b, s2] = splitmix32((stream ^ STREAM_SALT) >>> 0);
    let s3: number;
    [b, s3] = splitmix32(b);
    const r = new Rng({ s: [s0, s1, s2, s3], spare: null });
    for (let i = 0; i < WARM_UP; i++) r.nextU32();
    return r;
  }

  static fromState(st: RngState): Rng {
    if (!st || !Array.isArray(st.s) || st.s.length !== 4) throw new Error('Rng: bad state');
    return new Rng({ s: [st.s[0], st.s[1], st.s[2], st.s[3]], spare: st.spare ?? null });
  }

  /** A copy of the state, safe to JSON.stringify. */
  exportState(): RngState {
    const s = this.s;
    return { s: [s[0] >>> 0, s[1] >>> 0, s[2] >>> 0, s[3] >>> 0], spare: this.spare };
  }

  /** Next raw output, an unsigned 32-bit integer. */
  nextU32(): number {
    const s = this.s;
    const s1 = s[1];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] = s1 ^ s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /**
   * The next `count` raw outputs into out[0 … count), the same as `count` calls of nextU32 but
   * with the state in locals: bulk draws (bootstrap multiplicities) run several times faster.
   */
  fillU32(out: Uint32Array, count = out.length): void {
    const s = this.s;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let i = 0; i < count; i++) {
      out[i] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
  }

  /** Uniform on [0, 1) with 32 bits of resolution (k / 2^32); enough for Monte Carlo here. */
  next(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), unbiased: draws from the incomplete top block are rejected. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`Rng.int: bad n ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /**
   * Standard normal by Marsaglia's polar method: draws (u, v) uniform in the unit disc, then
   * u·f and v·f with f = sqrt(-2 ln s / s) are two independent N(0,1). The second is cached.
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }
}

/** 0 … n−1 in a Fisher–Yates order drawn from rng (an epoch's example order in the training kernels). */
export function shuffledOrder(n: number, rng: Rng): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1), t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

import { normalCdf } from '../../math/normal';
import { studentCdf } from './student-t';

/*
 * Bivariate normal and Student t CDFs, needed for the Gaussian and t copula CDFs in the
 * Cramér–von Mises statistic. Both follow Alan Genz's published methods ("Numerical computation
 * of rectangular bivariate and trivariate normal and t probabilities", Stat. Comput. 2004):
 * - normal: Drezner & Wesolowsky (1989) Gauss–Legendre integration over asin(r), with Genz's
 *   expansion for |r| ≥ 0.925; about 1e-15 absolute;
 * - t with integer ν: the finite series of Dunnett & Sobel (1954).
 */

// Gauss–Legendre nodes (positive half) and weights for n = 6, 12, 20 on [-1, 1].
const GL = [
  { x: [0.9324695142031522, 0.6612093864662647, 0.238619186083197], w: [0.1713244923791705, 0.3607615730481384, 0.4679139345726904] },
  {
    x: [0.9815606342467191, 0.904117256370475, 0.769902674194305, 0.5873179542866171, 0.3678314989981802, 0.1252334085114692],
    w: [0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659, 0.2334925365383547, 0.2491470458134029],
  },
  {
    x: [0.9931285991850949, 0.9639719272779138, 0.9122344282513259, 0.8391169718222188, 0.7463319064601508,
      0.636053680726515, 0.5108670019508271, 0.3737060887154196, 0.2277858511416451, 0.07652652113349733],
    w: [0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475, 0.1019301198172404,
      0.1181945319615184, 0.1316886384491766, 0.1420961093183821, 0.1491729864726037, 0.1527533871307259],
  },
];
const TWO_PI = 2 * Math.PI;

/** P(X > h, Y > k) for a standard bivariate normal with correlation r. */
function bvnUpper(h: number, k: number, r: number): number {
  const ar = Math.abs(r);
  const g = GL[ar < 0.3 ? 0 : ar < 0.75 ? 1 : 2];
  let hk = h * k;
  let bvn = 0;
  if (ar < 0.925) {
    if (ar > 0) {
      const hs = (h * h + k * k) / 2;
      const asr = Math.asin(r);
      for (let i = 0; i < g.x.length; i++) {
        for (const s of [-1, 1]) {
          const sn = Math.sin((asr * (s * -g.x[i] + 1)) / 2);
          bvn += g.w[i] * Math.exp((sn * hk - hs) / (1 - sn * sn));
        }
      }
      bvn = (bvn * asr) / (2 * TWO_PI);
    }
    return bvn + normalCdf(-h) * normalCdf(-k);
  }
  if (r < 0) { k = -k; hk = -hk; }
  if (ar < 1) {
    const as = (1 - r) * (1 + r);
    let a = Math.sqrt(as);
    const bs = (h - k) ** 2;
    const c = (4 - hk) / 8, d = (12 - hk) / 16;
    let asr = -(bs / as + hk) / 2;
    if (asr > -100) bvn = a * Math.exp(asr) * (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
    if (-hk < 100) {
      const b = Math.sqrt(bs);
      bvn -= Math.exp(-hk / 2) * Math.sqrt(TWO_PI) * normalCdf(-b / a) * b * (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
    }
    a /= 2;
    for (let i = 0; i < g.x.length; i++) {
      for (const s of [-1, 1]) {
        const xs = (a * (s * -g.x[i] + 1)) ** 2;
        const rs = Math.sqrt(1 - xs);
        asr = -(bs / xs + hk) / 2;
        if (asr > -100) {
          bvn += a * g.w[i] * Math.exp(asr) * (Math.exp((-hk * (1 - rs)) / (2 * (1 + rs))) / rs - (1 + c * xs * (1 + d * xs)));
        }
      }
    }
    bvn = -bvn / TWO_PI;
  }
  if (r > 0) return bvn + normalCdf(-Math.max(h, k));
  bvn = -bvn;
  if (k > h) bvn += normalCdf(k) - normalCdf(h);
  return bvn;
}

/** P(X ≤ h, Y ≤ k) for a standard bivariate normal with correlation r ∈ [-1, 1]. */
export function bvnCdf(h: number, k: number, r: number): number {
  if (h === -Infinity || k === -Infinity) return 0;
  if (h === Infinity) return normalCdf(k);
  if (k === Infinity) return normalCdf(h);
  const p = bvnUpper(-h, -k, r);
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** P(X ≤ h, Y ≤ k) for a standard bivariate t with integer ν ≥ 1 and correlation r. */
export function bvtCdf(nu: number, h: number, k: number, r: number): number {
  if (h === -Infinity || k === -Infinity) return 0;
  if (h === Infinity) return studentCdf(nu, k);
  if (k === Infinity) return studentCdf(nu, h);
  if (1 - r <= 1e-15) return studentCdf(nu, Math.min(h, k));
  if (r + 1 <= 1e-15) return h > -k ? studentCdf(nu, h) - studentCdf(nu, -k) : 0;
  const snu = Math.sqrt(nu);
  const ors = 1 - r * r;
  const hrk = h - r * k, krh = k - r * h;
  let xnhk = 0, xnkh = 0;
  if (Math.abs(hrk) + ors > 0) {
    xnhk = (hrk * hrk) / (hrk * hrk + ors * (nu + k * k));
    xnkh = (krh * krh) / (krh * krh + ors * (nu + h * h));
  }
  const hs = hrk < 0 ? -1 : 1;
  const ks = krh < 0 ? -1 : 1;
  let bvt: number;
  if (nu % 2 === 0) {
    bvt = Math.atan2(Math.sqrt(ors), -r) / TWO_PI;
    let gmph = h / Math.sqrt(16 * (nu + h * h));
    let gmpk = k / Math.sqrt(16 * (nu + k * k));
    let btnckh = (2 * Math.atan2(Math.sqrt(xnkh), Math.sqrt(1 - xnkh))) / Math.PI;
    let btpdkh = (2 * Math.sqrt(xnkh * (1 - xnkh))) / Math.PI;
    let btnchk = (2 * Math.atan2(Math.sqrt(xnhk), Math.sqrt(1 - xnhk))) / Math.PI;
    let btpdhk = (2 * Math.sqrt(xnhk * (1 - xnhk))) / Math.PI;
    for (let j = 1; j <= nu / 2; j++) {
      bvt += gmph * (1 + ks * btnckh);
      bvt += gmpk * (1 + hs * btnchk);
      btnckh += btpdkh;
      btpdkh = (2 * j * btpdkh * (1 - xnkh)) / (2 * j + 1);
      btnchk += btpdhk;
      btpdhk = (2 * j * btpdhk * (1 - xnhk)) / (2 * j + 1);
      gmph = (gmph * (2 * j - 1)) / (2 * j * (1 + (h * h) / nu));
      gmpk = (gmpk * (2 * j - 1)) / (2 * j * (1 + (k * k) / nu));
    }
  } else {
    const qhrk = Math.sqrt(h * h + k * k - 2 * r * h * k + nu * ors);
    const hkrn = h * k + r * nu, hkn = h * k - nu, hpk = h + k;
    bvt = Math.atan2(-snu * (hkn * qhrk + hpk * hkrn), hkn * hkrn - nu * hpk * qhrk) / TWO_PI;
    if (bvt < -1e-15) bvt += 1;
    let gmph = h / (TWO_PI * snu * (1 + (h * h) / nu));
    let gmpk = k / (TWO_PI * snu * (1 + (k * k) / nu));
    let btnckh = Math.sqrt(xnkh), btpdkh = btnckh;
    let btnchk = Math.sqrt(xnhk), btpdhk = btnchk;
    for (let j = 1; j <= (nu - 1) / 2; j++) {
      bvt += gmph * (1 + ks * btnckh);
      bvt += gmpk * (1 + hs * btnchk);
      btpdkh = ((2 * j - 1) * btpdkh * (1 - xnkh)) / (2 * j);
      btnckh += btpdkh;
      btpdhk = ((2 * j - 1) * btpdhk * (1 - xnhk)) / (2 * j);
      btnchk += btpdhk;
      gmph = (2 * j * gmph) / ((2 * j + 1) * (1 + (h * h) / nu));
      gmpk = (2 * j * gmpk) / ((2 * j + 1) * (1 + (k * k) / nu));
    }
  }
  return bvt < 0 ? 0 : bvt > 1 ? 1 : bvt;
}

/*
 * A small SVG plotting helper for reports: line and point series on linear axes with "nice"
 * ticks, an optional y = x reference (reliability diagrams), a legend. Output is a standalone SVG
 * document with fixed size, plain attributes and no scripts, byte-identical for identical input.
 */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** 'line' (default) joins points in order; 'points' draws markers only. */
  style?: 'line' | 'points' | 'both';
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Draw the y = x diagonal. */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rounded to 2 decimals for coordinates (small, stable output). */
const f = (x: number) => String(Math.round(x * 100) / 100);

/** Step of "nice" ticks (1, 2 or 5 × 10^k) giving about `count` ticks over [lo, hi]. */
export function niceStep(lo: number, hi: number, count = 5): number {
  const span = hi - lo;
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

/** Tick values: multiples of the nice step within [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function domainOf(values: number[], given?: [number, number]): [number, number] {
  if (given) return given;
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  const step = niceStep(lo, hi);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

const label = (t: number) => String(Number(t.toPrecision(6)));

export function linePlot(o: PlotOptions): string {
  const W = o.width ?? 640, H = o.height ?? 400;
  const m = { l: 70, r: 150, t: 40, b: 55 };
  const pts = o.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const [x0, x1] = domainOf(pts.map((p) => p[0]), o.xDomain);
  const [y0, y1] = domainOf(pts.map((p) => p[1]), o.yDomain);
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${f(W / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(o.title)}</text>`);
  for (const t of niceTicks(x0, x1)) {
    out.push(`<line x1="${f(px(t))}" y1="${f(m.t)}" x2="${f(px(t))}" y2="${f(H - m.b)}" stroke="#eee"/>`);
    out.push(`<text x="${f(px(t))}" y="${f(H - m.b + 16)}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    out.push(`<line x1="${f(m.l)}" y1="${f(py(t))}" x2="${f(W - m.r)}" y2="${f(py(t))}" stroke="#eee"/>`);
    out.push(`<text x="${f(m.l - 6)}" y="${f(py(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<rect x="${f(m.l)}" y="${f(m.t)}" width="${f(W - m.l - m.r)}" height="${f(H - m.t - m.b)}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${f(m.l + (W - m.l - m.r) / 2)}" y="${f(H - 14)}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  out.push(`<text x="16" y="${f(m.t + (H - m.t - m.b) / 2)}" text-anchor="middle" transform="rotate(-90 16 ${f(m.t + (H - m.t - m.b) / 2)})">${escapeXml(o.yLabel)}</text>`);
  if (o.diagonal) {
    const a = Math.max(x0, y0), b = Math.min(x1, y1);
    if (b > a) out.push(`<line x1="${f(px(a))}" y1="${f(py(a))}" x2="${f(px(b))}" y2="${f(py(b))}" stroke="#999" stroke-dasharray="4 4"/>`);
  }
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const style = s.style ?? 'line';
    if (style !== 'points' && ok.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${ok.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ')}"/>`);
    }
    if (style !== 'line' || ok.length === 1) for (const [x, y] of ok) out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3" fill="${color}"/>`);
    const ly = m.t + 10 + i * 18;
    out.push(`<rect x="${f(W - m.r + 12)}" y="${f(ly - 8)}" width="12" height="3" fill="${color}"/>`);
    out.push(`<text x="${f(W - m.r + 30)}" y="${f(ly - 2)}">${escapeXml(s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

import type { SimResult } from './simulate';

/*
 * Regret curves as a self-contained SVG: cumulative regret (linear y) against pulls (log x), one
 * line per strategy, with a legend giving each one's log-log slope.
 */

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** A "nice" step (1, 2 or 5 × 10^k) giving about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

export function regretSvg(result: SimResult, opts: { width?: number; height?: number; title?: string } = {}): string {
  const W = opts.width ?? 820;
  const H = opts.height ?? 440;
  const m = { left: 64, right: 230, top: 36, bottom: 48 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xs = result.checkpoints;
  const xmin = Math.log10(xs[0] ?? 1);
  const xmax = Math.log10(Math.max(xs[xs.length - 1] ?? 10, 10));
  const ymaxRaw = Math.max(1e-9, ...result.curves.flatMap((c) => c.regret));
  const step = niceStep(ymaxRaw, 5);
  const ymax = Math.ceil(ymaxRaw / step) * step;
  const X = (x: number) => m.left + ((Math.log10(x) - xmin) / Math.max(xmax - xmin, 1e-9)) * pw;
  const Y = (y: number) => m.top + ph - (y / ymax) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  const title = opts.title ?? `Cumulative regret, ${result.arms.length} arms, ${result.runs} run${result.runs === 1 ? '' : 's'}, seed ${result.seed}`;
  out.push(`<text x="${m.left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (let y = 0; y <= ymax + 1e-9; y += step) {
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(y).toFixed(1)}" y2="${Y(y).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${(Y(y) + 4).toFixed(1)}" text-anchor="end">${fmt(y)}</text>`);
  }
  for (let d = 10 ** Math.ceil(xmin); Math.log10(d) <= xmax + 1e-9; d *= 10) {
    out.push(`<line x1="${X(d).toFixed(1)}" x2="${X(d).toFixed(1)}" y1="${m.top}" y2="${m.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(d).toFixed(1)}" y="${m.top + ph + 16}" text-anchor="middle">${d >= 1000 ? `${d / 1000}k` : d}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">pulls (log scale)</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">cumulative regret</text>`);
  result.curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = xs.map((x, j) => `${X(x).toFixed(1)},${Y(c.regret[j] ?? 0).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`);
    const ly = m.top + 10 + i * 20;
    out.push(`<line x1="${m.left + pw + 12}" x2="${m.left + pw + 32}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    out.push(`<text x="${m.left + pw + 38}" y="${ly + 4}">${esc(c.label)} (slope ${Number.isFinite(c.slope) ? c.slope.toFixed(2) : '–'})</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

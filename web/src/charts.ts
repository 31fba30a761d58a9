import uPlot from 'uplot';
import { h } from './dom';

/*
 * uPlot charts that fit their container: a chart is made once per container (marked data-keep so
 * re-rendering leaves it alone) and fed new data with set(). Colours come from the page's CSS
 * variables, so the charts follow the light or dark theme.
 */

export interface SeriesSpec { label: string; color: string; fill?: boolean; bars?: boolean; value?: (v: number | null) => string }

export interface Chart {
  el: HTMLElement;
  set(data: uPlot.AlignedData): void;
  destroy(): void;
}

export const css = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Colours for series that have no meaning of their own (kernels, arms). */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626', '#4b5563', '#ca8a04'];

/** Keeps a plot as wide as its box; disconnect the observer when the plot goes. */
export function fitToBox(plot: uPlot, box: HTMLElement, height: number): ResizeObserver {
  const fit = () => {
    const w = Math.max(200, Math.floor(box.clientWidth));
    if (w && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height });
  };
  const ro = new ResizeObserver(fit);
  ro.observe(box);
  requestAnimationFrame(fit);
  return ro;
}

export function timeChart(opts: {
  title: string;
  series: SeriesSpec[];
  height?: number;
  yLabel?: string;
  yRange?: [number, number];
  /** Stack the series (values are drawn cumulatively, the legend shows each one's own value). */
  stacked?: boolean;
}): Chart {
  const el = h('figure', { class: 'chart', 'data-keep': '' });
  const caption = h('figcaption', null, opts.title);
  const plotBox = h('div', { class: 'chart-plot', role: 'img', 'aria-label': opts.title });
  el.append(caption, plotBox);
  const axisColor = css('--muted', '#6b7280');
  const gridColor = css('--grid', 'rgba(128,128,128,0.18)');
  let raw: uPlot.AlignedData = [[]];
  const barsPath = uPlot.paths.bars?.({ size: [0.7, 40] });

  const series: uPlot.Series[] = [
    {},
    ...opts.series.map((s, i): uPlot.Series => ({
      label: s.label,
      stroke: s.color,
      width: s.bars ? 0 : 2,
      fill: s.fill || s.bars || opts.stacked ? `${s.color}${s.bars ? 'cc' : '33'}` : undefined,
      paths: s.bars ? barsPath : undefined,
      // Points only when there are too few to draw a line.
      points: { show: (_u: uPlot, _si: number, i0: number, i1: number) => i1 - i0 < 2, size: 7 },
      value: (_u, v, _si, idx) => {
        const own = opts.stacked && idx !== null && idx !== undefined ? (raw[i + 1]?.[idx] ?? null) : v;
        return s.value ? s.value(own as number | null) : own === null || own === undefined ? '–' : String(Math.round((own as number) * 100) / 100);
      },
    })),
  ];
  const options: uPlot.Options = {
    width: 600,
    height: opts.height ?? 200,
    series,
    // One bucket alone would get a degenerate range (uPlot then spans years): pad it by a minute.
    scales: { x: { time: true, range: (_u, min, max) => (max - min < 1 ? [min - 60, max + 60] : [min, max]) }, y: opts.yRange ? { range: opts.yRange } : { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: axisColor, grid: { stroke: gridColor }, ticks: { stroke: gridColor } },
      { stroke: axisColor, grid: { stroke: gridColor }, ticks: { stroke: gridColor }, label: opts.yLabel, size: 50 },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    bands: opts.stacked ? opts.series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })) : undefined,
  };
  const plot = new uPlot(options, [[]], plotBox);
  const ro = fitToBox(plot, plotBox, opts.height ?? 200);

  return {
    el,
    set(data) {
      raw = data;
      if (!opts.stacked) return plot.setData(data);
      const stacked: (number | null)[][] = [];
      let acc = new Array<number>(data[0]!.length).fill(0);
      for (let s = 1; s < data.length; s++) {
        acc = acc.map((a, i) => a + ((data[s]![i] as number | null) ?? 0));
        stacked.push([...acc]);
      }
      plot.setData([data[0]!, ...stacked] as uPlot.AlignedData);
    },
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}

/** Keeps one chart per slot across renders: makes it on first use, reuses it after. */
export class ChartSlots {
  private readonly charts = new Map<string, Chart>();
  get(key: string, make: () => Chart): Chart {
    let c = this.charts.get(key);
    if (!c) {
      c = make();
      c.el.setAttribute('data-key', `chart-${key}`);
      this.charts.set(key, c);
    }
    return c;
  }
  destroy(): void {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
  }
}

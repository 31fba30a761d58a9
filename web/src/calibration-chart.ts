import uPlot from 'uplot';
import type { CalibrationScores } from '@nfl-grid/shared/api/model-calibration';
import { css, fitToBox, type Chart } from './charts';
import { h } from './dom';

/*
 * A reliability diagram: per forecast bin (0.05 wide), the observed cover rate of the model and of
 * the analytic baseline against the bin's middle, the diagonal a calibrated model would follow,
 * and the model's plays per bin as bars on a second axis (a point over few plays means little).
 */

const MODEL = '#2563eb';
const BASELINE = '#d97706';
const HEIGHT = 280;

const pct = (v: number | null) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

export function calibrationChart(title: string): Chart & { update(model: CalibrationScores, baseline: CalibrationScores): void } {
  const el = h('figure', { class: 'chart', 'data-keep': '', 'data-key': 'chart-calibration', 'data-testid': 'calibration-chart' });
  const plotBox = h('div', { class: 'chart-plot', role: 'img', 'aria-label': title });
  el.append(h('figcaption', null, title), plotBox);
  const axisColor = css('--muted', '#6b7280');
  const gridColor = css('--grid', 'rgba(128,128,128,0.18)');
  const axis = { stroke: axisColor, grid: { stroke: gridColor }, ticks: { stroke: gridColor } };
  const dots = { show: true, size: 6 };
  const plot = new uPlot({
    width: 600,
    height: HEIGHT,
    series: [
      { label: 'forecast', value: (_u, v) => pct(v) },
      { label: 'calibrated', stroke: axisColor, width: 1, dash: [4, 4], points: { show: false }, value: (_u, v) => pct(v) },
      { label: 'model', stroke: MODEL, width: 2, points: dots, value: (_u, v) => pct(v) },
      { label: 'baseline', stroke: BASELINE, width: 2, points: dots, value: (_u, v) => pct(v) },
      { label: 'plays (model)', scale: 'n', stroke: `${MODEL}55`, fill: `${MODEL}22`, width: 0, paths: uPlot.paths.bars?.({ size: [0.8, 60] }), points: { show: false } },
    ],
    scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] }, n: { range: (_u, _min, max) => [0, Math.max(1, max) * 3] } },
    axes: [
      { ...axis, label: 'forecast probability (bin middle)', values: (_u, ticks) => ticks.map((t) => t.toFixed(1)) },
      { ...axis, label: 'observed cover rate', size: 50 },
      { ...axis, scale: 'n', side: 1, grid: { show: false }, label: 'plays', size: 60 },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  }, [[]], plotBox);
  const ro = fitToBox(plot, plotBox, HEIGHT);

  const set = (data: uPlot.AlignedData) => plot.setData(data);
  return {
    el,
    set,
    update(model, baseline) {
      const mid = model.bins.map((b) => (b.from + b.to) / 2);
      set([mid, mid, model.bins.map((b) => b.observed), baseline.bins.map((b) => b.observed), model.bins.map((b) => b.plays)] as uPlot.AlignedData);
    },
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}

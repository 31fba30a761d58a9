import type { CalibrationScores, ModelCalibration, PairedLogLoss } from '@nfl-grid/shared/api/model-calibration';
import { calibrationChart } from '../calibration-chart';
import type { Chart } from '../charts';
import { fmt, h } from '../dom';
import { table, td } from './common';

/*
 * A model's calibration on its held-out plays, from GET /api/v1/models/:id/calibration: the
 * reliability diagram beside the analytic baseline, the bins as a table, and per season whether
 * the model adds anything to the baseline (Δ log loss against twice its standard error).
 */

export type CalibrationState =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; body: ModelCalibration };

type CalChart = Chart & { update(model: CalibrationScores, baseline: CalibrationScores): void };

/** Δ ± SE as text, and what it says: better, worse or no evidence either way (|Δ| < 2 SE). */
export function deltaText(d: PairedLogLoss): { text: string; verdict: 'better' | 'worse' | 'no difference' } {
  const se = d.standardError;
  const text = `${d.meanImprovement >= 0 ? '+' : '−'}${fmt(Math.abs(d.meanImprovement), 4)}${se === null ? '' : ` ± ${fmt(se, 4)}`}`;
  const verdict = se !== null && d.meanImprovement > 2 * se ? 'better' : se !== null && d.meanImprovement < -2 * se ? 'worse' : 'no difference';
  return { text, verdict };
}

const pct = (v: number | null) => (v === null ? '–' : `${fmt(v * 100, 1)}%`);

function binsTable(model: CalibrationScores, baseline: CalibrationScores): HTMLElement {
  const rows = model.bins.map((b, i) => {
    const base = baseline.bins[i]!;
    return h('tr', { 'data-key': `bin-${i}` },
      td('Forecast', `${fmt(b.from, 2)}–${fmt(b.to, 2)}`),
      td('Plays (model)', fmt(b.plays)), td('Mean forecast (model)', pct(b.meanForecast)), td('Observed (model)', pct(b.observed)),
      td('Plays (baseline)', fmt(base.plays)), td('Observed (baseline)', pct(base.observed)));
  });
  return table('Calibration bins', ['Forecast', 'Plays (model)', 'Mean forecast (model)', 'Observed (model)', 'Plays (baseline)', 'Observed (baseline)'], rows, { cls: 'cards' });
}

/** The calibration panel's content; the chart is kept across renders by the caller. */
export function calibrationBlock(cal: CalibrationState | undefined, chart: () => CalChart): (Node | null)[] {
  if (!cal || cal.state === 'loading') return [h('p', { class: 'muted', 'data-testid': 'calibration-loading' }, 'Scoring the held-out plays…')];
  if (cal.state === 'failed') return [h('p', { class: 'notice error' }, `No calibration: ${cal.message}`)];
  const { body } = cal;
  const p = body.pooled;
  if (!p) return [h('p', { class: 'empty' }, 'This model has no held-out season with play-by-play data (2009–2019) to score.')];
  const c = chart();
  c.update(p.model, p.baseline);
  const d = deltaText(p.delta);
  return [
    c.el,
    h('dl', { class: 'facts', 'data-testid': 'calibration-figures' },
      h('dt', null, 'Seasons'), h('dd', null, `${body.seasons.join(', ')}${p.heldOut ? ' (held out)' : ' (not all held out: in-sample plays included)'}`),
      h('dt', null, 'Plays / games'), h('dd', null, `${fmt(p.model.plays)} / ${fmt(p.delta.games)}`),
      h('dt', null, 'Calibration error, model'), h('dd', { 'data-testid': 'calibration-error' }, fmt(p.model.calibrationError, 4)),
      h('dt', null, `Calibration error, baseline (σ = ${body.baseline.sigma})`), h('dd', null, fmt(p.baseline.calibrationError, 4)),
      h('dt', null, 'Log loss, model / baseline'), h('dd', null, `${fmt(p.model.logLoss, 4)} / ${fmt(p.baseline.logLoss, 4)}`),
      h('dt', null, 'Δ log loss per play (> 0: model better) ± SE'), h('dd', { 'data-testid': 'pooled-delta' }, `${d.text} · ${d.verdict}`)),
    h('p', { class: 'help' }, 'Each point is a bin of forecasts 0.05 wide, weighted by plays: the share of those plays on which the favourite covered. '
      + 'A calibrated model follows the dashed diagonal. The calibration error is the plays-weighted mean gap between forecast and outcome over the bins. '
      + 'The baseline is the analytic model (remaining margin Normal, σ fitted on all seasons) on the same plays. '
      + 'The standard error is over games, since a game\'s plays share its outcome; "no difference" means |Δ| is under two standard errors.'),
    h('details', null, h('summary', null, 'Bins'), binsTable(p.model, p.baseline)),
  ];
}

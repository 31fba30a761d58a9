import { api, explain, get } from '../api';
import { calibrationChart } from '../calibration-chart';
import type { ViewFactory } from '../context';
import { ago, badge, fmt, h, short, when } from '../dom';
import type { Model, ModelList, PromoteAnswer, RollbackAnswer, Wire } from '../types';
import { section, table, td } from './common';
import { calibrationBlock, deltaText, type CalibrationState } from './model-calibration';
import { askPromote, decisionBlock } from './model-decision';
import type { ModelCalibration } from '@nfl-grid/shared/api/model-calibration';

/*
 * The model registry: every version with its state and held-out metrics; `#/models/<id>` opens
 * one with its metrics per season, lineage, data hashes and last promotion decision, and the
 * admin's promote (a paired test, or an override with a reason) and rollback.
 */

/** Metrics shown first, in this order, when a model has them; any others follow by name. */
const KNOWN: [string, string, number][] = [['logLoss', 'Log loss', 4], ['brier', 'Brier', 4], ['calibrationError', 'Calibration error', 4], ['plays', 'Plays', 0]];
const WU_SHOWN = 30;

const metric = (m: Record<string, number> | undefined, key: string, digits: number) => fmt(m?.[key], digits);

function metricColumns(m: Model): [string, string, number][] {
  const keys = new Set(Object.values(m.metrics.seasons ?? {}).flatMap((s) => Object.keys(s)));
  const known = KNOWN.filter(([k]) => keys.has(k));
  const others = [...keys].filter((k) => !KNOWN.some(([x]) => x === k)).sort().map((k): [string, string, number] => [k, k, 4]);
  return [...known, ...others];
}

export const modelsView: ViewFactory = (ctx, render) => {
  let models: Model[] = [];
  let answer: { id: string; body: Wire<PromoteAnswer> } | null = null;
  const selectedId = ctx.params[0] ?? null;
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': 'promote-title' }) as HTMLDialogElement;
  document.body.append(dialog);
  let calChart: ReturnType<typeof calibrationChart> | null = null;
  // scoring a season takes seconds the first time: the page shows without it and fills it in
  let calibration: { sha: string; cal: CalibrationState } | null = null;

  const loadCalibration = (m: Model) => {
    if (calibration?.sha === m.artifactSha256 && calibration.cal.state !== 'failed') return;
    const mine = { sha: m.artifactSha256, cal: { state: 'loading' } as CalibrationState };
    calibration = mine;
    get<ModelCalibration>(`/api/v1/models/${m.id}/calibration`)
      .then((body) => { mine.cal = { state: 'ready', body }; })
      .catch((e: unknown) => { mine.cal = { state: 'failed', message: explain(e) }; })
      .finally(() => { if (calibration === mine) render(); });
  };

  const load = async () => {
    models = (await get<Wire<ModelList>>('/api/v1/models')).models;
    const selected = selectedId ? models.find((m) => m.id === selectedId) : undefined;
    if (selected) loadCalibration(selected);
  };

  function row(m: Model): HTMLElement {
    const o = m.metrics.overall;
    return h('tr', { 'data-key': m.id, 'data-model': `${m.name}-v${m.version}`, 'aria-current': m.id === selectedId ? 'true' : null },
      td('Model', h('a', { href: `#/models/${m.id}` }, m.name)),
      td('Version', fmt(m.version)),
      td('State', badge(m.state)),
      td('Kernel', h('code', null, m.kernel)),
      td('Log loss', metric(o, 'logLoss', 4)),
      td('Brier', metric(o, 'brier', 4)),
      td('Calibration error', metric(o, 'calibrationError', 4)),
      td('Created', h('time', { datetime: m.createdAt, title: when(m.createdAt) }, ago(m.createdAt))),
      td('Promoted', m.promotedAt ? h('time', { datetime: m.promotedAt, title: when(m.promotedAt) }, ago(m.promotedAt)) : '–'));
  }

  /** The recorded metrics per season and, where the held-out plays were scored, the baseline beside them. */
  function seasonsTable(m: Model): Node {
    const cols = metricColumns(m);
    const seasons = Object.keys(m.metrics.seasons ?? {}).sort();
    const cal = calibration?.sha === m.artifactSha256 && calibration.cal.state === 'ready' ? calibration.cal.body : null;
    const scored = new Map((cal?.perSeason ?? []).map((x) => [String(x.season), x]));
    const vs = (s: string) => {
      const x = scored.get(s);
      if (!x) return [td('Baseline log loss', '–'), td('Δ log loss ± SE', '–')];
      const d = deltaText(x.delta);
      return [td('Baseline log loss', fmt(x.baseline.logLoss, 4)),
        td('Δ log loss ± SE', h('span', { 'data-testid': `delta-${s}` }, d.text), ' ', badge(d.verdict.replace(' ', '_'), d.verdict))];
    };
    return table(`Metrics of ${m.name} v${m.version} per season`, ['Season', ...cols.map(([, label]) => label), 'Baseline log loss', 'Δ log loss ± SE'], seasons.map((s) =>
      h('tr', { 'data-key': s }, td('Season', s, m.heldOutSeasons.includes(Number(s)) ? h('span', { class: 'muted small' }, ' held out') : null),
        ...cols.map(([k, label, digits]) => td(label, metric(m.metrics.seasons[s], k, digits))), ...vs(s))),
    { empty: 'No metrics per season were recorded for this model.', cls: 'cards' });
  }

  function lineage(m: Model): Node[] {
    const { batchId, wuIds } = m.lineage;
    const wu = (id: number) => (batchId ? h('a', { href: `#/batches/${batchId}?wu=${id}` }, String(id)) : h('code', null, String(id)));
    const hashes = Object.entries(m.dataHashes).sort(([a], [b]) => a.localeCompare(b));
    return [
      h('dl', { class: 'facts' },
        h('dt', null, 'Batch'), h('dd', null, batchId ? h('a', { href: `#/batches/${batchId}` }, short(batchId)) : 'none recorded'),
        h('dt', null, 'Work units'), h('dd', { 'data-testid': 'wu-ids' }, wuIds.length
          ? [...wuIds.slice(0, WU_SHOWN).flatMap((id, i) => [i ? ', ' : '', wu(id)]), wuIds.length > WU_SHOWN ? ` and ${fmt(wuIds.length - WU_SHOWN)} more` : '']
          : 'none recorded'),
        h('dt', null, 'Artifact'), h('dd', null, h('code', { title: m.artifactSha256 }, m.artifactSha256.slice(0, 12))),
        h('dt', null, 'Replaces'), h('dd', null, m.replacesId ? h('a', { href: `#/models/${m.replacesId}` }, versionOf(m.replacesId)) : '–')),
      table('Data hashes', ['Dataset', 'sha256'], hashes.map(([name, sha]) =>
        h('tr', { 'data-key': name }, td('Dataset', h('code', null, name)), td('sha256', h('code', { title: sha }, sha.slice(0, 12))))),
      { empty: 'No data hashes recorded.' }),
      h('details', null, h('summary', null, 'Training parameters'), h('pre', { class: 'mono small' }, JSON.stringify(m.params, null, 2))),
    ];
  }

  const versionOf = (id: string) => {
    const m = models.find((x) => x.id === id);
    return m ? `${m.name} v${m.version}` : short(id);
  };

  function detail(m: Model): Node {
    const o = m.metrics.overall;
    const mine = answer?.id === m.id ? answer.body : null;
    return h('div', { 'data-testid': 'model-detail', 'data-key': `detail-${m.id}` },
      section(`${m.name} v${m.version}`,
        h('p', null, badge(m.state), ' ', h('code', null, m.kernel),
          h('span', { class: 'muted small' }, ` · held out: ${m.heldOutSeasons.join(', ') || 'none'} · created ${when(m.createdAt)}`
            + `${m.promotedAt ? ` · promoted ${when(m.promotedAt)}` : ''}${m.archivedAt ? ` · archived ${when(m.archivedAt)}` : ''}`)),
        h('div', { class: 'kpis' }, ...KNOWN.slice(0, 3).map(([k, label, d]) =>
          h('div', { class: 'kpi' }, h('div', { class: 'kpi-value' }, metric(o, k, d)), h('div', { class: 'kpi-label' }, `${label} (held out)`)))),
        h('div', { class: 'button-row' },
          m.state !== 'production' ? h('button', { type: 'button', class: 'primary', 'data-action': 'promote', 'data-id': m.id }, `Promote ${m.name} v${m.version}…`) : null,
          m.state === 'production' ? h('button', { type: 'button', class: 'danger', 'data-action': 'rollback', 'data-id': m.id }, `Roll back ${m.name} v${m.version}…`) : null)),
      mine ? section('Promotion result',
        h('p', { class: mine.promoted ? 'notice ok' : 'notice warn', 'data-testid': 'promote-result' },
          mine.promoted ? `${m.name} v${m.version} is now production.` : `${m.name} v${m.version} was not promoted: it stays a candidate.`),
        decisionBlock(mine)) : null,
      section('Metrics per season', seasonsTable(m),
        h('p', { class: 'help' }, 'Δ log loss is the analytic baseline\'s log loss minus the model\'s on the same held-out plays (> 0: the model is better), with its standard error over games; "no difference" when |Δ| is under two standard errors.')),
      section('Calibration on held-out plays', ...calibrationBlock(calibration?.sha === m.artifactSha256 ? calibration.cal : undefined,
        () => (calChart ??= calibrationChart(`Reliability of ${m.name} v${m.version} and the analytic baseline`)))),
      section('Lineage', ...lineage(m)),
      mine ? null : section('Last promotion decision', m.decision ? decisionBlock(m.decision) : h('p', { class: 'empty' }, 'This model has not been through a promotion.')));
  }

  return {
    title: 'Models',
    load,
    render() {
      const selected = selectedId ? models.find((m) => m.id === selectedId) : undefined;
      const below = selected ? detail(selected)
        : selectedId ? h('p', { class: 'notice error' }, `No model ${short(selectedId)} in the registry.`)
          : h('p', { class: 'muted' }, 'Open a model to see its metrics per season, lineage and promotion.');
      return [
        section(`${fmt(models.length)} model version${models.length === 1 ? '' : 's'}`,
          table('Models', ['Model', 'Version', 'State', 'Kernel', 'Log loss', 'Brier', 'Calibration error', 'Created', 'Promoted'], models.map(row),
            { empty: 'The registry is empty.', cls: 'cards' }),
          h('p', { class: 'help' }, 'Log loss, Brier and calibration error are on the held-out seasons, as the training reported them.')),
        below,
      ];
    },
    actions: {
      async promote(el) {
        const m = models.find((x) => x.id === el.dataset.id);
        if (!m) return;
        const body = await askPromote(dialog, m);
        if (!body) return;
        const r = await api<Wire<PromoteAnswer>>('POST', `/api/v1/models/${m.id}/promote`, body);
        answer = { id: m.id, body: r };
        ctx.toast(`${m.name} v${m.version}: ${r.decision ?? 'no test'}${r.promoted ? ', promoted' : ', not promoted'}.`, r.promoted ? 'ok' : 'info');
        await load();
      },
      async rollback(el) {
        const m = models.find((x) => x.id === el.dataset.id);
        if (!m) return;
        const label = `${m.name} v${m.version}`;
        const body = m.replacesId
          ? `${label} is archived and ${versionOf(m.replacesId)}, the version it replaced, is production again.`
          : `${label} is archived. It replaced no version, so ${m.name} has no production version until another is promoted.`;
        if (!(await ctx.confirm({ title: `Roll back ${label}?`, body, action: `Roll back ${label}`, danger: true }))) return;
        const r = await api<Wire<RollbackAnswer>>('POST', `/api/v1/models/${m.id}/rollback`, {});
        ctx.toast(`${label} archived; ${r.production ? `${r.production.name} v${r.production.version} is production` : 'no production version'}.`, 'ok');
        await load();
      },
    },
    destroy() {
      calChart?.destroy();
      if (dialog.open) dialog.close();
      dialog.remove();
    },
  };
};

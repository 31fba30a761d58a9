import { api, get, probe } from '../api';
import { ChartSlots, PALETTE, timeChart } from '../charts';
import type { ViewFactory } from '../context';
import { badge, fmt, h, pct, svg, when } from '../dom';
import type { Dispatch } from '../types';
import type { ArmView, BanditView } from '@nfl-grid/shared/bandit/api';
import { section, table, td } from './common';

const BUCKET_S = 60;
const BUCKETS = 60;

/** Each arm's mean reward with its confidence interval on [0, 1] (a forest plot). */
function forest(arms: ArmView[], best: string | null): SVGElement {
  const W = 560, row = 26, left = 170, right = 60, H = 30 + arms.length * row;
  const x = (v: number) => left + Math.max(0, Math.min(1, v)) * (W - left - right);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'forest', role: 'img', 'aria-label': `Mean reward and confidence interval of ${arms.length} arms` },
    ...ticks.map((t) => svg('line', { x1: x(t), x2: x(t), y1: 18, y2: H - 4, class: 'grid-line' })),
    ...ticks.map((t) => { const e = svg('text', { x: x(t), y: 12, class: 'tick', 'text-anchor': 'middle' }); e.textContent = String(t); return e; }),
    ...arms.flatMap((a, i) => {
      const y = 30 + i * row;
      const label = svg('text', { x: left - 8, y: y + 4, 'text-anchor': 'end', class: a.arm === best ? 'arm best' : 'arm' });
      label.textContent = a.arm;
      const val = svg('text', { x: W - right + 6, y: y + 4, class: 'tick' });
      val.textContent = a.mean === null ? 'no reward' : a.mean.toFixed(3);
      return [label, val,
        a.mean === null ? null : svg('line', { x1: x(a.ci.lower), x2: x(a.ci.upper), y1: y, y2: y, class: 'ci' }),
        a.mean === null ? null : svg('circle', { cx: x(a.mean), cy: y, r: 5, class: a.arm === best ? 'mean best' : 'mean' })];
    }));
}

/**
 * Bandit scheduler: the strategy in force (with a switch), arms with mean reward and confidence
 * interval, dispatch shares over time, regret and guardrails. Without the bandit API it says so
 * and still shows what was dispatched, by kernel, from the replicas table.
 */
export const banditView: ViewFactory = (ctx) => {
  let state: { ok: true; data: BanditView } | { ok: false; status: number; message: string } | null = null;
  let dispatch: Dispatch | null = null;
  let chosen: string | null = null;
  let paramsText = '';
  let names = new Map<string, string>();
  const charts = new ChartSlots();

  const load = async () => {
    [state, names] = await Promise.all([probe<BanditView>(`/api/v1/bandit?bucketSeconds=${BUCKET_S}&buckets=${BUCKETS}`), ctx.userNames()]);
    if (!state.ok) dispatch = await get<Dispatch>('/api/v1/console/dispatch?minutes=60');
    if (state.ok && chosen === null) {
      chosen = state.data.strategy.name;
      paramsText = JSON.stringify(state.data.strategy.params, null, 1);
    }
  };

  function sharesChart(b: BanditView): Node {
    const arms = b.arms.map((a) => a.arm);
    const buckets = b.dispatch.buckets;
    if (buckets.length === 0) return h('p', { class: 'empty' }, 'Nothing dispatched in this window.');
    const chart = charts.get(`shares-${arms.join(',')}`, () => timeChart({
      title: `Dispatch share by arm, per ${b.dispatch.bucketSeconds} s`, stacked: true, yRange: [0, 1], yLabel: 'share', height: 220,
      series: arms.map((a, i) => ({ label: a, color: PALETTE[i % PALETTE.length]!, value: (v) => (v === null ? '–' : pct(v * 100)) })),
    }));
    chart.set([buckets.map((k) => Date.parse(k.start) / 1000), ...arms.map((a) => buckets.map((k) => (k.total ? (k.arms[a] ?? 0) / k.total : null)))]);
    return chart.el;
  }

  function regretChart(b: BanditView): Node {
    if (b.regret.buckets.length === 0) return h('p', { class: 'empty' }, 'No regret recorded yet.');
    const chart = charts.get('regret', () => timeChart({ title: 'Cumulative regret (estimated)', height: 180, yLabel: 'regret', series: [{ label: 'regret', color: '#dc2626', fill: true }] }));
    chart.set([b.regret.buckets.map((k) => Date.parse(k.start) / 1000), b.regret.buckets.map((k) => k.cumulative)]);
    return chart.el;
  }

  function kernelDispatch(d: Dispatch): Node {
    if (d.kernels.length === 0) return h('p', { class: 'empty' }, 'No replica was dispatched in the last hour.');
    const names = d.kernels.map((k) => k.kernel);
    const chart = charts.get(`kernels-${names.join(',')}`, () => timeChart({
      title: 'Replicas dispatched per minute, share by kernel (last hour)', stacked: true, yRange: [0, 1], yLabel: 'share', height: 220,
      series: names.map((n, i) => ({ label: n, color: PALETTE[i % PALETTE.length]!, value: (v) => (v === null ? '–' : pct(v * 100)) })),
    }));
    const totals = d.minutes.map((_, i) => d.kernels.reduce((s, k) => s + k.counts[i]!, 0));
    chart.set([d.minutes, ...d.kernels.map((k) => k.counts.map((n, i) => (totals[i] ? n / totals[i]! : null)))]);
    return chart.el;
  }

  function drawState(b: BanditView): Node[] {
    const s = b.strategy;
    const known = b.strategies.find((x) => x.name === chosen);
    return [
      h('div', { class: 'grid-2' },
        section('Strategy in force',
          h('p', { class: 'strategy' }, h('strong', { 'data-testid': 'strategy' }, s.name), ' ', h('code', null, JSON.stringify(s.params))),
          h('p', { class: 'muted small' }, `version ${s.version} · since ${when(s.changedAt)}${s.changedBy ? ` · by ${names.get(s.changedBy) ?? s.changedBy}` : ''}${s.reason ? ` (${s.reason})` : ''}`),
          s.previous ? h('p', { class: 'muted small' }, `previous: ${s.previous.name} ${JSON.stringify(s.previous.params)}`) : null,
          h('form', { class: 'form-grid', 'data-action': 'switch' },
            h('label', { for: 'strategy-name' }, 'Switch to'),
            h('select', { id: 'strategy-name', name: 'strategy', 'data-change': 'choose' }, ...b.strategies.map((x) => h('option', { value: x.name, selected: x.name === chosen }, `${x.name} — ${x.title}`))),
            h('label', { for: 'strategy-params' }, 'Parameters (JSON)'),
            h('textarea', { id: 'strategy-params', name: 'params', rows: 3, class: 'mono', spellcheck: 'false' }, paramsText),
            h('button', { type: 'submit', class: 'primary' }, 'Put in force')),
          known ? h('p', { class: 'help' }, `Defaults: ${JSON.stringify(known.defaults)}. Takes effect on every coordinator at once; a guardrail trip soon after rolls it back.`) : null),
        section('Regret and exploration',
          h('div', { class: 'kpis' },
            h('div', { class: 'kpi' }, h('div', { class: 'kpi-value' }, fmt(b.regret.cumulative, 2)), h('div', { class: 'kpi-label' }, 'cumulative regret')),
            h('div', { class: 'kpi' }, h('div', { class: 'kpi-value' }, fmt(b.regret.perPull, 4)), h('div', { class: 'kpi-label' }, 'regret per pull')),
            h('div', { class: 'kpi' }, h('div', { class: 'kpi-value' }, pct(b.exploration.recentShare * 100)), h('div', { class: 'kpi-label' }, 'exploring (recent)'))),
          regretChart(b))),
      section('Arms',
        b.arms.length ? h('div', { class: 'table-wrap' }, forest(b.arms, b.bestArm)) : h('p', { class: 'empty' }, 'No arms yet.'),
        table('Arms', ['Arm', 'Pulls', 'Rewards', 'Mean', 'CI', 'Share', 'Validated / failed', 'Cap', ''], b.arms.map((a) =>
          h('tr', { 'data-key': a.arm }, td('Arm', h('code', null, a.arm), a.arm === b.bestArm ? badge('best') : null),
            td('Pulls', fmt(a.pulls)), td('Rewards', fmt(a.rewards)), td('Mean', fmt(a.mean, 3)),
            td('CI', a.mean === null ? '–' : `[${fmt(a.ci.lower, 3)}, ${fmt(a.ci.upper, 3)}] @ ${pct(a.ci.level * 100)}`),
            td('Share', pct(a.share * 100, 1)), td('Validated / failed', `${fmt(a.validated)} / ${fmt(a.failed)}`),
            td('Cap', a.cap ? `${pct(a.cap.maxShare * 100)}${a.cap.reason ? ` (${a.cap.reason})` : ''}` : '–'),
            td('', a.cap
              ? h('button', { type: 'button', 'data-action': 'uncap', 'data-arm': a.arm }, 'Lift cap')
              : h('button', { type: 'button', class: 'danger', 'data-action': 'cap', 'data-arm': a.arm }, 'Stop arm')))), { cls: 'cards' })),
      section('Dispatch shares over time', sharesChart(b)),
      section('Guardrails',
        b.guardrails.lastTrip ? h('p', { class: 'notice warn' }, `Last trip ${when(b.guardrails.lastTrip.at)}: ${b.guardrails.lastTrip.arm} ${b.guardrails.lastTrip.kind} ${fmt(b.guardrails.lastTrip.value, 3)} > ${fmt(b.guardrails.lastTrip.limit, 3)} → ${b.guardrails.lastTrip.actions.join(', ')}`) : h('p', null, 'No guardrail has tripped.'),
        h('p', { class: 'muted small' }, `Limits: error rate ${pct(b.guardrails.limits.maxErrorRate * 100)}, invalid rate ${pct(b.guardrails.limits.maxInvalidRate * 100)}, share ${pct(b.guardrails.limits.maxShare * 100)}.`)),
    ];
  }

  return {
    title: 'Bandit scheduler',
    reloadOn: ['wu.validated', 'batch.submitted'],
    load,
    render() {
      if (!state) return [h('p', { class: 'loading' }, 'Loading…')];
      if (state.ok) {
        try { return drawState(state.data); } catch (e) { return [h('p', { class: 'notice error' }, `The bandit's answer could not be shown: ${(e as Error).message}`)]; }
      }
      const s = state;
      return [
        h('div', { class: 'notice muted-notice', role: 'status' },
          h('p', null, h('strong', null, s.status === 404 || s.status === 501 ? 'The bandit scheduler is not available on this coordinator.' : 'The bandit scheduler could not be reached.')),
          h('p', null, `GET /api/v1/bandit answered ${s.status || 'nothing'}${s.status === 404 ? '' : `: ${s.message}`}. There are no arms, confidence intervals, regret or strategy to show. Below is what was dispatched, read from the replicas.`)),
        section('Dispatch by kernel', dispatch ? kernelDispatch(dispatch) : h('p', { class: 'loading' }, 'Loading…')),
      ];
    },
    actions: {
      choose(el) {
        chosen = (el as HTMLSelectElement).value;
        const known = state?.ok ? state.data.strategies.find((x) => x.name === chosen) : undefined;
        paramsText = JSON.stringify(state?.ok && state.data.strategy.name === chosen ? state.data.strategy.params : known?.defaults ?? {}, null, 1);
        document.getElementById('strategy-params')?.removeAttribute('data-dirty');
      },
      async cap(el) {
        const arm = el.dataset.arm!;
        if (!(await ctx.confirm({ title: `Stop dispatching ${arm}?`, body: 'Its share is capped at 0: it gets only work no other arm can give, until the cap is lifted.', action: 'Stop arm', danger: true }))) return;
        await api('POST', `/api/v1/bandit/arms/${encodeURIComponent(arm)}/cap`, { maxShare: 0, reason: `stopped in the console by ${ctx.user.name}` });
        ctx.toast(`${arm} capped.`, 'ok');
        await load();
      },
      async uncap(el) {
        await api('POST', `/api/v1/bandit/arms/${encodeURIComponent(el.dataset.arm!)}/uncap`);
        ctx.toast(`${el.dataset.arm} uncapped.`, 'ok');
        await load();
      },
      async switch(el) {
        const form = el as HTMLFormElement;
        const text = (form.elements.namedItem('params') as HTMLTextAreaElement).value.trim();
        let params: unknown;
        try { params = text ? JSON.parse(text) : {}; } catch (e) { throw new Error(`The parameters are not JSON: ${(e as Error).message}`); }
        const strategy = (form.elements.namedItem('strategy') as HTMLSelectElement).value;
        if (!(await ctx.confirm({ title: `Put ${strategy} in force?`, body: `Every coordinator dispatches with ${strategy} ${JSON.stringify(params)} from now on.`, action: 'Switch strategy' }))) return;
        await api('PUT', '/api/v1/bandit/strategy', { strategy, params });
        paramsText = JSON.stringify(params, null, 1);
        form.querySelectorAll('[data-dirty]').forEach((x) => x.removeAttribute('data-dirty'));
        ctx.toast(`Strategy switched to ${strategy}.`, 'ok');
        chosen = null;
        await load();
      },
    },
  };
};

import { api, get } from '../api';
import type { ViewFactory } from '../context';
import { ago, badge, bar, fmt, h, short, when } from '../dom';
import type { BatchDetail, CancelledBatch, ReplicaDetail, Reprioritised, Snapshot, Wire, WorkUnit, WorkUnitDetail, WorkUnitList } from '../types';
import { batchBar, section, table, td } from './common';

const PAGE = 100;
const WU_STATES = ['all', 'pending', 'running', 'validating', 'done', 'failed', 'cancelled'] as const;

const compactJson = (v: unknown, max = 80) => {
  const s = JSON.stringify(v) ?? '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

const downloads = (id: string) => [
  h('a', { class: 'button', href: `/api/v1/batches/${id}/results?format=csv`, download: `batch-${id}.csv` }, 'Download results (CSV)'),
  h('a', { class: 'button', href: `/api/v1/batches/${id}/results?format=json`, download: `batch-${id}.json` }, 'Download results (JSON)'),
];

/**
 * One batch (admins may act on it; its owner sees it read-only): live progress, usage, cancel, re-prioritise, download results; its work units with
 * their replicas (host, state, validation, credit, output hash) and any replica's output.
 */
export const batchView: ViewFactory = (ctx, render) => {
  const id = ctx.params[0]!;
  let batch: BatchDetail | null = null;
  let wus: WorkUnit[] = [];
  let wuTotal = 0;
  let offset = 0;
  let wuState: (typeof WU_STATES)[number] = 'all';
  const open = new Map<number, WorkUnitDetail | null>();
  const outputs = new Map<number, ReplicaDetail>();
  let lastCounts = '';
  let reloading: Promise<void> | null = null;

  const load = async () => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (wuState !== 'all') q.set('state', wuState);
    const [b, w] = await Promise.all([
      get<BatchDetail>(`/api/v1/batches/${id}`),
      get<Wire<WorkUnitList>>(`/api/v1/batches/${id}/workunits?${q}`),
    ]);
    const details = await Promise.all([...open.keys()].map((wuId) => get<WorkUnitDetail>(`/api/v1/workunits/${wuId}`).catch(() => null)));
    [...open.keys()].forEach((wuId, i) => open.set(wuId, details[i] ?? null));
    batch = b;
    wus = w.workUnits;
    wuTotal = w.total;
    lastCounts = JSON.stringify(b.counts);
  };
  const reload = () => {
    reloading ??= load().then(render, () => {}).finally(() => { reloading = null; });
  };

  function replicasTable(d: WorkUnitDetail): HTMLElement {
    return table(`Replicas of work unit ${d.seq}`, ['Replica', 'Host', 'State', 'Validation', 'Progress', 'CPU s', 'Credit', 'Output', ''], d.replicas.map((r) => {
      const out = outputs.get(r.id);
      return h('tr', { 'data-key': `r${r.id}` },
        td('Replica', `#${r.id}`, r.spotCheck ? h('span', { class: 'muted small' }, ' spot check') : null),
        td('Host', r.host.name),
        td('State', badge(r.state), r.errorCode ? h('div', { class: 'bad small' }, `${r.errorCode}: ${r.errorMessage ?? ''}`)
          : r.check && !r.check.ok ? h('div', { class: 'bad small' }, `failed_check: ${r.check.reason ?? ''}`) : null),
        td('Validation', badge(r.validateState), d.canonicalReplicaId === r.id ? h('span', { class: 'small' }, ' canonical') : null),
        td('Progress', r.state === 'in_progress' ? bar(r.progress, `replica ${r.id} progress`) : '–'),
        td('CPU s', fmt(r.cpuSeconds, 1)),
        td('Credit', r.grantedCredit !== null ? fmt(r.grantedCredit, 2) : r.claimedCredit !== null ? `${fmt(r.claimedCredit, 2)} claimed` : '–'),
        td('Output', r.outputSha256 ? h('code', { title: r.outputSha256 }, r.outputSha256.slice(0, 12)) : '–',
          out ? h('pre', { class: 'output' }, JSON.stringify(out.output, null, 1).slice(0, 4000)) : null),
        td('', r.outputSha256 && !out ? h('button', { type: 'button', 'data-action': 'output', 'data-id': String(r.id) }, 'Show output') : null));
    }), { cls: 'nested cards' });
  }

  /** The params that differ between the listed work units (the grid's axes), e.g. `season=2019`. */
  function varying(): string[] {
    const keys = new Set(wus.flatMap((w) => Object.keys(w.params as object)));
    return [...keys].filter((k) => new Set(wus.map((w) => JSON.stringify((w.params as Record<string, unknown>)[k]))).size > 1);
  }

  function paramsCell(w: WorkUnit, keys: string[]): HTMLElement {
    const p = w.params as Record<string, unknown>;
    const text = keys.length ? keys.map((k) => `${k}=${compactJson(p[k], 30)}`).join(' ') : compactJson(p);
    return h('code', { class: 'small', title: JSON.stringify(p) }, text);
  }

  function wuRows(w: WorkUnit, keys: string[]): HTMLElement[] {
    const expanded = open.has(w.id);
    const rows = [h('tr', { 'data-key': `w${w.id}` },
      td('Seq', fmt(w.seq)),
      td('State', badge(w.state), w.reason ? h('div', { class: 'muted small' }, w.reason) : null,
        w.reopened ? h('div', { class: 'bad small', title: `${w.reopened.reason} (${new Date(w.reopened.at).toLocaleString()})` }, `re-opened${w.reopened.count > 1 ? ` ×${w.reopened.count}` : ''}: ${w.reopened.reason}`) : null),
      td('Params', paramsCell(w, keys)),
      td('Replicas', `${w.replicasReported}/${w.replicasSent}`, w.errorReplicas ? h('span', { class: 'bad' }, ` · ${w.errorReplicas} errors`) : null),
      td('Quorum', `${w.policy.minQuorum}`),
      td('Updated', ago(w.updatedAt)),
      td('', h('button', { type: 'button', 'data-action': 'toggle', 'data-id': String(w.id), 'aria-expanded': String(expanded), 'aria-controls': `wu-${w.id}` }, expanded ? 'Hide replicas' : 'Replicas')))];
    if (expanded) {
      const d = open.get(w.id);
      rows.push(h('tr', { 'data-key': `d${w.id}`, id: `wu-${w.id}`, class: 'detail-row' },
        h('td', { colspan: 7 }, d ? replicasTable(d) : h('p', { class: 'loading' }, 'Loading replicas…'))));
    }
    return rows;
  }

  return {
    get title() { return batch ? `Batch: ${batch.name}` : 'Batch'; },
    reloadOn: ['batch.finished'],
    load,
    live(m) {
      if (m.event !== 'snapshot' || !batch || batch.state !== 'open') return false;
      const l = (m.data as Snapshot).openBatches.find((b) => b.id === id);
      if (!l) { reload(); return false; } // finished or cancelled elsewhere
      const counts = JSON.stringify(l.counts);
      if (counts !== lastCounts) {
        batch = { ...batch, counts: l.counts, progress: { finished: l.counts.done + l.counts.failed + l.counts.cancelled, percent: l.percent }, priority: l.priority };
        lastCounts = counts;
        reload();
        return true;
      }
      if (open.size) reload(); // replica progress
      return false;
    },
    render() {
      if (!batch) return [h('p', null, 'No such batch.')];
      const b = batch;
      const c = b.counts;
      const isOpen = b.state === 'open';
      const keys = varying();
      return [
        h('div', { class: 'batch-head' },
          h('p', { class: 'batch-name' }, h('strong', null, b.name), ' ', badge(b.state), ' ', h('code', null, b.kernel), h('span', { class: 'muted' }, ` · ${b.owner.name} · ${short(b.id)}`)),
          h('div', { class: 'batch-progress', 'data-testid': 'batch-progress' }, batchBar(b, b.progress.percent),
            h('p', { class: 'small' }, `${fmt(c.done)} done · ${fmt(c.running)} running · ${fmt(c.validating)} validating · ${fmt(c.pending)} pending · ${fmt(c.failed)} failed · ${fmt(c.cancelled)} cancelled · of ${fmt(b.wuCount)}`))),
        h('div', { class: 'grid-2' },
          section('Usage', h('dl', { class: 'facts' },
            h('dt', null, 'Credit granted'), h('dd', null, fmt(b.creditGranted, 2)),
            h('dt', null, 'CPU hours'), h('dd', null, `${fmt(b.cpuHours, 3)} (estimated ${fmt(b.estimatedHours, 2)})`),
            h('dt', null, 'GPU hours'), h('dd', null, fmt(b.gpuHours, 3)),
            h('dt', null, 'Replicas'), h('dd', null, fmt(b.replicas)),
            h('dt', null, 'Validated alone'), h('dd', { 'data-testid': 'validated-alone', title: 'Done work units decided on one trusted host\'s word (adaptive replication, with random spot checks), though the batch asked for a larger quorum. Submit with policy.adaptive false to forbid it.' },
              b.validatedAlone ? `${fmt(b.validatedAlone)} of ${fmt(c.done)} done` : 'none'),
            h('dt', null, 'Created'), h('dd', null, when(b.createdAt)),
            h('dt', null, 'Finished'), h('dd', null, when(b.finishedAt)))),
          ctx.user.role !== 'admin' ? section('Results',
            h('p', { class: 'help' }, 'Validated results so far, one row per work unit and item.'),
            h('p', { class: 'button-row' }, ...downloads(b.id))) : section('Actions',
            h('form', { class: 'inline-form', 'data-action': 'priority' },
              h('label', { for: 'batch-priority' }, 'Priority'),
              h('input', { id: 'batch-priority', name: 'priority', type: 'number', min: -1000, max: 1000, step: 1, value: b.priority, required: true, disabled: !isOpen }),
              h('button', { type: 'submit', disabled: !isOpen }, 'Set priority')),
            h('p', { class: 'help' }, 'Higher runs first; applies to the batch and its unfinished work units.'),
            h('p', { class: 'button-row' },
              h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', disabled: !isOpen }, 'Cancel batch'),
              ...downloads(b.id)))),
        h('details', { class: 'panel' }, h('summary', null, 'Submitted spec'), h('pre', { class: 'output' }, JSON.stringify(b.spec, null, 2))),
        section('Work units',
          h('form', { class: 'toolbar', 'data-action': 'noop' },
            h('label', { for: 'wu-state' }, 'State'),
            h('select', { id: 'wu-state', 'data-change': 'wu-state' }, ...WU_STATES.map((s) => h('option', { value: s, selected: s === wuState }, s))),
            h('span', { class: 'muted' }, `${fmt(wuTotal)} work unit${wuTotal === 1 ? '' : 's'}`)),
          table('Work units', ['Seq', 'State', 'Params', 'Replicas', 'Quorum', 'Updated', ''], wus.flatMap((w) => wuRows(w, keys)), { empty: 'No work units in this state.', cls: 'cards' }),
          wuTotal > PAGE ? h('nav', { class: 'pager', 'aria-label': 'Work unit pages' },
            h('button', { type: 'button', 'data-action': 'prev', disabled: offset === 0 }, '← Previous'),
            h('span', null, `${fmt(offset + 1)}–${fmt(Math.min(wuTotal, offset + PAGE))} of ${fmt(wuTotal)}`),
            h('button', { type: 'button', 'data-action': 'next', disabled: offset + PAGE >= wuTotal }, 'Next →')) : null),
      ];
    },
    actions: {
      noop: () => {},
      async cancel() {
        const ok = await ctx.confirm({ title: `Cancel ${batch?.name}?`, body: 'Its unfinished work units are cancelled and agents are told to stop them. Validated results stay downloadable.', action: 'Cancel batch', keep: 'Keep batch', danger: true });
        if (!ok) return;
        const r = await api<Wire<CancelledBatch>>('POST', `/api/v1/batches/${id}/cancel`);
        ctx.toast(`Cancelled: ${r.wusCancelled} work units, ${r.replicasCancelled} replicas recalled.`, 'ok');
        await load();
      },
      async priority(el) {
        const input = (el as HTMLFormElement).elements.namedItem('priority') as HTMLInputElement;
        const r = await api<Wire<Reprioritised>>('PATCH', `/api/v1/batches/${id}`, { priority: Number(input.value) });
        input.removeAttribute('data-dirty');
        ctx.toast(`Priority set to ${r.priority} (${r.workUnitsUpdated} work units).`, 'ok');
        await load();
      },
      async 'wu-state'(el) { wuState = (el as HTMLSelectElement).value as typeof wuState; offset = 0; await load(); },
      async prev() { offset = Math.max(0, offset - PAGE); await load(); },
      async next() { offset += PAGE; await load(); },
      async toggle(el) {
        const wuId = Number(el.dataset.id);
        if (open.has(wuId)) { open.delete(wuId); return; }
        open.set(wuId, null);
        render();
        open.set(wuId, await get<WorkUnitDetail>(`/api/v1/workunits/${wuId}`));
      },
      async output(el) {
        const rid = Number(el.dataset.id);
        outputs.set(rid, await get<ReplicaDetail>(`/api/v1/replicas/${rid}`));
      },
    },
  };
};

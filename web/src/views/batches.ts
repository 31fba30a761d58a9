import { get } from '../api';
import type { ViewFactory } from '../context';
import { ago, badge, fmt, h } from '../dom';
import type { Batch, BatchList, Snapshot, Wire } from '../types';
import { batchBar, section, table, td } from './common';

const PAGE = 50;
const STATES = ['all', 'open', 'done', 'cancelled'] as const;

/** Batches: filter by state and text, progress live from the snapshot, drill down to one. */
export const batchesView: ViewFactory = (ctx) => {
  let batches: Batch[] = [];
  let total = 0;
  let offset = 0;
  let state: (typeof STATES)[number] = (STATES as readonly string[]).includes(ctx.query.get('state') ?? '') ? ctx.query.get('state') as (typeof STATES)[number] : 'all';
  let text = '';
  let live = new Map<string, Snapshot['openBatches'][number]>((ctx.live.snapshot?.openBatches ?? []).map((b) => [b.id, b]));

  const load = async () => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (state !== 'all') q.set('state', state);
    const r = await get<Wire<BatchList>>(`/api/v1/batches?${q}`);
    batches = r.batches;
    total = r.total;
  };

  function row(b: Batch): HTMLElement {
    const l = b.state === 'open' ? live.get(b.id) : undefined;
    const counts = l?.counts ?? b.counts;
    const percent = l?.percent ?? b.progress.percent;
    return h('tr', { 'data-key': b.id },
      td('Batch', h('a', { href: `#/batches/${b.id}` }, b.name), h('div', { class: 'muted small' }, b.id.slice(0, 8))),
      td('Kernel', h('code', null, b.kernel)),
      td('Owner', b.owner.name),
      td('Priority', fmt(l?.priority ?? b.priority)),
      td('State', badge(b.state)),
      td('Progress', batchBar(b, percent),
        h('div', { class: 'muted small' }, `${fmt(counts.done)} done · ${fmt(counts.running + counts.validating)} out · ${fmt(counts.pending)} pending${counts.failed ? ` · ${fmt(counts.failed)} failed` : ''}`)),
      td('WUs', fmt(b.wuCount)),
      td('Est. CPU h', fmt(b.estimatedHours, 2)),
      td('Created', h('time', { datetime: b.createdAt, title: new Date(b.createdAt).toLocaleString() }, ago(b.createdAt))));
  }

  return {
    title: ctx.user.role === 'admin' ? 'Batches and work units' : 'My batches',
    reloadOn: ['batch.submitted', 'batch.finished'],
    load,
    live(m) {
      if (m.event !== 'snapshot') return false;
      live = new Map(m.data.openBatches.map((b) => [b.id, b]));
      return true;
    },
    render() {
      const f = text.trim().toLowerCase();
      const shown = batches.filter((b) => !f || b.name.toLowerCase().includes(f) || b.kernel.includes(f) || b.owner.name.toLowerCase().includes(f) || b.id.startsWith(f));
      return [
        h('form', { class: 'toolbar', role: 'search', 'data-action': 'noop' },
          h('label', { for: 'batch-state' }, 'State'),
          h('select', { id: 'batch-state', 'data-change': 'state' }, ...STATES.map((s) => h('option', { value: s, selected: s === state }, s))),
          h('label', { for: 'batch-text' }, 'Filter'),
          h('input', { id: 'batch-text', type: 'search', value: text, placeholder: 'name, kernel, owner or id', 'data-input': 'text' })),
        section(`${fmt(total)} batch${total === 1 ? '' : 'es'}`,
          table('Batches', ['Batch', 'Kernel', 'Owner', 'Priority', 'State', 'Progress', 'WUs', 'Est. CPU h', 'Created'], shown.map(row),
            { empty: 'No batches match.', cls: 'cards' }),
          total > PAGE ? h('nav', { class: 'pager', 'aria-label': 'Pages' },
            h('button', { type: 'button', 'data-action': 'prev', disabled: offset === 0 }, '← Newer'),
            h('span', null, `${fmt(offset + 1)}–${fmt(Math.min(total, offset + PAGE))} of ${fmt(total)}`),
            h('button', { type: 'button', 'data-action': 'next', disabled: offset + PAGE >= total }, 'Older →')) : null),
      ];
    },
    actions: {
      noop: () => {},
      text: (el) => { text = (el as HTMLInputElement).value; },
      async state(el) { state = (el as HTMLSelectElement).value as typeof state; offset = 0; await load(); },
      async prev() { offset = Math.max(0, offset - PAGE); await load(); },
      async next() { offset += PAGE; await load(); },
    },
  };
};

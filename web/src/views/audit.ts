import { get } from '../api';
import type { ViewFactory } from '../context';
import { h, when } from '../dom';
import type { EventList, GridEvent, Wire } from '../types';
import { eventLine, namesFor, section, table, td } from './common';

const KINDS = ['', 'batch.submitted', 'batch.cancelled', 'batch.reprioritised', 'batch.finished', 'host.updated', 'host.enrolled', 'user.created',
  'key.created', 'key.revoked', 'enrollment_token.created', 'session.started', 'agent.error', 'replicas.timed_out', 'wu.failed'];

/** The audit log: the events table, newest first, with who did what (the actor) and a kind filter. */
export const auditView: ViewFactory = (ctx) => {
  let events: GridEvent[] = [];
  let names = new Map<string, string>();
  let kind = '';
  const load = async () => {
    const [r, n] = await Promise.all([get<Wire<EventList>>(`/api/v1/events?limit=200${kind ? `&kind=${encodeURIComponent(kind)}` : ''}`), namesFor(ctx)]);
    events = r.events;
    names = n;
  };
  return {
    title: 'Audit log',
    reloadOn: ['batch.submitted', 'batch.finished', 'host.changed'],
    load,
    render: () => [
      h('form', { class: 'toolbar', 'data-action': 'noop' },
        h('label', { for: 'audit-kind' }, 'Kind'),
        h('select', { id: 'audit-kind', 'data-change': 'kind' }, ...KINDS.map((k) => h('option', { value: k, selected: k === kind }, k || 'all'))),
        h('span', { class: 'muted' }, 'latest 200')),
      section('Events', table('Events, newest first', ['When', 'Event', 'Actor'], events.map((e) =>
        h('tr', { 'data-key': String(e.id), 'data-kind': e.kind },
          td('When', h('time', { datetime: e.createdAt }, when(e.createdAt))),
          td('Event', ...eventLine({ ...e, actor: null }, names)),
          td('Actor', e.actor ? (names.get(e.actor) ?? e.actor) : h('span', { class: 'muted' }, 'grid')))),
      { empty: 'No events of this kind.', cls: 'cards' })),
    ],
    actions: {
      noop: () => {},
      async kind(el) { kind = (el as HTMLSelectElement).value; await load(); },
    },
  };
};

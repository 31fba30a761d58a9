import { api, get } from '../api';
import type { ViewFactory } from '../context';
import { badge, fmt, h, pct, ago } from '../dom';
import type { FlaggedPair, HostErrorTrend, ProblemReplica, ValidationProblems, Wire } from '../types';
import { ERROR_RATE_HELP, section, table, td } from './common';

const KINDS = ['all', 'invalid', 'inconclusive', 'errored'] as const;

/**
 * Validation: replicas that disagreed with their quorum (invalid), are still unsettled
 * (inconclusive) or errored; hosts whose error rate is high or rising, with pause and ban; and
 * host pairs flagged for agreeing against others, whose WUs wait for a trusted host, with clear.
 */
export const validationView: ViewFactory = (ctx, render) => {
  let replicas: ProblemReplica[] = [];
  let hosts: HostErrorTrend[] = [];
  let pairs: Wire<FlaggedPair>[] = [];
  let kind: (typeof KINDS)[number] = 'all';
  let lastReload = 0;

  const load = async () => {
    const r = await get<Wire<ValidationProblems>>('/api/v1/console/validation');
    replicas = r.replicas;
    hosts = r.hosts;
    pairs = r.pairs;
    lastReload = Date.now();
  };
  const kindOf = (r: ProblemReplica) => (r.state === 'errored' ? 'errored' : r.validateState);
  const count = (k: string) => replicas.filter((r) => kindOf(r) === k).length;

  return {
    title: 'Validation',
    reloadOn: ['wu.validated', 'wu.failed'],
    load,
    live(m) {
      // Errored replicas arrive without a typed event: look again now and then.
      if (m.event === 'snapshot' && Date.now() - lastReload > 10_000) {
        lastReload = Date.now();
        void load().then(render, () => {});
      }
      return false;
    },
    render() {
      const shown = replicas.filter((r) => kind === 'all' || kindOf(r) === kind);
      return [
        h('div', { class: 'kpis' },
          ...(['invalid', 'inconclusive', 'errored'] as const).map((k) => h('div', { class: `kpi ${k === 'invalid' && count(k) ? 'k-bad' : ''}`, 'data-key': k },
            h('div', { class: 'kpi-value' }, fmt(count(k))), h('div', { class: 'kpi-label' }, `${k} replicas`))),
          h('div', { class: 'kpi', 'data-key': 'rising' }, h('div', { class: 'kpi-value' }, fmt(hosts.filter((x) => x.rising).length)), h('div', { class: 'kpi-label' }, 'hosts with rising errors')),
          h('div', { class: `kpi ${pairs.length ? 'k-bad' : ''}`, 'data-key': 'pairs' }, h('div', { class: 'kpi-value' }, fmt(pairs.length)), h('div', { class: 'kpi-label' }, 'flagged host pairs'))),
        section('Flagged host pairs',
          h('p', { class: 'muted small' }, 'Two hosts whose shared output kept losing against other results. A work unit only they vouch for is held until a trusted host decides it.'),
          table('Host pairs flagged for agreeing against others', ['Hosts', 'Lost together', 'Against others', 'Agreed', 'Flagged', ''], pairs.map((p) =>
            h('tr', { 'data-key': `${p.hostA.id}|${p.hostB.id}`, class: 'row-warn' },
              td('Hosts', h('strong', null, p.hostA.name), h('span', { class: 'muted small' }, ` (${p.hostA.owner})`), ' + ', h('strong', null, p.hostB.name), h('span', { class: 'muted small' }, ` (${p.hostB.owner})`)),
              td('Lost together', fmt(p.lost)),
              td('Against others', fmt(p.against)),
              td('Agreed', fmt(p.together)),
              td('Flagged', ago(p.flaggedAt)),
              td('', h('div', { class: 'row-actions' }, h('button', { type: 'button', 'data-action': 'clearPair', 'data-a': p.hostA.id, 'data-b': p.hostB.id }, 'Clear flag'))))),
          { empty: 'No host pair has kept agreeing against others.', cls: 'cards' })),
        section('Problem replicas',
          h('form', { class: 'toolbar', 'data-action': 'noop' },
            h('label', { for: 'val-kind' }, 'Show'),
            h('select', { id: 'val-kind', 'data-change': 'kind' }, ...KINDS.map((k) => h('option', { value: k, selected: k === kind }, k))),
            h('span', { class: 'muted' }, 'newest first, latest 100')),
          table('Invalid, inconclusive and errored replicas', ['Replica', 'Work unit', 'Host', 'State', 'Validation', 'Error', 'Reported'], shown.map((r) =>
            h('tr', { 'data-key': String(r.id), 'data-validate': r.validateState, 'data-host': r.host.name },
              td('Replica', `#${r.id}`),
              td('Work unit', h('a', { href: `#/batches/${r.batchId}` }, `${r.batchName} #${r.seq}`), h('div', { class: 'muted small' }, `${r.kernel} · WU ${r.wuState}`)),
              td('Host', h('strong', null, r.host.name), h('div', { class: 'muted small' }, r.host.owner)),
              td('State', badge(r.state)),
              td('Validation', badge(r.validateState)),
              td('Error', r.errorCode ? h('span', { class: 'small' }, `${r.errorCode}: ${r.errorMessage ?? ''}`) : r.outputSha256 ? h('code', { class: 'small', title: r.outputSha256 }, `output ${r.outputSha256.slice(0, 12)}`) : '–'),
              td('Reported', ago(r.reportedAt)))),
          { empty: 'No invalid, inconclusive or errored replicas. Every result so far agreed with its quorum.', cls: 'cards' })),
        section('Hosts by error rate',
          table('Hosts with errors', ['Host', 'Error rate', 'Last hour', 'Lifetime', 'Record', 'Status', ''], hosts.map((x) =>
            h('tr', { 'data-key': x.id, class: x.rising ? 'row-warn' : '' },
              td('Host', h('span', { class: `dot ${x.online ? 'on' : 'off'}` }), h('strong', null, x.name), h('div', { class: 'muted small' }, x.owner)),
              td('Error rate', h('meter', { min: 0, max: 1, low: 0.1, high: 0.3, optimum: 0, value: x.errorRate, 'aria-label': `${x.name} error rate` }), ` ${pct(x.errorRate * 100, 1)}`),
              td('Last hour', `${fmt(x.recent.bad)} bad of ${fmt(x.recent.total)}`, x.rising ? h('span', { class: 'bad' }, ' ↑ rising') : null),
              td('Lifetime', `${pct(x.lifetimeBadShare * 100, 1)} bad`),
              td('Record', h('span', { class: 'small' }, `${fmt(x.validCount)} valid · ${fmt(x.invalidCount)} invalid · ${fmt(x.errorCount)} errors · ${fmt(x.timeoutCount)} timeouts`)),
              td('Status', badge(x.status)),
              td('', h('div', { class: 'row-actions' },
                x.status === 'active' ? h('button', { type: 'button', 'data-action': 'pause', 'data-id': x.id }, 'Pause') : null,
                x.status !== 'banned' ? h('button', { type: 'button', class: 'danger', 'data-action': 'ban', 'data-id': x.id }, 'Ban') : null)))),
          { empty: 'No host has returned an error, an invalid result or missed a deadline.', cls: 'cards' }),
          h('p', { class: 'help', 'data-testid': 'error-rate-help' }, ERROR_RATE_HELP)),
      ];
    },
    actions: {
      noop: () => {},
      kind: (el) => { kind = (el as HTMLSelectElement).value as typeof kind; },
      async clearPair(el) {
        const p = pairs.find((x) => x.hostA.id === el.dataset.a && x.hostB.id === el.dataset.b);
        const names = p ? `${p.hostA.name} and ${p.hostB.name}` : 'this pair';
        if (!(await ctx.confirm({ title: `Clear the flag on ${names}?`, body: 'Work units they alone vouch for are no longer held for a trusted host, and their counts start again. The clearing is logged.', action: 'Clear flag' }))) return;
        await api('POST', '/api/v1/console/flagged-pairs/clear', { hostA: el.dataset.a, hostB: el.dataset.b });
        ctx.toast(`Flag on ${names} cleared.`, 'ok');
        await load();
      },
      async pause(el) {
        await api('PATCH', `/api/v1/hosts/${el.dataset.id}`, { status: 'paused' });
        ctx.toast('Host paused.', 'ok');
        await load();
      },
      async ban(el) {
        const name = hosts.find((x) => x.id === el.dataset.id)?.name ?? 'this host';
        if (!(await ctx.confirm({ title: `Ban ${name}?`, body: 'It gets no more work and leaves the leaderboard.', action: 'Ban host', danger: true }))) return;
        await api('PATCH', `/api/v1/hosts/${el.dataset.id}`, { status: 'banned' });
        ctx.toast(`${name} banned.`, 'ok');
        await load();
      },
    },
  };
};

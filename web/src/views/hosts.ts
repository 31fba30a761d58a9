import { api, get } from '../api';
import type { ViewFactory } from '../context';
import { ago, badge, bar, fmt, h, pct } from '../dom';
import { type ConsoleHosts, type Host, INTENSITIES, type Intensity, type Snapshot, type Wire } from '../types';
import { CPU_LIMIT, ERROR_RATE_HELP, GPU_LIMIT, section, table, td, tempMeter } from './common';

type HostLive = Snapshot['hostsLive'][number];

/**
 * Hosts: owner, hardware, backend, intensity, current work with its percent, last contact,
 * temperatures, reliability and credit; change intensity, pause, ban. A change is confirmed when
 * the agent's next progress report (which carries the intensity it runs at) arrives after it.
 */
export const hostsView: ViewFactory = (ctx, render) => {
  // Others see their own hosts (the coordinator sends only those) and change them with nfl-agent.
  const admin = ctx.user.role === 'admin';
  let hosts: Host[] = [];
  let live = new Map<string, HostLive>((ctx.live.snapshot?.hostsLive ?? []).map((x) => [x.id, x]));
  let filter = '';
  let show: 'all' | 'online' | 'paused' | 'banned' = 'all';

  const merged = (x: Host) => {
    const l = live.get(x.id);
    if (!l) return { ...x, percents: new Map<number, number>() };
    return {
      ...x, online: l.online, intensity: l.intensity, status: l.status, lastContact: l.lastContact ?? x.lastContact,
      readings: { ...(x.readings as object | null), cpuTemp: l.cpuTemp, gpuTemp: l.gpuTemp, cpuLoad: l.cpuLoad },
      percents: new Map(l.items.map((i) => [i.replicaId, i.percent])),
    };
  };

  async function patchHost(id: string, body: { intensity?: Intensity; status?: 'active' | 'paused' | 'banned' }, what: string) {
    const updated = await api<Host>('PATCH', `/api/v1/hosts/${id}`, body);
    const i = hosts.findIndex((x) => x.id === id);
    if (i >= 0) hosts[i] = { ...hosts[i]!, ...updated, current: hosts[i]!.current, changedAt: new Date(Date.now() + ctx.live.skewMs).toISOString() };
    const l = live.get(id);
    if (l) live.set(id, { ...l, intensity: updated.intensity, status: updated.status });
    ctx.toast(`${updated.name}: ${what}`, 'ok');
  }

  function hardware(x: Host): string {
    const hw = x.hardware as { cpuModel?: string; cores?: number; memoryMb?: number; gpus?: { model: string }[] } | null;
    if (!hw) return '–';
    const gpus = (hw.gpus ?? []).map((g) => g.model).join(', ');
    return [hw.cpuModel, hw.cores ? `${hw.cores} cores` : null, hw.memoryMb ? `${fmt(hw.memoryMb / 1024, 1)} GB` : null, gpus || null].filter(Boolean).join(' · ');
  }

  function confirmation(x: ReturnType<typeof merged>): HTMLElement | null {
    if (!x.changedAt) return null;
    const confirmed = x.lastContact !== null && Date.parse(x.lastContact) > Date.parse(x.changedAt);
    if (confirmed) return h('span', { class: 'confirm-note ok', 'data-testid': 'agent-confirmed' }, `✓ agent runs at ${x.intensity}${x.status === 'paused' ? ', paused' : ''}`);
    return h('span', { class: 'confirm-note pending' }, x.online ? '… waiting for the agent' : 'applies when the agent reconnects');
  }

  /** Replicas being computed, with their percent; those waiting in the agent's queue, in one line. */
  function currentWork(x: ReturnType<typeof merged>): HTMLElement {
    if (x.current.length === 0) return h('span', { class: 'muted' }, x.status === 'paused' ? 'paused' : 'idle');
    const running = x.current.filter((w) => x.percents.has(w.replicaId) || w.percent > 0);
    const queued = x.current.filter((w) => !running.includes(w));
    return h('div', null,
      running.length ? h('ul', { class: 'work-list' }, ...running.map((w) => h('li', { 'data-key': String(w.replicaId) },
        w.batchId ? h('a', { href: `#/batches/${w.batchId}` }, `${w.batchName} #${w.seq}`) : `${w.batchName} #${w.seq}`, h('span', { class: 'muted small' }, ` ${w.kernel}`),
        bar(x.percents.get(w.replicaId) ?? w.percent, `${x.name}: ${w.batchName} #${w.seq}`)))) : null,
      queued.length ? h('div', { class: 'muted small' }, `${running.length ? '+ ' : ''}${queued.length} queued: `,
        ...queued.flatMap((w, i) => [i ? ', ' : '', w.batchId ? h('a', { href: `#/batches/${w.batchId}` }, `#${w.seq}`) : `#${w.seq}`])) : null);
  }

  function row(raw: Host): HTMLElement {
    const x = merged(raw);
    const r = x.readings as { cpuTemp?: number | null; gpuTemp?: number | null; cpuLoad?: number | null } | null;
    const rel = x.reliability;
    return h('tr', { 'data-key': x.id, 'data-host': x.name, class: x.status === 'banned' ? 'row-banned' : '' },
      td('Host', h('span', { class: `dot ${x.online ? 'on' : 'off'}`, title: x.online ? 'online' : 'offline' }), h('strong', { class: 'nowrap' }, x.name),
        h('div', { class: 'muted small' }, `${x.owner.name}${x.owner.name ? ' · ' : ''}${x.agentVersion ? `agent ${x.agentVersion}` : ''}`)),
      td('Hardware', h('div', { class: 'small' }, hardware(raw)), h('div', { class: 'muted small' }, `backend ${x.backend ?? '–'}`)),
      td('Intensity', admin ? h('div', { class: 'inline-form' },
        h('label', { class: 'sr-only', for: `int-${x.id}` }, `Intensity of ${x.name}`),
        h('select', { id: `int-${x.id}`, name: 'intensity' }, ...INTENSITIES.map((i) => h('option', { value: i, selected: i === x.intensity }, i))),
        h('button', { type: 'button', 'data-action': 'set-intensity', 'data-id': x.id, disabled: x.status === 'banned' }, 'Apply')) : x.intensity,
        admin ? confirmation(x) : null),
      td('Current work', currentWork(x)),
      td('Last contact', h('time', { datetime: x.lastContact ?? '' }, ago(x.lastContact))),
      td('Temperatures', h('div', { class: 'nowrap' }, 'CPU ', tempMeter(r?.cpuTemp ?? null, CPU_LIMIT, `${x.name} CPU temperature`)),
        h('div', { class: 'nowrap' }, 'GPU ', tempMeter(r?.gpuTemp ?? null, GPU_LIMIT, `${x.name} GPU temperature`)),
        r?.cpuLoad !== null && r?.cpuLoad !== undefined ? h('div', { class: 'muted small' }, `CPU load ${pct(r.cpuLoad)}`) : null),
      td('Reliability', h('div', { class: 'small nowrap' }, `${fmt(rel.validCount)} valid · ${fmt(rel.invalidCount)} invalid`),
        h('div', { class: 'small nowrap' }, `${fmt(rel.errorCount)} errors · ${fmt(rel.timeoutCount)} timed out`),
        h('div', { class: rel.errorRate > 0.2 ? 'bad small' : 'muted small', title: ERROR_RATE_HELP, 'data-testid': 'error-rate' }, `error rate ${pct(rel.errorRate * 100, 1)}`, h('abbr', { class: 'help-mark', 'aria-label': ERROR_RATE_HELP }, ' ?'))),
      td('Credit', h('div', null, fmt(x.credit.total, 2)), h('div', { class: 'muted small' }, `RAC ${fmt(x.credit.rac, 2)}`)),
      td('Status', badge(x.status), admin && h('div', { class: 'row-actions' },
        x.status === 'banned' ? null : h('button', { type: 'button', 'data-action': x.status === 'paused' ? 'resume' : 'pause', 'data-id': x.id }, x.status === 'paused' ? 'Resume' : 'Pause'),
        h('button', { type: 'button', class: x.status === 'banned' ? '' : 'danger', 'data-action': x.status === 'banned' ? 'unban' : 'ban', 'data-id': x.id }, x.status === 'banned' ? 'Lift ban' : 'Ban'))));
  }

  const visible = () => hosts.filter((x) => {
    const m = merged(x);
    if (show === 'online' && !m.online) return false;
    if (show !== 'all' && show !== 'online' && m.status !== show) return false;
    const f = filter.trim().toLowerCase();
    return !f || x.name.toLowerCase().includes(f) || x.owner.name.toLowerCase().includes(f);
  });

  const nameOf = (id: string) => hosts.find((x) => x.id === id)?.name ?? id;
  let reloading = false;
  let lastItems = '';
  // Sorted by name, so rows do not jump about as hosts report.
  const load = async () => { hosts = (await get<Wire<ConsoleHosts>>('/api/v1/console/hosts')).hosts.sort((a, b) => a.name.localeCompare(b.name)); };

  return {
    title: admin ? 'Hosts' : 'My hosts',
    reloadOn: ['host.changed'],
    load,
    live(m) {
      if (m.event !== 'snapshot') return false;
      live = new Map(m.data.hostsLive.map((x) => [x.id, x]));
      // Work started or finished on some host: the replica list comes from a reload.
      const items = m.data.hostsLive.flatMap((x) => x.items.map((i) => i.replicaId)).sort((a, b) => a - b).join(',');
      if (items !== lastItems && !reloading) {
        lastItems = items;
        reloading = true;
        void load().then(render, () => {}).finally(() => { reloading = false; });
      }
      return true;
    },
    render() {
      const rows = visible().map(row);
      const online = hosts.filter((x) => merged(x).online).length;
      return [
        h('form', { class: 'toolbar', role: 'search', 'data-action': 'noop' },
          h('label', { for: 'host-filter' }, 'Filter'),
          h('input', { id: 'host-filter', type: 'search', value: filter, 'data-input': 'filter', placeholder: 'host or owner' }),
          h('label', { for: 'host-show' }, 'Show'),
          h('select', { id: 'host-show', 'data-change': 'show' }, ...(['all', 'online', 'paused', 'banned'] as const).map((s) => h('option', { value: s, selected: s === show }, s))),
          h('span', { class: 'muted' }, `${fmt(online)} of ${fmt(hosts.length)} online`)),
        section(admin ? 'All hosts' : 'Your hosts', table('Hosts', ['Host', 'Hardware', 'Intensity', 'Current work', 'Last contact', 'Temperatures', 'Reliability', 'Credit', 'Status'], rows,
          { empty: hosts.length ? 'No host matches the filter.' : admin ? 'No host has enrolled yet.' : 'You have no host enrolled yet: run nfl-agent with an enrollment token.', cls: 'hosts cards' })),
      ];
    },
    actions: {
      noop: () => {},
      filter: (el) => { filter = (el as HTMLInputElement).value; },
      show: (el) => { show = (el as HTMLSelectElement).value as typeof show; },
      async 'set-intensity'(el) {
        const id = el.dataset.id!;
        const select = document.getElementById(`int-${id}`) as HTMLSelectElement;
        await patchHost(id, { intensity: select.value as Intensity }, `intensity set to ${select.value}; sent to the agent`);
        select.removeAttribute('data-dirty');
      },
      pause: (el) => patchHost(el.dataset.id!, { status: 'paused' }, 'paused'),
      resume: (el) => patchHost(el.dataset.id!, { status: 'active' }, 'resumed'),
      unban: (el) => patchHost(el.dataset.id!, { status: 'active' }, 'ban lifted'),
      async ban(el) {
        const id = el.dataset.id!;
        const ok = await ctx.confirm({ title: `Ban ${nameOf(id)}?`, body: 'A banned host gets no more work and is dropped from the leaderboard. Its owner cannot lift the ban; an admin can.', action: 'Ban host', danger: true });
        if (ok) await patchHost(id, { status: 'banned' }, 'banned');
      },
    },
  };
};

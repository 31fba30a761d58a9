import { get } from '../api';
import { ChartSlots, timeChart } from '../charts';
import type { ViewFactory } from '../context';
import { ago, bar, fmt, h } from '../dom';
import { type EventList, type GridEvent, INTENSITIES, type Snapshot, type Wire } from '../types';
import { CPU_LIMIT, GPU_LIMIT, INTENSITY_COLOR, eventLine, namesFor, section, tempMeter } from './common';

/**
 * Overview: the queue by state, throughput (WUs validated per minute), compute hours, hosts
 * online, the heat meter, batches in progress and recent events. Everything but the events comes
 * from the live snapshot; validations seen on the stream are added to the current minute at once.
 */
export const overviewView: ViewFactory = (ctx) => {
  let snap: Snapshot | null = ctx.live.snapshot;
  let events: GridEvent[] = [];
  let names = new Map<string, string>();
  /** Validations seen on the stream since the snapshot's throughput was computed: [server ms, count]. */
  let recent: [number, number][] = [];
  const charts = new ChartSlots();

  const throughputData = (): [number[], number[]] => {
    if (!snap) return [[], []];
    const { minutes, validated, at } = snap.throughput;
    const since = Date.parse(at);
    recent = recent.filter(([t]) => t > since);
    const counts = [...validated];
    for (const [t, n] of recent) {
      const i = minutes.indexOf(Math.floor(t / 60_000) * 60);
      if (i >= 0) counts[i]! += n;
    }
    // A young grid: show from its first validation (at least the last 15 minutes), not an empty hour.
    const first = counts.findIndex((n) => n > 0);
    const from = first < 0 ? counts.length - 15 : Math.max(0, Math.min(first - 1, counts.length - 15));
    return [minutes.slice(from), counts.slice(from)];
  };

  const kpi = (label: string, value: string, sub?: string, cls = '') =>
    h('div', { class: `kpi ${cls}`, 'data-key': `kpi-${label}` }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label), sub ? h('div', { class: 'kpi-sub' }, sub) : null);

  function heat(s: Snapshot): HTMLElement {
    const active = INTENSITIES.reduce((n, i) => n + s.heat.byIntensity[i], 0);
    const segments = INTENSITIES.filter((i) => s.heat.byIntensity[i] > 0).map((i) =>
      h('span', { class: 'seg', style: { width: `${(100 * s.heat.byIntensity[i]) / Math.max(1, active)}%`, background: INTENSITY_COLOR[i] }, title: `${i}: ${s.heat.byIntensity[i]}` }));
    const hottest = s.hostsLive.filter((x) => x.online && (x.cpuTemp !== null || x.gpuTemp !== null))
      .sort((a, b) => Math.max(b.cpuTemp ?? 0, b.gpuTemp ?? 0) - Math.max(a.cpuTemp ?? 0, a.gpuTemp ?? 0)).slice(0, 8);
    return section('Heat',
      h('div', { class: 'heat-meter', role: 'img', 'aria-label': `Online hosts by intensity: ${INTENSITIES.map((i) => `${i} ${s.heat.byIntensity[i]}`).join(', ')}` },
        ...(segments.length ? segments : [h('span', { class: 'seg empty-seg' }, 'no host running')])),
      h('ul', { class: 'legend' }, ...INTENSITIES.map((i) => h('li', null, h('span', { class: 'swatch', style: { background: INTENSITY_COLOR[i] } }), `${i} ${s.heat.byIntensity[i]}`)),
        h('li', null, `paused ${s.heat.paused}`), h('li', null, `banned ${s.heat.banned}`)),
      s.heat.hottestCpu !== null || s.heat.hottestGpu !== null
        ? h('p', null, 'Hottest CPU ', tempMeter(s.heat.hottestCpu, CPU_LIMIT, 'Hottest CPU temperature'), ' · hottest GPU ', tempMeter(s.heat.hottestGpu, GPU_LIMIT, 'Hottest GPU temperature'),
          h('span', { class: 'muted small' }, ` (agents step down above ${CPU_LIMIT} °C CPU, ${GPU_LIMIT} °C GPU)`))
        : null,
      hottest.length ? h('table', { class: 'compact' }, h('caption', { class: 'sr-only' }, 'Hottest hosts'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'host'), h('th', { scope: 'col' }, 'intensity'), h('th', { scope: 'col' }, 'CPU'), h('th', { scope: 'col' }, 'GPU'))),
        h('tbody', null, ...hottest.map((x) => h('tr', { 'data-key': x.id },
          h('td', null, x.name), h('td', null, x.intensity), h('td', null, tempMeter(x.cpuTemp, CPU_LIMIT, `${x.name} CPU temperature`)),
          h('td', null, tempMeter(x.gpuTemp, GPU_LIMIT, `${x.name} GPU temperature`)))))) : h('p', { class: 'muted' }, 'No online host reports a temperature sensor.'));
  }

  return {
    title: 'Overview',
    reloadOn: ['batch.submitted', 'batch.finished', 'host.changed', 'wu.failed'],
    async load() {
      const [s, ev, n] = await Promise.all([
        snap ? Promise.resolve(snap) : get<Snapshot>('/api/v1/console/snapshot'),
        get<Wire<EventList>>('/api/v1/events?limit=12'),
        namesFor(ctx),
      ]);
      snap = ctx.live.snapshot ?? s;
      events = ev.events;
      names = n;
    },
    live(m) {
      if (m.event === 'snapshot') { snap = m.data; return true; }
      if (m.event === 'wu.validated') { recent.push([Date.now() + ctx.live.skewMs, m.data.count]); return true; }
      return false;
    },
    render() {
      if (!snap) return [h('p', null, 'No data yet.')];
      const s = snap;
      const wu = s.workUnits;
      const chart = charts.get('throughput', () => timeChart({
        title: 'Work units validated per minute (last hour)', height: 180, yLabel: 'WUs / min',
        series: [{ label: 'validated', color: '#059669', bars: true, value: (v) => (v === null ? '–' : fmt(v)) }],
      }));
      chart.set(throughputData());
      const [, counts] = throughputData();
      const lastFull = counts.length > 1 ? counts[counts.length - 2]! : 0;
      return [
        h('div', { class: 'kpis', 'aria-label': 'Work units by state' },
          kpi('pending', fmt(wu.pending)), kpi('running', fmt(wu.running), undefined, 'k-running'), kpi('validating', fmt(wu.validating)),
          kpi('done', fmt(wu.completed), undefined, 'k-done'), kpi('failed', fmt(wu.failed), undefined, wu.failed ? 'k-bad' : ''), kpi('cancelled', fmt(wu.cancelled))),
        h('div', { class: 'kpis' },
          kpi('batches open', fmt(s.batchesOpen)),
          kpi('hosts online', `${fmt(s.hosts.online)} / ${fmt(s.hosts.total)}`, `${fmt(s.hosts.gpu)} with a GPU`),
          kpi('CPU hours', fmt(s.cpuHours, 2)), kpi('GPU hours', fmt(s.gpuHours, 2)),
          kpi('validated last minute', fmt(lastFull), `updated ${ago(s.at)}`)),
        h('div', { class: 'grid-2' },
          section('Throughput', chart.el),
          heat(s)),
        h('div', { class: 'grid-2' },
          section('Batches in progress', s.openBatches.length
            ? h('ul', { class: 'batch-list' }, ...s.openBatches.slice(0, 8).map((b) => h('li', { 'data-key': b.id },
              h('a', { href: `#/batches/${b.id}` }, b.name), h('span', { class: 'muted' }, ` ${b.kernel} · ${fmt(b.counts.done)}/${fmt(b.wuCount)} done`),
              bar(b.percent, `${b.name} progress`))))
            : h('p', { class: 'empty' }, 'No open batches.'),
          h('p', null, h('a', { href: '#/batches' }, 'All batches →'))),
          section('Recent events', events.length
            ? h('ol', { class: 'events' }, ...events.map((e) => h('li', { 'data-key': String(e.id) }, h('time', { datetime: e.createdAt, title: new Date(e.createdAt).toLocaleString() }, ago(e.createdAt)), ' ', ...eventLine(e, names))))
            : h('p', { class: 'empty' }, 'No events yet.'),
          h('p', null, h('a', { href: '#/audit' }, 'Audit log →')))),
      ];
    },
    destroy: () => charts.destroy(),
  };
};

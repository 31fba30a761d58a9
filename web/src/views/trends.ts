import { get } from '../api';
import { ChartSlots, timeChart } from '../charts';
import type { ViewFactory } from '../context';
import { ago, fmt, h } from '../dom';
import { hostHistoryChart, hostHistoryData } from '../host-history-chart';
import { type ConsoleHistory, type EventList, type GridEvent, type HostHistory, INTENSITIES, type Wire } from '../types';
import { INTENSITY_COLOR, eventLine, namesFor, section } from './common';

const WINDOWS = [1, 6, 24, 168] as const;
const windowLabel = (hours: number) => (hours < 24 ? `${hours} h` : hours === 24 ? '24 h' : `${hours / 24} days`);

/**
 * The grid over time (admin): throughput, achieved heat, hosts online by intensity, credit per
 * day, one host's CPU and temperature history, and the recent events in words.
 */
export const trendsView: ViewFactory = (ctx) => {
  let hours: number = WINDOWS.includes(Number(ctx.query.get('hours')) as never) ? Number(ctx.query.get('hours')) : 24;
  let history: ConsoleHistory | null = null;
  let hostId = ctx.query.get('host') ?? '';
  let hosts: { id: string; name: string }[] = [];
  let host: HostHistory | null = null;
  let events: GridEvent[] = [];
  let names = new Map<string, string>();
  const charts = new ChartSlots();

  const loadHost = async () => {
    host = hostId ? await get<HostHistory>(`/api/v1/console/hosts/${hostId}/history?hours=${hours}`) : null;
  };
  const load = async () => {
    const [hist, list, ev, n] = await Promise.all([
      get<ConsoleHistory>(`/api/v1/console/history?hours=${hours}`),
      get<{ hosts: { id: string; name: string }[] }>('/api/v1/hosts?limit=500'),
      get<Wire<EventList>>('/api/v1/events?limit=30'),
      namesFor(ctx),
    ]);
    history = hist;
    hosts = list.hosts.map((x) => ({ id: x.id, name: x.name })).sort((a, b) => a.name.localeCompare(b.name));
    if (!hosts.some((x) => x.id === hostId)) hostId = hosts[0]?.id ?? '';
    events = ev.events;
    names = new Map([...n, ...hosts.map((x) => [x.id, x.name] as [string, string])]);
    await loadHost();
  };

  const per = () => (history ? `per ${fmt(history.bucketSeconds / 60)} min` : '');

  return {
    title: 'Trends',
    reloadOn: ['batch.finished', 'host.changed'],
    load,
    render() {
      if (!history) return [h('p', null, 'No data yet.')];
      const x = history.buckets;
      const throughput = charts.get('throughput', () => timeChart({
        title: 'Throughput: work units done and replicas reported', height: 200, yLabel: 'count',
        series: [
          { label: 'WUs done', color: '#059669', bars: true, value: (v) => (v === null ? '–' : fmt(v)) },
          { label: 'replicas reported', color: '#2563eb', value: (v) => (v === null ? '–' : fmt(v)) },
        ],
      }));
      throughput.set([x, history.wusDone, history.replicasReported]);
      const heat = charts.get('heat', () => timeChart({
        title: 'Achieved heat: mean CPU load of reporting hosts', height: 200, yLabel: 'CPU %', yRange: [0, 100],
        series: [{ label: 'CPU load', color: '#f97316', fill: true, value: (v) => (v === null ? '–' : `${fmt(v, 0)}%`) }],
      }));
      heat.set([x, history.cpuLoad]);
      const online = charts.get('online', () => timeChart({
        title: 'Hosts online by intensity', height: 200, yLabel: 'hosts', stacked: true,
        series: INTENSITIES.map((i) => ({ label: i, color: INTENSITY_COLOR[i], value: (v: number | null) => (v === null ? '–' : fmt(v)) })),
      }));
      online.set([x, ...INTENSITIES.map((i) => history!.online[i])]);
      const credit = charts.get('credit', () => timeChart({
        title: 'Credit granted per day (last 30 days)', height: 200, yLabel: 'credit',
        series: [{ label: 'credit', color: '#7c3aed', bars: true, value: (v) => (v === null ? '–' : fmt(v, 1)) }],
      }));
      credit.set([history.credit.days, history.credit.granted]);
      let hostChart: HTMLElement | null = null;
      if (host) {
        const c = charts.get(`host-${host.hostId}`, () => hostHistoryChart(host!.name));
        c.set(hostHistoryData(host));
        hostChart = c.el;
      }
      return [
        h('form', { class: 'toolbar', 'data-action': 'noop' },
          h('label', { for: 'trend-hours' }, 'Window'),
          h('select', { id: 'trend-hours', 'data-change': 'hours' }, ...WINDOWS.map((w) => h('option', { value: String(w), selected: w === hours }, windowLabel(w)))),
          h('span', { class: 'muted' }, `buckets of ${fmt(history.bucketSeconds / 60)} min`)),
        h('div', { class: 'grid-2' },
          section(`Throughput (${per()})`, throughput.el),
          section('Achieved heat', heat.el,
            h('p', { class: 'help' }, 'The CPU share the agents measured while working, averaged over hosts that reported in each bucket.'))),
        h('div', { class: 'grid-2' },
          section('Hosts online', online.el, h('p', { class: 'help' }, 'A host counts when it reported progress in the bucket, at the intensity it last reported.')),
          section('Credit per day', credit.el)),
        h('div', { class: 'grid-2' },
          section('One host over time',
            h('form', { class: 'toolbar', 'data-action': 'noop' },
              h('label', { for: 'trend-host' }, 'Host'),
              h('select', { id: 'trend-host', 'data-change': 'host' }, ...hosts.map((o) => h('option', { value: o.id, selected: o.id === hostId }, o.name)))),
            host && host.at.length ? hostChart : h('p', { class: 'empty' }, host ? `${host.name} has not reported in this window.` : 'No host has enrolled yet.')),
          section('Recent events', events.length
            ? h('ol', { class: 'events' }, ...events.map((e) => h('li', { 'data-key': String(e.id) },
              h('time', { datetime: e.createdAt, title: new Date(e.createdAt).toLocaleString() }, ago(e.createdAt)), ' ', ...eventLine(e, names))))
            : h('p', { class: 'empty' }, 'No events yet.'))),
      ];
    },
    actions: {
      noop: () => {},
      async hours(el) { hours = Number((el as HTMLSelectElement).value); await load(); },
      async host(el) { hostId = (el as HTMLSelectElement).value; await loadHost(); },
    },
    destroy: () => charts.destroy(),
  };
};

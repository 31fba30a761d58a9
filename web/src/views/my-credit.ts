import { get } from '../api';
import { ChartSlots, timeChart } from '../charts';
import type { ViewFactory } from '../context';
import { fmt, h } from '../dom';
import { hostHistoryChart, hostHistoryData } from '../host-history-chart';
import type { ConsoleHosts, HostHistory, MyCredit, Wire } from '../types';
import { section } from './common';

/** A volunteer's own credit (total, recent average, per day) and each of their hosts' CPU and temperature history. */
export const myCreditView: ViewFactory = () => {
  let credit: MyCredit | null = null;
  let histories: HostHistory[] = [];
  const charts = new ChartSlots();

  return {
    title: 'My credit',
    async load() {
      const [c, hosts] = await Promise.all([get<MyCredit>('/api/v1/console/my-credit?days=30'), get<Wire<ConsoleHosts>>('/api/v1/console/hosts')]);
      credit = c;
      histories = await Promise.all(hosts.hosts.slice(0, 12).map((x) => get<HostHistory>(`/api/v1/console/hosts/${x.id}/history?hours=24`)));
    },
    render() {
      if (!credit) return [h('p', null, 'No data yet.')];
      const perDay = charts.get('credit', () => timeChart({
        title: 'Credit granted per day (last 30 days)', height: 180, yLabel: 'credit',
        series: [{ label: 'credit', color: '#059669', bars: true, value: (v) => (v === null ? '–' : fmt(v, 2)) }],
      }));
      perDay.set([credit.days, credit.granted]);
      return [
        h('div', { class: 'kpis' },
          h('div', { class: 'kpi', 'data-key': 'kpi-credit', 'data-testid': 'my-credit' }, h('div', { class: 'kpi-value' }, fmt(credit.totalCredit, 2)), h('div', { class: 'kpi-label' }, 'credit')),
          h('div', { class: 'kpi', 'data-key': 'kpi-rac' }, h('div', { class: 'kpi-value' }, fmt(credit.rac, 2)), h('div', { class: 'kpi-label' }, 'recent average credit')),
          h('div', { class: 'kpi', 'data-key': 'kpi-hosts' }, h('div', { class: 'kpi-value' }, fmt(credit.hosts)), h('div', { class: 'kpi-label' }, 'hosts'))),
        h('p', { class: 'help' }, 'Credit is granted only for valid results; the recent average halves over 7 days without work.'),
        section('Credit per day', perDay.el),
        section('Your hosts over the last 24 hours', histories.length
          ? h('div', { class: 'grid-2' }, ...histories.map((x) => {
            const c = charts.get(`host-${x.hostId}`, () => hostHistoryChart(x.name));
            c.set(hostHistoryData(x));
            return c.el;
          }))
          : h('p', { class: 'empty' }, 'No host of yours has reported yet.')),
      ];
    },
    destroy: () => charts.destroy(),
  };
};

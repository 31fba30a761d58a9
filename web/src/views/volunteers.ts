import { get } from '../api';
import type { ViewFactory } from '../context';
import { fmt, h } from '../dom';
import type { CreditLeaderboard, Leader, Wire } from '../types';
import { section, table, td } from './common';

interface Team { team: string; members: number; hosts: number; totalCredit: number; rac: number }

/** Credit: volunteers, teams (summed from volunteers) and hosts, by total credit, with recent average credit. */
export const volunteersView: ViewFactory = () => {
  let users: Leader[] = [];
  let hosts: Leader[] = [];

  const teams = (): Team[] => {
    const m = new Map<string, Team>();
    for (const u of users) {
      const key = u.team ?? '(no team)';
      const t = m.get(key) ?? { team: key, members: 0, hosts: 0, totalCredit: 0, rac: 0 };
      t.members++;
      t.hosts += u.hosts ?? 0;
      t.totalCredit += u.totalCredit;
      t.rac += u.rac;
      m.set(key, t);
    }
    return [...m.values()].sort((a, b) => b.totalCredit - a.totalCredit);
  };

  const racBar = (rac: number, max: number, label: string) =>
    h('span', { class: 'rac' }, h('meter', { min: 0, max: Math.max(max, 1e-9), value: rac, 'aria-label': label }), ` ${fmt(rac, 1)}`);

  return {
    title: 'Volunteers and credit',
    reloadOn: ['wu.validated'],
    async load() {
      const [u, x] = await Promise.all([
        get<Wire<CreditLeaderboard>>('/api/v1/credit/leaderboard?by=user&limit=1000'),
        get<Wire<CreditLeaderboard>>('/api/v1/credit/leaderboard?by=host&limit=50'),
      ]);
      users = u.rows;
      hosts = x.rows;
    },
    render() {
      const maxU = Math.max(0, ...users.map((r) => r.rac));
      const maxH = Math.max(0, ...hosts.map((r) => r.rac));
      const t = teams();
      const maxT = Math.max(0, ...t.map((r) => r.rac));
      return [
        h('p', { class: 'help' }, 'Credit is granted only for valid results; RAC is recent average credit (7-day half-life).'),
        h('div', { class: 'grid-2' },
          section('Volunteers', table('Volunteers by credit', ['#', 'Volunteer', 'Team', 'Hosts', 'Credit', 'RAC'], users.slice(0, 100).map((r) =>
            h('tr', { 'data-key': r.id }, td('#', fmt(r.rank)), td('Volunteer', r.name), td('Team', r.team ?? '–'), td('Hosts', fmt(r.hosts ?? 0)),
              td('Credit', fmt(r.totalCredit, 1)), td('RAC', racBar(r.rac, maxU, `${r.name} recent average credit`)))),
          { empty: 'No credit granted yet.', cls: 'cards' })),
          section('Teams', table('Teams by credit', ['Team', 'Volunteers', 'Hosts', 'Credit', 'RAC'], t.map((r) =>
            h('tr', { 'data-key': r.team }, td('Team', r.team), td('Volunteers', fmt(r.members)), td('Hosts', fmt(r.hosts)),
              td('Credit', fmt(r.totalCredit, 1)), td('RAC', racBar(r.rac, maxT, `${r.team} recent average credit`)))),
          { empty: 'No teams yet.', cls: 'cards' }))),
        section('Hosts', table('Hosts by credit', ['#', 'Host', 'Owner', 'Team', 'Credit', 'RAC'], hosts.map((r) =>
          h('tr', { 'data-key': r.id }, td('#', fmt(r.rank)), td('Host', r.name), td('Owner', r.owner ?? '–'), td('Team', r.team ?? '–'),
            td('Credit', fmt(r.totalCredit, 1)), td('RAC', racBar(r.rac, maxH, `${r.name} recent average credit`)))),
        { empty: 'No host has credit yet.', cls: 'cards' })),
      ];
    },
  };
};

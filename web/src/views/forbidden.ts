import { probe } from '../api';
import type { ViewFactory } from '../context';
import { h } from '../dom';

/**
 * What a researcher or volunteer sees: the console's views and actions are for admins, and the
 * coordinator says so (403) — the page asks it rather than guessing from the role.
 */
export const forbiddenView: ViewFactory = (ctx) => {
  let answer = '';
  return {
    title: 'Admins only',
    async load() {
      const r = await probe('/api/v1/console/snapshot');
      answer = r.ok ? '' : `${r.status} ${r.message}`;
    },
    render: () => [
      h('div', { class: 'notice warn', role: 'alert' },
        h('p', null, h('strong', null, `You are signed in as ${ctx.user.name}, a ${ctx.user.role}.`),
          ' The console is for admins: its views and actions are not available to you.'),
        answer ? h('p', null, 'The coordinator answered: ', h('code', null, answer)) : null),
      h('p', null, 'Researchers submit and follow batches through the REST API (',
        h('a', { href: '/api/v1/openapi.json' }, 'OpenAPI document'), ') or the ', h('code', null, 'nfl-grid'), ' CLI; volunteers see their hosts and credit with ',
        h('code', null, 'nfl-agent'), '. Ask an admin if you need more.'),
    ],
  };
};

import { getJson } from '../api-client';
import { intOption } from '../args';
import { type Command, fmtNum, table } from '../command';

/* The performance tracker's commands: scoreboard and rebalance. */

const num = (x: number | null, digits = 4) => (x === null ? '-' : x.toFixed(digits));

export const scoreboardCommand: Command = {
  path: ['scoreboard'],
  summary: 'credit leaderboard by volunteer and by host, and models: current vs best, trend',
  usage: '[--limit N]',
  help: ['--limit N   rows per board (default 10)'],
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const limit = String(intOption(ctx.values, 'limit', 1, 1000) ?? 10);
    const api = ctx.api();
    const [users, hosts, models] = await Promise.all([
      getJson(ctx.url, () => api.api.v1.credit.leaderboard.$get({ query: { by: 'user', limit } })),
      getJson(ctx.url, () => api.api.v1.credit.leaderboard.$get({ query: { by: 'host', limit } })),
      getJson(ctx.url, () => api.api.performance.leaderboard[':sport'].$get({ param: { sport: 'nfl' }, query: { limit } })),
    ]);
    if (ctx.json) return ctx.io.out(JSON.stringify({ users: users.rows, hosts: hosts.rows, models: models.boards }, null, 2));
    ctx.io.out('Volunteers');
    ctx.io.out(users.rows.length === 0 ? '  (no credit yet)' : table(['#', 'NAME', 'TEAM', 'HOSTS', 'TOTAL CREDIT', 'RECENT AVG'],
      users.rows.map((r) => [r.rank, r.name, r.team, r.hosts, fmtNum(r.totalCredit, 1), fmtNum(r.rac, 1)])));
    ctx.io.out('');
    ctx.io.out('Hosts');
    ctx.io.out(hosts.rows.length === 0 ? '  (no hosts yet)' : table(['#', 'HOST', 'OWNER', 'TOTAL CREDIT', 'RECENT AVG'],
      hosts.rows.map((r) => [r.rank, r.name, r.owner, fmtNum(r.totalCredit, 1), fmtNum(r.rac, 1)])));
    ctx.io.out('');
    ctx.io.out('Models');
    if (models.boards.length === 0) return ctx.io.out('  (no model results yet)');
    ctx.io.out(table(['#', 'MODEL', 'METRIC', 'CURRENT', 'BEST', 'BASELINE', 'TREND', 'RESULTS', 'ROI/CPU h'],
      models.boards.flatMap((b) => b.models.map((m) => [m.rank, m.key, `${b.metric} (${b.lowerIsBetter ? 'lower' : 'higher'} better)`,
        num(m.current), num(m.best), num(m.baseline), m.trend.class, m.results, num(m.roi, 3)]))));
  },
};

export const rebalanceCommand: Command = {
  path: ['rebalance'],
  summary: 're-prioritise open batches by the expected value of their pending work (admin)',
  usage: '[--dry-run]',
  help: ['--dry-run   show the new priorities without changing them'],
  options: { 'dry-run': { type: 'boolean' } },
  async run(ctx) {
    const dryRun = ctx.values['dry-run'] === true;
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.performance.rebalance.$post({ json: { dryRun } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    if (r.changes.length === 0) return ctx.io.out('No open batches with pending work.');
    ctx.io.out(table(['BATCH', 'NAME', 'EV', 'PRIORITY', 'NEW'], r.changes.map((c) => [c.batchId, c.name, c.ev === null ? 'untracked' : fmtNum(c.ev, 3), c.from, c.to])));
    const moved = r.changes.filter((c) => c.to !== c.from).length;
    ctx.io.out(dryRun ? `(dry run: ${moved} would change)` : `Changed ${moved} batch priorities.`);
  },
};

import { getJson } from '../api-client';
import type { Command } from '../command';
import { fmtNum, table } from '../format';

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

import { getJson } from '../api-client';
import { choiceOption, intOption } from '../args';
import type { Command } from '../command';
import { ago, fmtNum, table } from '../format';

export const batchesCommand: Command = {
  path: ['batches'],
  summary: 'list your batches (admins: all), newest first',
  usage: '[--state open|done|cancelled] [--limit N] [--offset N]',
  options: { state: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
  async run(ctx) {
    const state = choiceOption(ctx.values, 'state', ['open', 'done', 'cancelled'] as const);
    const limit = String(intOption(ctx.values, 'limit', 1, 1000) ?? 50);
    const offset = String(intOption(ctx.values, 'offset', 0, 1e9) ?? 0);
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches.$get({ query: { ...(state ? { state } : {}), limit, offset } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    if (r.batches.length === 0) return ctx.io.out('No batches.');
    ctx.io.out(table(['ID', 'NAME', 'KERNEL', 'STATE', 'PRIO', 'WUS', 'DONE', 'FAILED', '%', 'OWNER', 'CREATED'],
      r.batches.map((b) => [b.id, b.name, b.kernel, b.state, b.priority, b.wuCount, b.counts.done, b.counts.failed, `${fmtNum(b.progress.percent, 1)}%`, b.owner.name, ago(b.createdAt)])));
    if (r.total > r.batches.length) ctx.io.out(`(${r.batches.length} of ${r.total}; use --offset)`);
  },
};

export const cancelCommand: Command = {
  path: ['cancel'],
  summary: 'cancel a batch',
  usage: 'ID',
  args: ['ID'],
  async run(ctx) {
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches[':id'].cancel.$post({ param: { id: ctx.args[0]! } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    ctx.io.out(`Cancelled batch ${r.batchId}: ${fmtNum(r.wusCancelled)} work units, ${fmtNum(r.replicasCancelled)} replicas out on hosts.`);
  },
};

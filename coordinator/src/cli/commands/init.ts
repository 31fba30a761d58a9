import { standardJobSet } from '@nfl-grid/shared/api/standard-jobs';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { getJson } from '../api-client';
import { intOption } from '../args';
import type { Command } from '../command';
import { fmtNum, table } from '../format';

export const initCommand: Command = {
  path: ['init'],
  summary: 'submit the standard job set (skipping batches of the same name that are still open)',
  usage: '[--quorum N] [--force]',
  help: ['--quorum N   replicas that must agree per work unit (default: each batch\'s own policy)', '--force      submit even when an open batch of the same name exists'],
  options: { quorum: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx) {
    const quorum = intOption(ctx.values, 'quorum', 1, 16);
    const api = ctx.api();
    const open = await getJson(ctx.url, () => api.api.v1.batches.$get({ query: { state: 'open', limit: '1000' } }));
    const openNames = new Set(open.batches.map((b) => b.name));
    const done: { batchId: string | null; name: string; wuCount: number | null; estimatedHours: number | null; note: string }[] = [];
    for (const input of standardJobSet()) {
      if (openNames.has(input.name) && !ctx.values.force) {
        done.push({ batchId: null, name: input.name, wuCount: null, estimatedHours: null, note: 'already open' });
        continue;
      }
      const spec = quorum ? { ...input, policy: { ...BatchSpec.parse(input).policy, minQuorum: quorum, targetReplicas: quorum } } : input;
      const r = await getJson(ctx.url, () => api.api.v1.batches.$post({ json: spec }));
      done.push({ ...r, name: input.name, note: 'submitted' });
    }
    if (ctx.json) return ctx.io.out(JSON.stringify(done, null, 2));
    ctx.io.out(table(['BATCH', 'NAME', 'WUS', 'EST. CPU HOURS', ''], done.map((d) => [d.batchId, d.name, d.wuCount, d.estimatedHours === null ? null : fmtNum(d.estimatedHours, 1), d.note])));
  },
};

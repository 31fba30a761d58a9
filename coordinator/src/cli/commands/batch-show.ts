import type { HalvingState } from '@nfl-grid/shared/api/plans/halving';
import { getJson } from '../api-client';
import { type Command, fmtNum, table } from '../command';

/* `nfl-grid batch ID`: one batch, and a halving batch's rungs. */

const configText = (p: Record<string, unknown>) => Object.entries(p).filter(([k]) => k !== 'fold').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');

function halvingText(s: HalvingState): string {
  const lines = [`Successive halving, eta ${s.eta}: ${s.configurations.length} configurations, rungs at ${s.rungEpochs.join(', ')} epochs`];
  for (const g of s.rungs) {
    lines.push('', `Rung ${g.rung} (${g.epochs} epochs in all):`);
    const rows = [...g.entries].sort((a, b) => (a.validationLogLoss ?? Infinity) - (b.validationLogLoss ?? Infinity));
    lines.push(table(['CONFIG', 'WU', 'VALIDATION LOG LOSS', 'BEST EPOCH', 'CONTINUED', 'PARAMS'], rows.map((e) => [
      e.configuration, e.wuId, e.validationLogLoss === null ? 'failed' : fmtNum(e.validationLogLoss, 5), e.bestEpoch ?? '-', e.continued ? 'yes' : '', configText(s.configurations[e.configuration] ?? {}),
    ])));
  }
  if (s.running.length > 0) lines.push('', `Running: rung ${s.rungs.length}, configurations ${s.running.join(', ')}`);
  if (s.best) lines.push('', `Best: configuration ${s.best.configuration}, validation log loss ${fmtNum(s.best.validationLogLoss, 5)} after ${s.best.epochs} epochs (WU ${s.best.wuId})`);
  return lines.join('\n');
}

export const batchCommand: Command = {
  path: ['batch'],
  summary: 'show a batch: counts, progress, and a halving batch\'s rungs',
  usage: 'ID',
  args: ['ID'],
  async run(ctx) {
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.batches[':id'].$get({ param: { id: ctx.args[0]! } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    const c = r.counts;
    ctx.io.out(`Batch ${r.id} "${r.name}" (${r.kernel}, ${r.state}): ${fmtNum(r.wuCount)} work units, ${fmtNum(r.progress.percent, 1)}% finished`
      + ` (done ${c.done}, running ${c.running}, pending ${c.pending}, failed ${c.failed}, cancelled ${c.cancelled})`);
    const state = r.planState as { kind?: string } | null;
    if (state?.kind === 'halving') ctx.io.out(`\n${halvingText(state as HalvingState)}`);
  },
};

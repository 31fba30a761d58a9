import { getJson } from '../api-client';
import { intOption } from '../args';
import type { Command } from '../command';
import { ago, fmtNum, table } from '../format';

export const hostsCommand: Command = {
  path: ['hosts'],
  summary: 'list your hosts (admins: all) with reliability, credit and live state',
  usage: '[--limit N]',
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const limit = String(intOption(ctx.values, 'limit', 1, 1000) ?? 100);
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.hosts.$get({ query: { limit } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    if (r.hosts.length === 0) return ctx.io.out('No hosts.');
    ctx.io.out(table(['ID', 'NAME', 'OWNER', 'ONLINE', 'STATUS', 'INTENSITY', 'GPU', 'VALID', 'ERR RATE', 'CREDIT', 'RAC', 'LAST CONTACT'],
      r.hosts.map((h) => [h.id, h.name, h.owner.name, h.online, h.status, h.intensity, h.gpu, h.reliability.validCount,
        fmtNum(h.reliability.errorRate, 3), fmtNum(h.credit.total, 1), fmtNum(h.credit.rac, 1), ago(h.lastContact)])));
  },
};

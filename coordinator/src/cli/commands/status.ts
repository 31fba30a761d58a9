import { getJson } from '../api-client';
import type { Command } from '../command';
import { ago, fmtNum, table } from '../format';

const temp = (v: unknown) => (typeof v === 'number' ? `${Math.round(v)}°C` : '-');
const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v)}%` : '-');

export const statusCommand: Command = {
  path: ['status'],
  summary: 'queue overview: work units by state, CPU/GPU hours, what runs now, latest host statistics',
  usage: '',
  async run(ctx) {
    const api = ctx.api();
    const q = await getJson(ctx.url, () => api.api.v1.queue.$get());
    if (ctx.json) return ctx.io.out(JSON.stringify(q, null, 2));
    const w = q.workUnits;
    ctx.io.out(table(['WORK UNITS', 'TOTAL', 'PENDING', 'RUNNING', 'VALIDATING', 'COMPLETED', 'FAILED', 'CANCELLED'],
      [['', fmtNum(w.total), fmtNum(w.pending), fmtNum(w.running), fmtNum(w.validating), fmtNum(w.completed), fmtNum(w.failed), fmtNum(w.cancelled)]]));
    ctx.io.out('');
    ctx.io.out(`Batches open: ${fmtNum(q.batchesOpen)}   Hosts online: ${fmtNum(q.hosts.online)} of ${fmtNum(q.hosts.total)} (${fmtNum(q.hosts.gpu)} with GPU)   CPU hours: ${fmtNum(q.cpuHours, 1)}   GPU hours: ${fmtNum(q.gpuHours, 1)}`);
    ctx.io.out('');
    ctx.io.out('Running now');
    ctx.io.out(q.runningNow.length === 0 ? '  (nothing)' : table(['BATCH', 'NAME', 'KERNEL', 'OWNER', 'OUT', 'DONE', 'WUS', '%'],
      q.runningNow.map((b) => [b.id.slice(0, 8), b.name, b.kernel, b.owner, b.running, b.finished, b.wuCount, `${fmtNum(b.percentDone, 1)}%`])));
    ctx.io.out('');
    ctx.io.out('Latest hosts');
    ctx.io.out(q.latestHosts.length === 0 ? '  (none)' : table(['HOST', 'OWNER', 'ONLINE', 'STATUS', 'INTENSITY', 'CPU', 'CPU TEMP', 'GPU TEMP', 'RAC', 'LAST CONTACT'],
      q.latestHosts.map((h) => {
        const r = (h.readings ?? {}) as Record<string, unknown>;
        return [h.name, h.owner, h.online, h.status, h.intensity, pct(r.cpuLoad), temp(r.cpuTemp), temp(r.gpuTemp), fmtNum(h.rac, 1), ago(h.lastContact)];
      })));
  },
};

import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { standardJobSet } from '@nfl-grid/shared/api/standard-jobs';
import { getJson } from '../api-client';
import { choiceOption, intOption, requiredString } from '../args';
import { ago, type Command, fmtNum, table } from '../command';

/* Commands that run a grid or look after it: coordinator, start, init, status, hosts, admin. */

/*
 * `coordinator` and `start` run the server in this process (coordinator/src/serve.ts, loaded only
 * here so that client commands start fast). Both keep running until SIGINT/SIGTERM, which
 * main.ts handles.
 */

const forever = () => new Promise<never>(() => {});

export const coordinatorCommand: Command = {
  path: ['coordinator'],
  summary: 'run a coordinator (API, agent gateway, daemons) until Ctrl+C',
  usage: '[--port P] [--host H] [--data-dir D]',
  help: ['--port P   port to listen on (default 8787, env NFL_GRID_PORT)', '--host H   address to bind (default 127.0.0.1, env NFL_GRID_HOST)'],
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run(ctx) {
    const port = intOption(ctx.values, 'port', 0, 65535);
    const { runCoordinator } = await import('../../serve');
    await runCoordinator({ port, host: ctx.values.host as string | undefined, dataDir: ctx.values['data-dir'] as string | undefined });
    return forever();
  },
};

export const startCommand: Command = {
  path: ['start'],
  summary: 'run the whole grid on this machine: a coordinator, the standard jobs and one local agent',
  usage: '[--port P] [--data-dir D] [--intensity low|medium|high|inferno]',
  help: ['--intensity I   heat of the local agent (default medium)'],
  options: { port: { type: 'string' }, intensity: { type: 'string' } },
  async run(ctx) {
    const port = intOption(ctx.values, 'port', 0, 65535);
    const intensity = choiceOption(ctx.values, 'intensity', ['low', 'medium', 'high', 'inferno'] as const);
    const { runStandalone } = await import('../../serve');
    await runStandalone({ port, dataDir: ctx.values['data-dir'] as string | undefined, intensity });
    return forever();
  },
};

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

export const createUserCommand: Command = {
  path: ['admin', 'create-user'],
  summary: 'create a user and print their API key (shown only once)',
  usage: '--name N --role admin|researcher|volunteer [--team T]',
  options: { name: { type: 'string' }, role: { type: 'string' }, team: { type: 'string' } },
  async run(ctx) {
    const name = requiredString(ctx.values, 'name');
    const role = choiceOption(ctx.values, 'role', ['admin', 'researcher', 'volunteer'] as const);
    if (!role) requiredString(ctx.values, 'role');
    const team = ctx.values.team as string | undefined;
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.users.$post({ json: { name, role: role!, ...(team ? { team } : {}) } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    ctx.io.out(`Created ${r.user.role} ${r.user.name} (${r.user.id}).`);
    ctx.io.out(`API key (shown only this once; keep it safe):\n  ${r.apiKey}`);
  },
};

export const enrollTokenCommand: Command = {
  path: ['admin', 'enroll-token'],
  summary: 'mint an enrollment token for agents (for yourself, or --user ID)',
  usage: '[--user ID] [--uses N] [--ttl-hours H]',
  help: ['--user ID       the user whose hosts enroll with it (admins only; default: you)', '--uses N        how many hosts may use it (default 100)', '--ttl-hours H   lifetime (default 168, a week)'],
  options: { user: { type: 'string' }, uses: { type: 'string' }, 'ttl-hours': { type: 'string' } },
  async run(ctx) {
    const uses = intOption(ctx.values, 'uses', 1, 10_000);
    const ttlHours = intOption(ctx.values, 'ttl-hours', 1, 24 * 365);
    const userId = ctx.values.user as string | undefined;
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1['enrollment-tokens'].$post({ json: { ...(userId ? { userId } : {}), ...(uses ? { uses } : {}), ...(ttlHours ? { ttlHours } : {}) } }));
    if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
    ctx.io.out(`Enrollment token (good for ${r.uses} hosts until ${new Date(r.expiresAt).toISOString()}):\n  ${r.token}`);
    ctx.io.out(`On each machine: nfl-agent --coordinator ${ctx.url} --token ${r.token}`);
  },
};

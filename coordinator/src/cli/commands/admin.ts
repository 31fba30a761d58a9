import { getJson } from '../api-client';
import { choiceOption, intOption, requiredString } from '../args';
import type { Command } from '../command';

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

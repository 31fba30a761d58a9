import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BanditView } from '@nfl-grid/shared/bandit/api';
import { regretSvg } from '@nfl-grid/shared/bandit/regret-svg';
import { regretTable } from '@nfl-grid/shared/bandit/regret-table';
import {
  bernoulliEnvironment, DEFAULT_MEANS, defaultContenders, recordedEnvironment, simulate, type SimEnvironment,
} from '@nfl-grid/shared/bandit/simulate';
import { StrategySpec } from '@nfl-grid/shared/bandit/strategies';
import { STRATEGY_NAMES } from '@nfl-grid/shared/bandit/strategy';
import { getJson } from '../api-client';
import { choiceOption, intOption, requiredString } from '../args';
import { CliError, type Command, type Ctx, fmtNum, table, UsageError } from '../command';

const ACTIONS = ['show', 'simulate', 'strategy', 'cap', 'uncap'] as const;
type Action = (typeof ACTIONS)[number];

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);

function parseJsonOption(ctx: Ctx, name: string): unknown {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(String(v));
  } catch (e) {
    throw new UsageError(`--${name} is not valid JSON: ${(e as Error).message}`);
  }
}

function numberOption(ctx: Ctx, name: string, min: number, max: number): number | undefined {
  const v = ctx.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

function showView(ctx: Ctx, v: BanditView): void {
  const prev = v.strategy.previous ? ` (previous: ${v.strategy.previous.name})` : '';
  ctx.io.out(`Strategy: ${v.strategy.name} ${JSON.stringify(v.strategy.params)}, version ${v.strategy.version}${prev}`);
  ctx.io.out(`Exploration: ${pct(v.exploration.share)} of ${fmtNum(v.exploration.decisions)} decisions (recent ${pct(v.exploration.recentShare)}); `
    + `estimated regret ${fmtNum(v.regret.cumulative, 2)} (${fmtNum(v.regret.perPull, 4)} per replica); best arm ${v.bestArm ?? '-'}`);
  if (v.arms.length === 0) return ctx.io.out('No arms yet.');
  ctx.io.out('');
  ctx.io.out(table(['ARM', 'DECISIONS', 'PULLS', 'PENDING', 'REWARDS', 'MEAN', '95% CI', 'SHARE', 'CAP'],
    v.arms.map((a) => [a.arm, a.decisions, a.pulls, a.pending, a.rewards, a.mean === null ? null : fmtNum(a.mean, 3),
      `${a.ci.lower.toFixed(3)}–${a.ci.upper.toFixed(3)}`, pct(a.share), a.cap ? `${pct(a.cap.maxShare)} (${a.cap.reason ?? ''})` : '-'])));
  const trip = v.guardrails.lastTrip;
  if (trip) ctx.io.out(`\nLast guardrail trip: ${trip.at} ${trip.arm} ${trip.kind} ${trip.value.toFixed(3)} (limit ${trip.limit}): ${trip.actions.join(' + ')}`);
}

async function runSimulate(ctx: Ctx): Promise<void> {
  const pulls = intOption(ctx.values, 'pulls', 10, 1_000_000) ?? 10_000;
  const seed = intOption(ctx.values, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const runs = intOption(ctx.values, 'runs', 1, 1000) ?? 5;
  let env: SimEnvironment;
  if (ctx.values['from-recorded']) {
    const api = ctx.api();
    const r = await getJson(ctx.url, () => api.api.v1.bandit.rewards.$get({ query: {} }));
    const arms = Object.fromEntries(Object.entries(r.arms).filter(([, xs]) => xs.length > 0));
    if (Object.keys(arms).length < 2) throw new CliError(`the coordinator has recorded rewards for ${Object.keys(arms).length} arm(s); a simulation needs two or more`);
    env = recordedEnvironment(arms);
  } else {
    const raw = ctx.values.means;
    const means = raw === undefined ? DEFAULT_MEANS : String(raw).split(',').map(Number);
    if (means.length < 2 || means.some((m) => !(m >= 0 && m <= 1))) throw new UsageError('--means must be two or more numbers in [0, 1], comma-separated');
    env = bernoulliEnvironment(means);
  }
  const result = simulate(env, defaultContenders(), { pulls, seed, runs });
  const svg = ctx.values.svg;
  if (typeof svg === 'string') writeFileSync(resolve(ctx.io.cwd, svg), regretSvg(result));
  if (ctx.json) return ctx.io.out(JSON.stringify(result, null, 2));
  ctx.io.out(regretTable(result));
  if (typeof svg === 'string') ctx.io.out(`\nWrote ${svg}.`);
}

export const banditCommand: Command = {
  path: ['bandit'],
  summary: 'the bandit scheduler: show it, swap its strategy, cap arms, compare strategies by simulation',
  usage: `${ACTIONS.join('|')} [options]`,
  help: [
    'show                       strategy in force, arms with mean reward and 95% CI, regret, exploration, last guardrail trip',
    'simulate                   run every strategy on a synthetic environment (5 arms, known best) and print regret at log-spaced pulls',
    '  --pulls N                pulls per run (default 10000)',
    '  --seed S                 seed (default 1); --runs R runs averaged (default 5)',
    '  --means A,B,...          the synthetic arms\' mean rewards (default 0.2,0.35,0.45,0.6,0.7)',
    '  --from-recorded          resample the rewards the coordinator has recorded instead',
    '  --svg FILE               also write the regret curves as an SVG chart',
    `strategy --strategy NAME [--params JSON]   swap the strategy (admin): ${STRATEGY_NAMES.join(', ')}`,
    'cap --arm ARM [--max-share X] [--reason TEXT]   cap an arm (admin); --max-share 0 (default) stops it',
    'uncap --arm ARM            lift a cap (admin)',
  ],
  args: ['ACTION'],
  options: {
    pulls: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, means: { type: 'string' },
    'from-recorded': { type: 'boolean' }, svg: { type: 'string' },
    strategy: { type: 'string' }, params: { type: 'string' },
    arm: { type: 'string' }, 'max-share': { type: 'string' }, reason: { type: 'string' },
  },
  async run(ctx) {
    const action = ctx.args[0] as Action;
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown action ${action}; one of ${ACTIONS.join(', ')}`);
    if (action === 'simulate') return runSimulate(ctx);
    const api = ctx.api();
    switch (action) {
      case 'show': {
        const v = await getJson(ctx.url, () => api.api.v1.bandit.$get({ query: {} }));
        if (ctx.json) return ctx.io.out(JSON.stringify(v, null, 2));
        return showView(ctx, v as BanditView);
      }
      case 'strategy': {
        const strategy = choiceOption(ctx.values, 'strategy', STRATEGY_NAMES) ?? requiredString(ctx.values, 'strategy');
        const spec = StrategySpec.safeParse({ strategy, params: parseJsonOption(ctx, 'params') ?? {} });
        if (!spec.success) throw new CliError('bad strategy parameters', spec.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
        const r = await getJson(ctx.url, () => api.api.v1.bandit.strategy.$put({ json: spec.data }));
        if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
        return ctx.io.out(`Strategy now ${r.strategy} ${JSON.stringify(r.params)} (version ${r.version}; was ${r.previous?.strategy ?? '-'}).`);
      }
      case 'cap': {
        const arm = requiredString(ctx.values, 'arm');
        const maxShare = numberOption(ctx, 'max-share', 0, 1) ?? 0;
        const reason = ctx.values.reason === undefined ? undefined : String(ctx.values.reason);
        const r = await getJson(ctx.url, () => api.api.v1.bandit.arms[':arm'].cap.$post({ param: { arm }, json: { maxShare, ...(reason ? { reason } : {}) } }));
        if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
        return ctx.io.out(`Capped ${r.arm} at ${pct(r.maxShare)} of dispatch.`);
      }
      case 'uncap': {
        const arm = requiredString(ctx.values, 'arm');
        const r = await getJson(ctx.url, () => api.api.v1.bandit.arms[':arm'].uncap.$post({ param: { arm } }));
        if (ctx.json) return ctx.io.out(JSON.stringify(r, null, 2));
        return ctx.io.out(`Uncapped ${r.arm}.`);
      }
    }
  },
};

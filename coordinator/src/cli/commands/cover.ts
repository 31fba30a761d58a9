import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '@nfl-grid/shared/data/local';
import { CoverInferenceBody } from '../../models/api-schemas';
import { localCoverModel } from '../../models/model-files';
import { answerCover } from '../../models/served-model';
import type { Command } from '../command';
import { UsageError } from '../command';

const OPTION_OF: Record<string, string> = { time_sec: '--time', hspread: '--spread', favorite_points: '--favorite', underdog_points: '--underdog', final: '--final' };

function number(v: unknown, flag: string): number {
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`${flag} is required`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number: ${v}`);
  return n;
}

/**
 * `nfl-grid cover`: seed 004's command. Answers from this machine, without a coordinator, by the
 * same rules and model code as POST /game/inference: the model a local coordinator last served
 * (<data-dir>/models/cover/production.json), else the model shipped in data/models/cover/, else the
 * analytic baseline. The spread here is the visiting team's, as in the seed.
 */
export const coverCommand: Command = {
  path: ['cover'],
  summary: 'probability that the favourite covers, from clock, spread and score (local model, no coordinator)',
  usage: '-t SECONDS -s SPREAD -f POINTS -u POINTS [--final | --in-play] [--json]',
  help: [
    '-t, --time SECONDS     time elapsed (0 = kickoff, 3600 = end of regulation; overtime beyond)',
    '-s, --spread POINTS    spread relative to the visiting team (+3.5: the home team gives 3.5); may be negative: -s -3.5',
    '-f, --favorite POINTS  points of the favourite so far',
    '-u, --underdog POINTS  points of the underdog so far',
    '--final                the game is over (1 or 0); --in-play: it is not, whatever the clock',
    'Without either, the game is over at 3600 s with the scores apart, or at 4200 s (end of overtime).',
    'Models: <data-dir>/models/cover/production.json, then data/models/cover/*.json, then the analytic baseline (σ = 18).',
  ],
  options: {
    time: { type: 'string', short: 't' },
    spread: { type: 'string', short: 's' },
    favorite: { type: 'string', short: 'f' },
    underdog: { type: 'string', short: 'u' },
    final: { type: 'boolean' },
    'in-play': { type: 'boolean' },
  },
  async run(ctx) {
    const v = ctx.values;
    if (v.final && v['in-play']) throw new UsageError('--final and --in-play contradict each other');
    const spread = number(v.spread, '--spread');
    const raw = {
      time_sec: number(v.time, '--time'),
      hspread: spread === 0 ? 0 : -spread,
      favorite_points: number(v.favorite, '--favorite'),
      underdog_points: number(v.underdog, '--underdog'),
      ...(v.final ? { final: true } : v['in-play'] ? { final: false } : {}),
    };
    const parsed = CoverInferenceBody.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new UsageError(`${OPTION_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    }
    const dataDir = resolve(ctx.io.cwd, (v['data-dir'] as string | undefined) ?? ctx.io.env.NFL_GRID_DATA_DIR ?? '.nfl-grid');
    const inputsDir = resolve(ctx.io.cwd, ctx.io.env.NFL_GRID_INPUTS_DIR ?? DEFAULT_DATA_DIR);
    const { model, path } = localCoverModel(dataDir, inputsDir);
    const a = answerCover(parsed.data, model);
    if (ctx.json) {
      ctx.io.out(JSON.stringify({ ...a, hspread: parsed.data.hspread, source: path, loadMs: Number(model.loadMs.toFixed(3)) }));
      return;
    }
    const phase = a.phase === 'in_play' ? 'in play' : a.phase === 'final' ? 'final' : 'not started';
    ctx.io.out(`${a.cover_probability.toFixed(4)}  (${phase}; model ${a.model} ${a.version})`);
  },
};

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NbaGame } from '@nfl-grid/shared/api/nba';
import type { DatasetRows } from '@nfl-grid/shared/data/datasets';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { nbaTeam } from '@nfl-grid/shared/data/nba-teams';
import type { MlpArtifact } from '@nfl-grid/shared/models/mlp-artifact';
import { mlpForwardBatch } from '@nfl-grid/shared/models/mlp-batch';
import { quantise, type Precision } from '@nfl-grid/shared/models/mlp-quantise';
import { NBA_FEATURES } from '@nfl-grid/shared/sports/nba/features';
import { NbaLeagueHistory } from '@nfl-grid/shared/sports/nba/league-history';
import { BadRequest } from '../errors';
import type { Grid } from '../grid';
import { RegisterModelBody } from '../models/api-schemas';
import { countModels, loadArtifactJson, productionModel, registerModel } from '../models/registry';
import { DynamicBatcher, type BatcherOptions } from './batcher';
import { parseNbaArtifact } from './nba-artifact';

/*
 * The NBA win-probability model of this process. States: unloaded → (first use) loaded. Loading
 * seeds an empty registry from the shipped files (<inputs>/models/nba/*.json, the last in name
 * order production), then serves the production version of NBA_MODEL_NAME, or the Elo
 * probability itself when there is none. Requests are checked (teams known, dates inside the
 * data) before they wait, then batched: one feature computation and one forward pass per batch.
 */

export const NBA_MODEL_NAME = 'nba-win-probability';
const DEFAULT_BATCHING: BatcherOptions = { maxRows: 256, maxWaitMs: 3 };
/** Ratings are carried past the last result for one season at most. */
const FUTURE_DAYS = 400;

export interface ServedNbaModel {
  name: string;
  version: string;
  artifact: MlpArtifact | null;
}

export interface NbaWinServerOptions {
  precision?: Precision;
  batching?: BatcherOptions;
}

export class NbaWinServer {
  private loaded: Promise<{ model: ServedNbaModel; league: NbaLeagueHistory }> | null = null;
  readonly batcher: DynamicBatcher<NbaGame, number>;

  constructor(private readonly grid: Grid, private readonly opts: NbaWinServerOptions = {}) {
    this.batcher = new DynamicBatcher((games) => this.forward(games), opts.batching ?? DEFAULT_BATCHING);
  }

  async model(): Promise<ServedNbaModel> {
    return (await this.load()).model;
  }

  /** Home win probabilities, in order; a 400 names `${prefix}N.field` of the first bad game. */
  async probabilities(games: readonly NbaGame[], prefix = 'games.'): Promise<number[]> {
    const { league } = await this.load();
    const last = Date.parse(`${league.lastDate}T00:00:00Z`) + FUTURE_DAYS * 86_400_000;
    games.forEach((g, i) => {
      const at = (f: string) => (prefix === '' ? f : `${prefix}${i}.${f}`);
      for (const side of ['home', 'away'] as const) {
        if (!nbaTeam(g[side])) throw new BadRequest(`unknown NBA team '${g[side]}'`, at(side), 'unknown_team');
      }
      if (g.home === g.away) throw new BadRequest('home and away are the same team', at('away'), 'invalid_field');
      if (g.date < league.firstDate || Date.parse(`${g.date}T00:00:00Z`) > last) {
        throw new BadRequest(`no ratings for ${g.date}: the data runs from ${league.firstDate} to ${league.lastDate} (ratings carried ${FUTURE_DAYS} days past it)`, at('date'), 'unknown_date');
      }
    });
    return this.batcher.submit([...games]);
  }

  private async forward(games: NbaGame[]): Promise<number[]> {
    const { model, league } = await this.load();
    const x = league.features(games);
    if (!model.artifact) return x.map((r) => r[NBA_FEATURES.indexOf('elo_prob')]!);
    const idx = model.artifact.features.map((f) => NBA_FEATURES.indexOf(f as (typeof NBA_FEATURES)[number]));
    return Array.from(mlpForwardBatch(model.artifact, x.map((r) => idx.map((i) => r[i]!))));
  }

  private load() {
    this.loaded ??= (async () => {
      const league = new NbaLeagueHistory(loadLocalKernelData(this.grid.config.inputsDir, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba'));
      await this.seed();
      const row = await productionModel(this.grid.db, NBA_MODEL_NAME);
      let model: ServedNbaModel = { name: 'nba-elo', version: 'baseline', artifact: null };
      if (row) {
        const artifact = parseNbaArtifact(await loadArtifactJson(this.grid.db, row.artifactSha256));
        model = { name: row.name, version: String(row.version), artifact: quantise(artifact, this.opts.precision ?? 'float32').artifact };
      }
      this.grid.log.info('nba win-probability model loaded', { model: model.name, version: model.version, precision: this.opts.precision ?? 'float32' });
      return { model, league };
    })();
    this.loaded.catch(() => { this.loaded = null; });
    return this.loaded;
  }

  private async seed(): Promise<void> {
    if (await countModels(this.grid.db, NBA_MODEL_NAME) > 0) return;
    const dir = join(this.grid.config.inputsDir, 'models', 'nba');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return;
    }
    for (const [i, n] of names.entries()) {
      try {
        const body = RegisterModelBody.parse(JSON.parse(readFileSync(join(dir, n), 'utf8')));
        await registerModel(this.grid.db, body, null, i === names.length - 1 ? 'production' : 'candidate');
      } catch (e) {
        // a broken file, or another coordinator seeding at the same moment
        this.grid.log.warn('seeding a shipped NBA model failed', { file: n, error: e as Error });
      }
    }
  }
}

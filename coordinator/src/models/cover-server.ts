import type { Grid } from '../grid';
import { shippedModelFiles, writeServedFile } from './model-files';
import { countModels, getModel, loadArtifact, productionModel, registerModel } from './registry';
import { baselineModel, COVER_MODEL_NAME, servedModel, type ServedModel } from './served-model';

/*
 * CoverModelServer: the production cover model of this process, in memory.
 *
 * States: unloaded → (start or first request) loaded → swapped on every production change.
 * `start` seeds an empty registry from the shipped model files, loads the production version (or
 * the analytic baseline when there is none) and listens for other coordinators' changes on
 * MODELS_CHANNEL. A promotion or rollback calls `changed`, which reloads here and notifies the
 * others. A swap replaces one reference, so a request is answered wholly by the old or the new
 * model. A failed load keeps the model being served and logs why.
 */

const MODELS_CHANNEL = 'nfl_grid_models';

export class CoverModelServer {
  private model: ServedModel | null = null;
  private loading: Promise<ServedModel> | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly grid: Grid) {}

  /** The model now served, or null before the first load. */
  get loaded(): ServedModel | null {
    return this.model;
  }

  /** The model now served (loads it on first use). */
  async current(): Promise<ServedModel> {
    return this.model ?? this.reload();
  }

  async start(): Promise<ServedModel> {
    await this.seed();
    const m = await this.reload();
    this.unlisten = await this.grid.db.listen(MODELS_CHANNEL, () => void this.reload());
    return m;
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** Production changed here: swap now, and tell the other coordinators. */
  async changed(): Promise<ServedModel> {
    const m = await this.reload();
    await this.grid.db.notify(MODELS_CHANNEL, COVER_MODEL_NAME).catch((e) => this.grid.log.component('models').warn('models notify failed', { error: e as Error }));
    return m;
  }

  /** Loads the production version if it is not the one served. */
  reload(): Promise<ServedModel> {
    const run = async (): Promise<ServedModel> => {
      try {
        const row = await productionModel(this.grid.db, COVER_MODEL_NAME);
        if (this.model && this.model.id === (row?.id ?? null)) return this.model;
        const started = performance.now();
        const next = row
          ? servedModel(row.id, row.name, String(row.version), row.heldOutSeasons, await loadArtifact(this.grid.db, row.artifactSha256), started)
          : baselineModel();
        this.model = next;
        this.grid.log.component('models').info('cover model loaded', { model: next.name, version: next.version, loadMs: Number(next.loadMs.toFixed(2)) });
        if (row) await this.writeCache(row.id).catch((e) => this.grid.log.component('models').warn('cannot write the served model file', { error: e as Error }));
        return next;
      } catch (e) {
        if (!this.model) throw e;
        this.grid.log.component('models').error('cover model reload failed; serving the previous one', { error: e as Error });
        return this.model;
      }
    };
    // one load at a time; a change during a load is picked up by the next call
    const p = (this.loading ?? Promise.resolve()).then(run, run);
    this.loading = p;
    return p;
  }

  private async writeCache(id: string): Promise<void> {
    const row = await getModel(this.grid.db, id);
    const artifact = await loadArtifact(this.grid.db, row.artifactSha256);
    writeServedFile(this.grid.config.dataDir, {
      name: row.name, version: row.version, kernel: row.kernel, params: row.params as Record<string, unknown>,
      dataHashes: row.dataHashes as Record<string, string>, batchId: null, wuIds: row.wuIds,
      metrics: row.metrics as never, heldOutSeasons: row.heldOutSeasons, artifact,
    });
  }

  /** An empty registry takes the shipped cover model files; the last in name order is production. */
  private async seed(): Promise<void> {
    if (await countModels(this.grid.db, COVER_MODEL_NAME) > 0) return;
    const files = shippedModelFiles(this.grid.config.inputsDir, (msg, e) => this.grid.log.component('models').warn(msg, { error: e }))
      .filter((f) => f.body.name === COVER_MODEL_NAME);
    for (const [i, f] of files.entries()) {
      try {
        const row = await registerModel(this.grid.db, { ...f.body, batchId: null }, null, i === files.length - 1 ? 'production' : 'candidate');
        this.grid.log.component('models').info('cover model seeded from a shipped file', { file: f.path, id: row.id, version: row.version, state: row.state });
      } catch (e) {
        // another coordinator seeded at the same moment
        this.grid.log.component('models').warn('seeding a shipped model failed', { file: f.path, error: e as Error });
      }
    }
  }
}

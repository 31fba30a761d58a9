import { createLogger, type Logger } from '@nfl-grid/shared/logging/logger';
import type { CoordinatorConfig } from './config';
import { openPglite, openPostgres, type Db } from './db/index';
import { migrateEmbedded, migrateServer } from './db/migrate';
import { createGridEvents } from './events';
import { createAgentRegistry, type LocalAgentRegistry } from './gateway/agent-registry';
import type { Grid } from './grid';
import { openCoordinatorKeys } from './keys/coordinator-keys';
import { createInputStore } from './work/input-store';
import { datasetFile } from '@nfl-grid/shared/data/datasets';

export interface OpenedGrid extends Grid {
  readonly agents: LocalAgentRegistry;
  /** Set by the daemons once they start; until then wake-ups are no-ops. */
  setWakers(w: { scheduler: () => void; validator: () => void }): void;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), the signing keys and the in-process registries. `db` may be
 * given (tests pass a cloned database); otherwise the config decides PGlite or Postgres.
 */
export async function openGrid(config: CoordinatorConfig, opts: { db?: Db; log?: Logger } = {}): Promise<OpenedGrid> {
  const log = opts.log ?? createLogger('coordinator');
  let db = opts.db;
  if (!db) {
    if (config.databaseUrl) {
      await migrateServer(config.databaseUrl);
      db = await openPostgres(config.databaseUrl);
    } else {
      db = await openPglite(`${config.dataDir}/db`);
      await migrateEmbedded(db);
    }
  }
  const keys = await openCoordinatorKeys(db, config.dataDir, config.work.packetTtlSeconds);
  let wakers = { scheduler: () => {}, validator: () => {} };
  const ownsDb = !opts.db;
  const theDb = db;
  return {
    config,
    db,
    log,
    keys,
    agents: createAgentRegistry(),
    events: createGridEvents(),
    inputs: createInputStore(db, config.inputsDir, datasetFile),
    wakeScheduler: () => wakers.scheduler(),
    wakeValidator: () => wakers.validator(),
    setWakers: (w) => { wakers = w; },
    close: async () => { if (ownsDb) await theDb.close(); },
  };
}

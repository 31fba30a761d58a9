/*
 * `npm run ship:cover-model`: trains the cover model that the repository ships, through the grid.
 *
 * Starts a coordinator on a fresh embedded database and one real nfl-agent, submits one
 * train.mlp@1 work unit (the `state` features a served request gives; held-out season 2019,
 * validation season 2018, fit on 2009–2017), waits for the validator to re-score it and the
 * assimilator to offer it to the registry, then writes that registry record (lineage, the
 * coordinator's re-scored metrics, the artifact) to data/models/cover/, where a coordinator's first
 * start seeds its registry from. Takes a few minutes on two cores.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { createEnrollmentToken } from '../coordinator/src/auth/host-credentials';
import { startCoordinator } from '../coordinator/src/coordinator';
import { models } from '../coordinator/src/db/schema/index';
import { modelRecord } from '../coordinator/src/models/registry';
import { submitBatch } from '../coordinator/src/queue/submit-batch';
import { findOrCreateUser } from '../coordinator/src/serve';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'data', 'models', 'cover', 'cover-grid-2019.json');
const TIMEOUT_MS = 20 * 60_000;

const spec = BatchSpec.parse({
  name: 'Shipped cover model: state features, relu [64, 32], held-out season 2019',
  kernel: 'train.mlp@1',
  seed: 20_191_231,
  params: {
    featureSet: 'state', hidden: [64, 32], activation: 'relu', optimizer: { name: 'adam', learningRate: 0.001 },
    batchSize: 512, epochs: 12, patience: 4, fold: { testSeason: 2019 },
  },
  policy: { minQuorum: 1, targetReplicas: 1, delayBoundSeconds: 3600 },
});

async function main() {
  process.env.NFL_GRID_LOG_LEVEL ??= 'warn';
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-ship-'));
  const c = await startCoordinator({ port: 0, dataDir });
  const agentDir = join(dataDir, 'agent');
  let agent: ReturnType<typeof spawn> | null = null;
  try {
    const admin = await findOrCreateUser(c.grid.db, { name: 'admin', role: 'admin' });
    const { batchId } = await submitBatch(c.grid, admin.id, spec);
    const volunteer = await findOrCreateUser(c.grid.db, { name: 'trainer', role: 'volunteer' });
    const { token } = await createEnrollmentToken(c.grid.db, volunteer.id, { uses: 1 });
    agent = spawn(process.execPath, [join(ROOT, 'bin', 'nfl-agent.mjs'), '--coordinator', c.url, '--token', token,
      '--intensity', 'high', '--data-dir', agentDir, '--name', 'trainer'], { stdio: ['ignore', 'ignore', 'inherit'] });
    process.stdout.write(`batch ${batchId}: training through ${c.url} …\n`);

    const started = Date.now();
    let row: typeof models.$inferSelect | undefined;
    while (!row) {
      if (Date.now() - started > TIMEOUT_MS) throw new Error('no registry candidate within 20 minutes');
      await new Promise((r) => setTimeout(r, 2000));
      [row] = await c.grid.db.orm.select().from(models).where(eq(models.batchId, batchId));
    }
    const body = await modelRecord(c.grid.db, row);
    mkdirSync(join(ROOT, 'data', 'models', 'cover'), { recursive: true });
    writeFileSync(OUT, JSON.stringify(body, null, 1) + '\n');
    process.stdout.write(`wrote ${OUT} after ${Math.round((Date.now() - started) / 1000)} s\n${JSON.stringify(row.metrics, null, 1)}\n`);
  } finally {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await c.stop();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

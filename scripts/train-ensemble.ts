/*
 * `npm run train:ensemble -- [--seasons 2009,…,2019] [--members 3] [--max-rows 100000] [--out FILE]`:
 * leave-one-season-out ensembles trained through the grid.
 *
 * Starts a coordinator on a fresh embedded database and one real nfl-agent, submits one
 * train.mlp@1 batch with an ensemble plan (a fold per test season × `members` seeds; the shipped
 * model's architecture and features), waits until the plan has registered a candidate per fold,
 * and writes those registry records (lineage, the coordinator's re-scored metrics, the
 * nfl-grid.mlp-ensemble/1 artifacts) to FILE, which `npm run cover:seasons` scores against the
 * baseline. Hyper-parameters are the shipped model's, chosen on validation seasons only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { GAMESTATE_SEASONS } from '@nfl-grid/shared/data/gamestate/datasets';
import { createEnrollmentToken } from '../coordinator/src/auth/host-credentials';
import { startCoordinator } from '../coordinator/src/coordinator';
import { models } from '../coordinator/src/db/schema/index';
import { modelRecord } from '../coordinator/src/models/registry';
import { submitBatch } from '../coordinator/src/queue/submit-batch';
import { findOrCreateUser } from '../coordinator/src/serve';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 90 * 60_000;

const { values: opt } = parseArgs({
  options: {
    seasons: { type: 'string', default: GAMESTATE_SEASONS.join(',') },
    members: { type: 'string', default: '3' },
    'max-rows': { type: 'string' },
    epochs: { type: 'string', default: '12' },
    calibration: { type: 'string', default: 'platt' },
    out: { type: 'string', default: join(tmpdir(), 'nfl-grid-ensemble.json') },
  },
});

const testSeasons = opt.seasons.split(',').map(Number);
const spec = BatchSpec.parse({
  name: `Cover ensembles: ${opt.members} seeds × leave-one-season-out folds ${testSeasons[0]}–${testSeasons[testSeasons.length - 1]}`,
  kernel: 'train.mlp@1',
  seed: 20_191_231,
  params: {
    featureSet: 'state', hidden: [64, 32], activation: 'relu', optimizer: { name: 'adam', learningRate: 0.001 },
    batchSize: 512, epochs: Number(opt.epochs), patience: 4, ...(opt['max-rows'] ? { maxRows: Number(opt['max-rows']) } : {}),
  },
  policy: { minQuorum: 1, targetReplicas: 1, delayBoundSeconds: 3600 },
  plan: { kind: 'ensemble', testSeasons, members: Number(opt.members), calibration: opt.calibration },
});

async function main() {
  process.env.NFL_GRID_LOG_LEVEL ??= 'warn';
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-ensemble-'));
  const c = await startCoordinator({ port: 0, dataDir });
  let agent: ReturnType<typeof spawn> | null = null;
  try {
    const admin = await findOrCreateUser(c.grid.db, { name: 'admin', role: 'admin' });
    const { batchId } = await submitBatch(c.grid, admin.id, spec);
    const volunteer = await findOrCreateUser(c.grid.db, { name: 'trainer', role: 'volunteer' });
    const { token } = await createEnrollmentToken(c.grid.db, volunteer.id, { uses: 1 });
    agent = spawn(process.execPath, [join(ROOT, 'bin', 'nfl-agent.mjs'), '--coordinator', c.url, '--token', token,
      '--intensity', 'high', '--data-dir', join(dataDir, 'agent'), '--name', 'trainer'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // stopping the script stops its agent too
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { agent?.kill('SIGTERM'); process.exit(130); });
    process.stdout.write(`batch ${batchId}: ${testSeasons.length} folds × ${opt.members} seeds through ${c.url} …\n`);

    const started = Date.now();
    let lastDone = -1;
    for (;;) {
      if (Date.now() - started > TIMEOUT_MS) throw new Error('the plan did not end in time');
      await new Promise((r) => setTimeout(r, 5000));
      const [b] = await c.grid.db.rows<{ plan_state: unknown; done: number }>(sql`
        SELECT plan_state, (SELECT count(*)::int FROM work_units w WHERE w.batch_id = b.id AND w.assimilated_at IS NOT NULL) AS done
          FROM batches b WHERE id = ${batchId}::uuid`);
      if (b!.done !== lastDone) process.stdout.write(`  ${b!.done} members in after ${Math.round((Date.now() - started) / 1000)} s\n`);
      lastDone = b!.done;
      if (b!.plan_state) break;
    }
    const rows = await c.grid.db.orm.select().from(models).where(eq(models.batchId, batchId));
    const ensembles = [];
    for (const row of rows.filter((r) => (r.params as { ensemble?: unknown }).ensemble)) ensembles.push(await modelRecord(c.grid.db, row));
    writeFileSync(opt.out, JSON.stringify({ spec, seconds: Math.round((Date.now() - started) / 1000), ensembles }) + '\n');
    process.stdout.write(`wrote ${ensembles.length} fold models to ${opt.out} after ${Math.round((Date.now() - started) / 1000)} s\n`);
    for (const e of ensembles) process.stdout.write(`  ${e.heldOutSeasons[0]}: ${JSON.stringify((e.metrics as { overall: unknown }).overall)}\n`);
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

/*
 * `npm run train:nba-winprob -- [--season 2024] [--from 2010] [--database-url URL]`: the NBA
 * win-probability model, walk-forward.
 *
 * For every season from --from to --season: fit the L2 logistic model on all seasons before it (λ
 * chosen on the season before), score that season, and compare with the de-vigged closing
 * moneyline per game (paired log-loss and Brier differences ± SE), with a model–market blend
 * whose weight is chosen on the earlier scored seasons only. Prints the table (markdown), then
 * fits the model on all seasons before --season and writes its registration body (sport nba,
 * modelType logistic, held-out season --season) to data/models/nba/, where a coordinator seeds
 * its registry from. With --database-url (or DATABASE_URL) it also registers it there as a candidate.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { DatasetRows } from '@nfl-grid/shared/data/datasets';
import { datasetPath, DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { buildNbaTable } from '@nfl-grid/shared/sports/nba/build-table';
import { fitBefore, walkForward, WIN_MODEL_FEATURES, type SeasonScore } from '@nfl-grid/shared/sports/nba/win-walk-forward';
import { openPostgres } from '../coordinator/src/db/index';
import { registerModel } from '../coordinator/src/models/registry';
import type { NewModel } from '../coordinator/src/models/registry';
import { NBA_MODEL_NAME } from '../coordinator/src/nba/win-server';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({ options: { season: { type: 'string', default: '2024' }, from: { type: 'string', default: '2010' }, 'database-url': { type: 'string' } } });
const season = Number(values.season), from = Number(values.from);

const f4 = (x: number) => x.toFixed(4);
const pm = (d: { mean: number; se: number }) => `${(d.mean * 1000).toFixed(2)} ± ${(d.se * 1000).toFixed(2)}`;

function markdown(scores: SeasonScore[]): string {
  const head = '| season | games | λ | blend w | LL model | LL close | LL blend | ΔLL model−close (×10⁻³) | ΔLL blend−close (×10⁻³) | Brier model | Brier close | ΔBrier model−close (×10⁻³) | ΔBrier blend−close (×10⁻³) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = scores.map((s) => `| ${s.season === 0 ? 'pooled' : s.season} | ${s.games} | ${Number.isNaN(s.lambda) ? '' : s.lambda} | ${Number.isNaN(s.blendWeight) ? '' : s.blendWeight.toFixed(2)} | ${f4(s.model.logLoss)} | ${f4(s.market.logLoss)} | ${f4(s.blend.logLoss)} | ${pm(s.modelVsMarket.logLoss)} | ${pm(s.blendVsMarket.logLoss)} | ${f4(s.model.brier)} | ${f4(s.market.brier)} | ${pm(s.modelVsMarket.brier)} | ${pm(s.blendVsMarket.brier)} |`);
  return [head, ...lines].join('\n');
}

async function main() {
  const rows = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');
  const table = buildNbaTable(rows);
  const seasons = Array.from({ length: season - from + 1 }, (_, i) => from + i);
  const scores = walkForward(table, seasons);
  process.stdout.write(`${markdown(scores)}\n\n`);

  const { model, lambda } = fitBefore(table, season);
  const held = scores.find((s) => s.season === season)!;
  const body: NewModel = {
    name: NBA_MODEL_NAME,
    kernel: 'nba.logistic@local',
    sport: 'nba',
    modelType: 'logistic',
    params: { lambda, features: WIN_MODEL_FEATURES, trainSeasons: [table.rows[0]!.season, season - 1] },
    dataHashes: { 'oddsportal.nba': await sha256Hex(readFileSync(datasetPath('oddsportal.nba'))) },
    batchId: null,
    wuIds: [],
    metrics: {
      overall: { logLoss: held.model.logLoss, brier: held.model.brier, marketLogLoss: held.market.logLoss, marketBrier: held.market.brier, games: held.games },
      seasons: Object.fromEntries(scores.filter((s) => s.season !== 0).map((s) => [String(s.season), { logLoss: s.model.logLoss, brier: s.model.brier, marketLogLoss: s.market.logLoss, marketBrier: s.market.brier }])),
    },
    heldOutSeasons: [season],
    artifact: model,
  };
  const dir = join(ROOT, 'data', 'models', 'nba');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `nba-winprob-${season}.json`);
  writeFileSync(out, JSON.stringify(body, null, 1) + '\n');
  process.stdout.write(`wrote ${out} (λ ${lambda}, held-out ${season}: log loss ${f4(held.model.logLoss)}, close ${f4(held.market.logLoss)})\n`);

  const url = values['database-url'] ?? process.env.DATABASE_URL;
  if (url) {
    const db = await openPostgres(url);
    try {
      const row = await registerModel(db, body, null);
      process.stdout.write(`registered ${row.name} v${row.version} (${row.sport}/${row.modelType}) as ${row.state}: ${row.id}\n`);
    } finally {
      await db.close();
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});

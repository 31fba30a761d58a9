import { sql } from 'drizzle-orm';
import { loadLocalKernelData } from '@nfl-grid/shared/data/local';
import type { NbaGameRow } from '@nfl-grid/shared/data/oddsportal-nba';
import type { TrainSportParams } from '@nfl-grid/shared/kernels/train/sport-params';
import type { TrainSportOutput, TrainSportRescored } from '@nfl-grid/shared/kernels/train/sport-validate';
import { gameMetrics } from '@nfl-grid/shared/sports/game-metrics';
import { decimalOdds } from '@nfl-grid/shared/sports/roi-vs-close';
import { buildNbaTable } from '@nfl-grid/shared/sports/nba/build-table';
import type { GameTableRow } from '@nfl-grid/shared/sports/game-table';
import type { Tx } from '../db/index';
import type { GamePrediction } from './predictions';
import { storePredictions } from './predictions';
import { registerModelIn, type ModelRow } from './registry';

/*
 * A finished train.sport@1 batch becomes one registry model version: its folds' re-scored
 * predictions (the coordinator's, one test season per WU) are the model's walk-forward
 * predictions, stored with the outcome, the de-vigged close and the closing prices (NBA: the
 * moneylines); the artifact is the latest fold's (trained on the most seasons). Registered in the
 * assimilator's transaction, with the batch that produced it.
 */

export interface SportGames {
  rows: Map<string, GameTableRow>;
  prices: Map<string, { homeOdds: number | null; awayOdds: number | null }>;
}

let nba: SportGames | null = null;

/** The NBA games by id with their closing prices, read once from the data folder. */
export function nbaGames(inputsDir: string): SportGames {
  if (nba) return nba;
  const raw = loadLocalKernelData(inputsDir, ['oddsportal.nba']).dataset<NbaGameRow[]>('oddsportal.nba');
  const prices = new Map<string, { homeOdds: number | null; awayOdds: number | null }>();
  for (const g of raw) {
    if (g.home === null || g.away === null) continue;
    prices.set(`${g.date}:${g.away}@${g.home}`, {
      homeOdds: g.homeMoneyline === null ? null : decimalOdds(g.homeMoneyline), awayOdds: g.awayMoneyline === null ? null : decimalOdds(g.awayMoneyline),
    });
  }
  nba = { rows: new Map(buildNbaTable(raw).rows.map((r) => [r.id, r])), prices };
  return nba;
}

function predictionsOf(games: SportGames, rescored: TrainSportRescored): GamePrediction[] {
  return rescored.predictions.map(({ id, p }) => {
    const g = games.rows.get(id), price = games.prices.get(id);
    if (!g) throw new Error(`train.sport: no game ${id} in the table`);
    return {
      gameId: id, season: g.season, date: g.date, p, homeWin: g.homeWin, market: g.market,
      homeOdds: price?.homeOdds ?? null, awayOdds: price?.awayOdds ?? null, homeResult: g.homeWin,
    };
  });
}

const round6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
function metricMap(preds: readonly GamePrediction[]): Record<string, number> {
  const m = gameMetrics(preds.map((g) => ({ p: g.p, y: g.homeWin })));
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null).map(([k, v]) => [k, round6(v as number)!]));
}

/** Registers a model for each of these finished batches that ran train.sport@1 (once per batch). */
export async function offerSportModelsIn(tx: Tx, batchIds: readonly string[], games: () => SportGames): Promise<ModelRow[]> {
  if (!batchIds.length) return [];
  const rows = await tx.rows<{ batch_id: string; wu_id: number; params: TrainSportParams; output: TrainSportOutput; check: { rescored?: TrainSportRescored | null } | null; spec: { modelName?: string } }>(sql`
    SELECT w.batch_id, w.id AS wu_id, w.params, r.output, r."check", b.spec
      FROM work_units w
      JOIN batches b ON b.id = w.batch_id
      JOIN replicas r ON r.id = w.canonical_replica_id
     WHERE w.batch_id IN (${sql.join(batchIds.map((id) => sql`${id}::uuid`), sql`, `)})
       AND w.state = 'done' AND w.kernel = 'train.sport' AND w.kernel_version = 1
       AND NOT EXISTS (SELECT 1 FROM models m WHERE m.batch_id = w.batch_id AND m.kernel = 'train.sport@1')
     ORDER BY w.batch_id, (w.params->>'testSeason')::int`);
  const byBatch = new Map<string, typeof rows>();
  for (const r of rows) if (r.check?.rescored) byBatch.set(r.batch_id, [...(byBatch.get(r.batch_id) ?? []), r]);
  const out: ModelRow[] = [];
  for (const [batchId, folds] of byBatch) {
    const last = folds[folds.length - 1]!, p = last.params, g = games();
    const preds = folds.flatMap((f) => predictionsOf(g, f.check!.rescored!));
    const seasons = Object.fromEntries(folds.map((f) => [String(f.params.testSeason), metricMap(preds.filter((x) => x.season === f.params.testSeason))]));
    const { init: _init, testSeason: _t, ...common } = p;
    const row = await registerModelIn(tx, {
      name: `${p.sport}-${p.family}`, kernel: 'train.sport@1', sport: p.sport, modelType: p.family, params: { ...common, testSeasons: folds.map((f) => f.params.testSeason) },
      dataHashes: {}, batchId, wuIds: folds.map((f) => Number(f.wu_id)),
      metrics: { overall: { ...metricMap(preds), games: preds.length }, seasons },
      heldOutSeasons: folds.map((f) => f.params.testSeason), artifact: last.output.artifact,
    });
    await storePredictions(tx, row.id, preds);
    out.push(row);
  }
  return out;
}

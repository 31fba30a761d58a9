import type { TfBackend } from '../../learn/tf-backend';
import { round } from '../../math/round';
import { FamilyError, loadFamily, type FamilyArtifact } from '../../sports/families/index';
import { brier, logLoss } from '../../sports/families/walk-forward';
import type { KernelVerifier } from '../types';
import { SPORT_DATASETS, type TrainSportParams } from './sport-params';
import { sportFold, sportTable } from './sport-table';

/*
 * The coordinator's check of a train.sport@1 result: the artifact loads as the WU's family on
 * the sport's features; re-predicted here, each test-season game agrees with the reported
 * prediction within PREDICTION_TOLERANCE (float32 backends differ in rounding); the claim is the
 * mean of those predictions' scores. The coordinator's own predictions are what the registry
 * stores (rescored.predictions), never the host's.
 *
 * What it cannot see: the host holds the whole data file, test season included, so a host could
 * train on the test season; replication (two hosts agreeing) is the guard, as for any kernel.
 */

export interface TrainSportOutput {
  sport: TrainSportParams['sport'];
  family: TrainSportParams['family'];
  testSeason: number;
  trainSeasons: number[];
  rows: { train: number; test: number };
  epochsRun: number;
  artifact: FamilyArtifact;
  predictions: { id: string; p: number }[];
  claimed: { season: number; n: number; logLoss: number; brier: number };
  examplesProcessed: number;
  parameterCount: number;
  backends: TfBackend[];
}

export interface TrainSportRescored {
  season: number;
  n: number;
  logLoss: number;
  brier: number;
  predictions: { id: string; p: number }[];
}

const PREDICTION_TOLERANCE = 1e-4;
export const SPORT_REPLICA_TOLERANCE = { logLoss: 0.003, brier: 0.001 };
const r8 = (x: number) => round(x, 8);

export const trainSportVerifier: KernelVerifier<TrainSportParams, TrainSportOutput> = {
  datasets: (p) => SPORT_DATASETS[p.sport],
  check(out, p, costEstimate, data) {
    const failed = (reason: string) => ({ ok: false, reason, rescored: null, workFlops: null });
    const table = sportTable(data, p.sport), { train, test } = sportFold(table, p.testSeason);
    if (out.family !== p.family || out.testSeason !== p.testSeason) return failed(`output is ${out.family} on ${out.testSeason}, the WU's is ${p.family} on ${p.testSeason}`);
    if (out.rows.train !== train.length || out.rows.test !== test.length) return failed(`${out.rows.train}/${out.rows.test} rows, the fold has ${train.length}/${test.length}`);
    if (out.artifact?.family !== p.family) return failed(`artifact family ${String(out.artifact?.family)}, not ${p.family}`);
    let ps: number[];
    try {
      ps = loadFamily(out.artifact, table.features).predict(table, test);
    } catch (e) {
      if (e instanceof FamilyError) return failed(`artifact: ${e.message}`);
      throw e;
    }
    if (out.predictions.length !== test.length) return failed(`${out.predictions.length} predictions for ${test.length} games`);
    for (let i = 0; i < test.length; i++) {
      const o = out.predictions[i]!;
      if (o.id !== test[i]!.id) return failed(`prediction ${i} is for ${o.id}, not ${test[i]!.id}`);
      if (!(Math.abs(o.p - ps[i]!) <= PREDICTION_TOLERANCE)) return failed(`game ${o.id}: reported ${o.p}, re-scored ${r8(ps[i]!)}`);
    }
    const mean = (f: (p: number, y: number) => number) => ps.reduce((a, x, i) => a + f(x, test[i]!.homeWin), 0) / Math.max(ps.length, 1);
    const rescored: TrainSportRescored = {
      season: p.testSeason, n: test.length, logLoss: r8(mean(logLoss)), brier: r8(mean(brier)),
      predictions: test.map((r, i) => ({ id: r.id, p: r8(ps[i]!) })),
    };
    if (Math.abs(rescored.logLoss - out.claimed.logLoss) > SPORT_REPLICA_TOLERANCE.logLoss) return failed(`claimed log loss ${out.claimed.logLoss}, re-scored ${rescored.logLoss}`);
    return { ok: true, reason: null, rescored: { ...rescored }, workFlops: Math.min(costEstimate, 1e9 + out.examplesProcessed * out.parameterCount * 15) };
  },
  asRescored: (out, r) => {
    const x = r as unknown as TrainSportRescored;
    return { ...out, claimed: { season: x.season, n: x.n, logLoss: x.logLoss, brier: x.brier } };
  },
};

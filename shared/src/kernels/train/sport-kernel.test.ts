import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../../data/local';
import { loadTfBackend } from '../../learn/tf-backend';
import { runKernelSync } from '../runner';
import { runWithRestarts } from '../testing';
import { trainSport } from './sport-kernel';
import { TrainSportParams } from './sport-params';
import type { TrainSportOutput } from './sport-validate';

const data = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']);
const mlp = TrainSportParams.parse({ sport: 'nba', family: 'mlp', testSeason: 2010, epochs: 3, learningRate: 0.01, batchSize: 64 });
const logistic = TrainSportParams.parse({ sport: 'nba', family: 'logistic', testSeason: 2010 });
const check = (out: TrainSportOutput, p: TrainSportParams) => trainSport.verify!.check(out, p, trainSport.costEstimate(p), data);

describe('train.sport@1 on NBA 2008–2010', () => {
  beforeAll(async () => { await loadTfBackend({ order: ['cpu'] }); });

  it('trains the logistic family on the seasons before the test season and passes the re-scoring check', () => {
    const out = runKernelSync(trainSport, logistic, 1, data) as TrainSportOutput;
    expect(out.trainSeasons).toEqual([2008, 2009]);
    expect(out.predictions).toHaveLength(out.rows.test);
    expect(out.claimed.brier).toBeLessThan(0.25); // better than a coin
    expect(check(out, logistic)).toMatchObject({ ok: true });
    // a prediction moved past the tolerance is caught
    const bad = { ...out, predictions: out.predictions.map((x, i) => (i === 5 ? { ...x, p: x.p + 0.01 } : x)) };
    expect(check(bad, logistic).ok).toBe(false);
  });

  it('trains the mlp one epoch a step, and a run restored from each epoch checkpoint ends the same', () => {
    const whole = runKernelSync(trainSport, mlp, 7, data) as TrainSportOutput;
    expect(whole.epochsRun).toBe(3);
    expect(whole.examplesProcessed).toBe(3 * whole.rows.train);
    expect(check(whole, mlp)).toMatchObject({ ok: true });
    const restarted = runWithRestarts(trainSport, mlp, 7, data, [1, 2]) as TrainSportOutput;
    expect(restarted.predictions).toEqual(whole.predictions);
  });

  it('refuses a family the grid does not train and an unknown field', () => {
    expect(TrainSportParams.safeParse({ sport: 'nba', family: 'gru', testSeason: 2010 }).success).toBe(false);
    expect(TrainSportParams.safeParse({ sport: 'nba', family: 'mlp', testSeason: 2010, dropout: 0.3 }).success).toBe(false);
  });
});

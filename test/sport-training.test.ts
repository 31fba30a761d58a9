import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';

/*
 * Seed 001's training submit end to end: the body as the seed writes it goes through
 * POST /api/training/submit, two real agent processes train the NBA logistic family on the
 * seasons before 2010 and report, the coordinator re-predicts every 2010 game and, the batch
 * done, registers one model (sport nba, model type logistic) with its walk-forward predictions;
 * the performance routes then show it for NBA, and a backtest takes its model_id.
 */

let grid: TestGrid | null = null;
afterEach(async () => { await grid?.stop(); grid = null; });

describe('seed 001 training → registry → performance (real agents)', () => {
  it('trains the submitted family and registers it with sport and model type', async () => {
    grid = await startTestGrid('pglite');
    const res = await grid.createUser('rita', 'researcher');
    const bad = await res.api.post('/api/training/submit', { sport: 'NBA', model_type: 'logistic', epochs: 5, learning_rate: 0.01, batch_size: 32, dropout: 0.3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('dropout');
    expect((await res.api.post('/api/training/submit', { sport: 'NFL', model_type: 'ensemble', epochs: 5, learning_rate: 0.01, batch_size: 32 })).body.error.field).toBe('sport');
    expect((await res.api.post('/api/training/submit', { sport: 'NBA', model_type: 'lstm_weather', epochs: 5, learning_rate: 0.01, batch_size: 32 })).body.error.field).toBe('model_type');

    const sub = await res.api.post('/api/training/submit', { sport: 'NBA', model_type: 'statistical', epochs: 5, learning_rate: 0.01, batch_size: 32, test_seasons: [2010] });
    expect(sub.status, sub.text).toBe(200);
    expect(sub.body).toMatchObject({ kernel: 'train.sport@1', work_units: 1 });
    await grid.volunteerAgent('a1', { intensity: 'inferno' });
    await grid.volunteerAgent('a2', { intensity: 'inferno' });

    const model = await eventually(async () => {
      const [m] = await grid!.testDb.db.rows<{ id: string; name: string; sport: string; model_type: string; n: number }>(sql`
        SELECT m.id, m.name, m.sport, m.model_type, (SELECT count(*)::int FROM model_predictions p WHERE p.model_id = m.id) AS n
          FROM models m WHERE m.batch_id = ${sub.body.job_id}`);
      return m ?? null;
    }, 300_000, 'the train.sport model registered');
    expect(model).toMatchObject({ name: 'nba-logistic', sport: 'nba', model_type: 'logistic' });
    expect(model.n).toBeGreaterThan(1000);

    const board = await res.api.get('/api/performance/leaderboard/NBA');
    expect(board.status).toBe(200);
    expect(board.body.registry[0]).toMatchObject({ id: model.id, modelType: 'logistic', seasons: [2010] });
    const f = board.body.registry[0];
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'auc', 'brier', 'logLoss', 'calibrationError']) expect(typeof f.metrics[k]).toBe('number');
    expect(f.roi.bets).toBeGreaterThan(100);
    const matrix = await res.api.get('/api/performance/matrix?sport=NBA&days_back=7');
    expect(matrix.body.matrix.cells).toEqual([expect.objectContaining({ sport: 'nba', modelType: 'logistic', models: 1 })]);
    expect(matrix.body.summary).toMatchObject({ models: 1 });

    const bt = await res.api.post('/api/backtest/run', {
      model_id: model.id, sport: 'NBA', start_date: '2010-11-01', end_date: '2011-03-31', initial_bankroll: 1000, betting_strategy: 'kelly_criterion', min_confidence: 0.55,
    });
    expect(bt.status, bt.text).toBe(200);
    expect(bt.body.model.id).toBe(model.id);
    expect(bt.body.bets).toBeGreaterThan(0);
    expect(bt.body.betHistory.every((b: { date: string }) => b.date >= '2010-11-01' && b.date <= '2011-03-31')).toBe(true);
  }, 420_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRows } from '@nfl-grid/shared/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '@nfl-grid/shared/data/local';
import { buildNbaTable } from '@nfl-grid/shared/sports/nba/build-table';
import { mlpForward } from '@nfl-grid/shared/models/mlp-artifact';
import { featureMatrix, WIN_MODEL_FEATURES } from '@nfl-grid/shared/sports/nba/win-walk-forward';
import { openTestDb, type DbKind, type TestDb } from '../../../test/support/test-db';
import { startCoordinator, type RunningCoordinator } from '../coordinator';
import { nbaWinProbabilities, nbaWinServer } from '../nba/win-probability';
import { parseNbaArtifact } from '../nba/nba-artifact';
import { loadArtifactJson, productionModel } from '../models/registry';
import { NBA_MODEL_NAME } from '../nba/win-server';

/*
 * The NBA win-probability service on a real coordinator over real HTTP, with the shipped model
 * (data/models/nba) seeded into its registry: answers match the table's features through the
 * registered artifact, bad input is a 400 naming the field, and concurrent requests share passes.
 */

const kind: DbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const table = buildNbaTable(loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba'));

describe(`POST /api/v1/nba/win-probability (${kind})`, () => {
  let db: TestDb, c: RunningCoordinator, dataDir: string;
  const post = async (body: unknown) => {
    const r = await fetch(`${c.url}/api/v1/nba/win-probability`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() as any };
  };

  beforeAll(async () => {
    db = await openTestDb(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'nba-win-'));
    c = await startCoordinator({ port: 0, dataDir }, { db: db.db });
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers one game with the registered model on the features the table gives that game', async () => {
    const r = await post({ home: 'GSW', away: 'CLE', date: '2016-06-19' });
    expect(r.status).toBe(200);
    const row = await productionModel(c.grid.db, NBA_MODEL_NAME);
    expect(row?.sport).toBe('nba');
    expect(r.body).toMatchObject({ model: NBA_MODEL_NAME, version: String(row!.version) });
    const artifact = parseNbaArtifact(await loadArtifactJson(c.grid.db, row!.artifactSha256));
    const g7 = table.rows.find((x) => x.id === '2016-06-19:CLE@GSW')!;
    expect(artifact.features).toEqual(WIN_MODEL_FEATURES);
    // served with float32 weights: equal to the float64 artifact to about 1e-8
    expect(r.body.results[0].homeWin).toBeCloseTo(mlpForward(artifact, featureMatrix(table, [g7])[0]!), 6);
    expect(r.body.results[0]).toMatchObject({ home: 'GSW', away: 'CLE', date: '2016-06-19' });
  });

  it('answers a slate in order, and a fixture the data does not have', async () => {
    const games = [{ home: 'BOS', away: 'LAL', date: '2024-01-01' }, { home: 'LAL', away: 'BOS', date: '2024-01-01' }, { home: 'BOS', away: 'DET', date: '2025-10-25' }];
    const r = await post({ games });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: any) => x.home)).toEqual(['BOS', 'LAL', 'BOS']);
    const [a, b, d] = r.body.results.map((x: any) => x.homeWin);
    // the home edge: each side is likelier to win at home
    expect(a).toBeGreaterThan(1 - b);
    // 2024-25 Boston (61 wins) at home to Detroit: a clear favourite
    expect(d).toBeGreaterThan(0.6);
  });

  it.each([
    ['games.1.home', { games: [{ home: 'BOS', away: 'LAL', date: '2024-01-01' }, { home: 'XYZ', away: 'LAL', date: '2024-01-01' }] }],
    ['away', { home: 'BOS', away: 'NJN', date: '2010-01-01' }],
    ['date', { home: 'BOS', away: 'LAL', date: '2001-01-01' }],
    ['games.0.date', { games: [{ home: 'BOS', away: 'LAL', date: '2040-01-01' }] }],
    ['date', { home: 'BOS', away: 'LAL', date: '2024-02-30' }],
    ['away', { home: 'BOS', away: 'BOS', date: '2024-01-01' }],
    ['venue', { home: 'BOS', away: 'LAL', date: '2024-01-01', venue: 'x' }],
    ['date', { home: 'BOS', away: 'LAL' }],
    ['home', { home: 'BOS', away: 'LAL', date: '2024-01-01', games: [{ home: 'BOS', away: 'LAL', date: '2024-01-01' }] }],
    ['games', { games: [] }],
  ])('answers 400 naming %s', async (field, body) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe(field);
  });

  it('answers concurrent requests correctly, several to a forward pass', async () => {
    const server = nbaWinServer(c.grid);
    const dates = table.rows.filter((r) => r.season === 2023 && r.market !== null).slice(0, 40);
    // the expected answers one at a time, in-process
    const alone: number[] = [];
    for (const r of dates) alone.push((await nbaWinProbabilities(c.grid, [{ home: r.home, away: r.away, date: r.date }]))[0]!);
    const before = server.batcher.passes;
    const answers = await Promise.all(dates.map((r) => post({ home: r.home, away: r.away, date: r.date })));
    const passes = server.batcher.passes - before;
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body.results[0]).toMatchObject({ home: dates[i]!.home, away: dates[i]!.away });
      expect(a.body.results[0].homeWin).toBeCloseTo(alone[i]!, 12);
    });
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThan(dates.length);
  });
});

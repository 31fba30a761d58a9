import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverProbability } from '@nfl-grid/shared/kernels/cover/baseline';
import { dbKinds, openTestDb, type TestDb } from '../../../test/support/test-db';
import { createApp } from '../app';
import { createUserWithKey } from '../auth/api-keys';
import { openPostgres } from '../db/index';
import { resolveCoordinatorConfig } from '../config';
import { CoverModelServer } from '../models/cover-server';
import { localCoverModel, servedFile } from '../models/model-files';
import { coverModelBody, handMadeNet } from '../../../test/support/models';
import { openGrid, type OpenedGrid } from '../coordinator';
import { collectingLog, openTestApp, type TestApp } from '../../../test/support/grid-fixtures';

const state = { time_sec: 2000, hspread: -5, favorite_points: 17, underdog_points: 15 };

describe.each(dbKinds())('POST /game/inference (%s)', (kind) => {
  let t: TestApp;
  const infer = (body: unknown) => t.call('POST', '/game/inference', { key: null, body });

  beforeAll(async () => { t = await openTestApp(kind); });
  afterAll(async () => t?.close());

  it('answers the three cases without a key, from the analytic baseline when no model is registered', async () => {
    const r = await infer(state);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: 'cover-baseline', version: 'analytic', phase: 'in_play' });
    expect(r.body.cover_probability).toBeCloseTo(coverProbability(2, 5, 1600 / 3600, 18), 12);
    expect((await infer({ ...state, time_sec: 0, favorite_points: 0, underdog_points: 0 })).body).toMatchObject({ cover_probability: 0.5, phase: 'not_started' });
    expect((await infer({ ...state, time_sec: 3600, favorite_points: 27 })).body).toMatchObject({ cover_probability: 1, phase: 'final' });
    expect((await infer({ ...state, time_sec: 3600, favorite_points: 19 })).body).toMatchObject({ cover_probability: 0, phase: 'final' });
    expect((await infer({ ...state, time_sec: 3600, favorite_points: 15 })).body.phase).toBe('in_play'); // overtime
    expect((await infer({ ...state, time_sec: 3700, favorite_points: 20, final: true })).body).toMatchObject({ cover_probability: 0, phase: 'final' });
  });

  it.each([
    ['time_sec', { ...state, time_sec: -1 }],
    ['time_sec', { ...state, time_sec: '2000' }],
    ['hspread', { ...state, hspread: null }],
    ['favorite_points', { ...state, favorite_points: 1.5 }],
    ['underdog_points', { time_sec: 10, hspread: 3, favorite_points: 0 }],
    ['final', { ...state, final: 'yes' }],
    ['spread', { ...state, spread: 3 }],
  ])('answers 400 naming %s', async (field, body) => {
    const r = await infer(body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_field', field });
  });

  it('is in the OpenAPI document, public, with its request schema', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json', { key: null })).body;
    const op = doc.paths['/game/inference'].post;
    expect(op.security).toEqual([]);
    expect(Object.keys(op.requestBody.content['application/json'].schema.properties)).toEqual(['time_sec', 'hspread', 'favorite_points', 'underdog_points', 'final']);
    expect(doc.paths['/game/inference/batch'].post.security).toEqual([]);
    for (const [path, method] of [['/api/v1/models', 'get'], ['/api/v1/models', 'post'], ['/api/v1/models/{id}', 'get'], ['/api/v1/models/{id}/promote', 'post'],
      ['/api/v1/models/{id}/rollback', 'post'], ['/api/models/sport-features/{sport}/{model_type}', 'get'], ['/game/model', 'get']] as const) {
      expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
    }
    expect(doc.paths['/api/v1/models/{id}/promote'].post['x-roles']).toEqual(['admin']);
  });

  it('refuses a body that is not JSON', async () => {
    const r = await t.call('POST', '/game/inference', { key: null, body: '{"time_sec": 1', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_json');
  });

  it('answers a batch item by item', async () => {
    const r = await t.call('POST', '/game/inference/batch', { key: null, body: { items: [state, { ...state, hspread: 'x' }, { ...state, time_sec: 0, favorite_points: 0, underdog_points: 0 }] } });
    expect(r.status).toBe(200);
    expect(r.body.model).toBe('cover-baseline');
    expect(r.body.results[0].cover_probability).toBeCloseTo(coverProbability(2, 5, 1600 / 3600, 18), 12);
    expect(r.body.results[1].error).toMatchObject({ code: 'invalid_field', field: 'items.1.hspread' });
    expect(r.body.results[2].cover_probability).toBe(0.5);
    expect((await t.call('POST', '/game/inference/batch', { key: null, body: { items: [] } })).body.error.field).toBe('items');
    expect((await t.call('POST', '/game/inference/batch', { key: null, body: { items: Array(1001).fill(state) } })).status).toBe(400);
  });

  it('swaps to a promoted network without a restart, loading it in under 100 ms', async () => {
    const reg = await t.call('POST', '/api/v1/models', { body: coverModelBody(handMadeNet([64, 64])) });
    const p = await t.call('POST', `/api/v1/models/${reg.body.id}/promote`, { body: { override: { reason: 'test of the swap' } } });
    expect(p.body.promoted).toBe(true);
    const m = (await t.call('GET', '/game/model', { key: null })).body;
    expect(m).toMatchObject({ model: 'cover', version: '1', format: 'nfl-grid.mlp/1', features: ['t', 'lead', 'line', 'coverZ', 'down'] });
    expect(m.loadMs).toBeLessThan(100);
    const r = await infer(state);
    expect(r.body).toMatchObject({ model: 'cover', version: '1', phase: 'in_play' });
    expect(r.body.cover_probability).toBeGreaterThan(0);
    expect(r.body.cover_probability).toBeLessThan(1);
    // the rules still hold with a model
    expect((await infer({ ...state, time_sec: 0, favorite_points: 0, underdog_points: 0 })).body.cover_probability).toBe(0.5);
    // and the CLI's file is written
    expect(JSON.parse(readFileSync(servedFile(t.grid.config.dataDir), 'utf8'))).toMatchObject({ name: 'cover', version: 1 });
  });
});

describe.each(dbKinds())('cover model start (%s)', (kind) => {
  let tdb: TestDb;
  let grid: OpenedGrid;
  let server: CoverModelServer;
  const dirs: string[] = [];

  beforeAll(async () => {
    tdb = await openTestDb(kind);
    const inputs = mkdtempSync(join(tmpdir(), 'nfl-grid-inputs-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'nfl-grid-data-'));
    dirs.push(inputs, dataDir);
    mkdirSync(join(inputs, 'models', 'cover'), { recursive: true });
    writeFileSync(join(inputs, 'models', 'cover', 'cover-grid-1.json'), JSON.stringify(coverModelBody(handMadeNet(), { kernel: 'train.mlp@1', wuIds: [11, 12] })));
    writeFileSync(join(inputs, 'models', 'cover', 'broken.json'), '{"name": "cover"');
    grid = await openGrid(resolveCoordinatorConfig({ dataDir }, { NFL_GRID_INPUTS_DIR: inputs }), { db: tdb.db, log: collectingLog() });
    server = new CoverModelServer(grid);
  });
  afterAll(async () => {
    await server?.stop();
    await grid?.close();
    await tdb?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('seeds an empty registry from the shipped file and serves it at once', async () => {
    const m = await server.start();
    expect(m).toMatchObject({ name: 'cover', version: '1' });
    const app = createApp(grid, { coverServer: server });
    const list = await (await app.request('/game/model')).json() as { id: string };
    expect(list.id).toBe(m.id);
    const r = await app.request('/game/inference', { method: 'POST', body: JSON.stringify(state) });
    expect(await r.json()).toMatchObject({ model: 'cover', version: '1' });
    // a second start finds the registry seeded and adds nothing
    await server.stop();
    expect((await server.start()).id).toBe(m.id);
    // the CLI answers from the same model, through the file the server wrote
    const local = localCoverModel(grid.config.dataDir, grid.config.inputsDir);
    expect(local.path).toBe(servedFile(grid.config.dataDir));
    expect(local.model.predictor.predict({ lead: 2, line: 5, secondsLeft: 1600 })).toBe(m.predictor.predict({ lead: 2, line: 5, secondsLeft: 1600 }));
  });

  it.runIf(kind === 'postgres')('tells a second coordinator on the database to swap', async () => {
    const other = await openGrid(grid.config, { db: await openPostgres(tdb.url!), log: collectingLog() });
    const theirs = new CoverModelServer(other);
    try {
      expect((await theirs.start()).version).toBe('1');
      const admin = await createUserWithKey(grid.db, { name: 'swapper', role: 'admin' });
      const call = (path: string, body: unknown) => createApp(grid, { coverServer: server }).request(path, { method: 'POST', headers: { authorization: `Bearer ${admin.key}` }, body: JSON.stringify(body) });
      const reg = await (await call('/api/v1/models', coverModelBody(handMadeNet([8])))).json() as { id: string };
      expect((await call(`/api/v1/models/${reg.id}/promote`, { override: { reason: 'swap drill' } })).status).toBe(200);
      await expect.poll(() => theirs.loaded?.id, { timeout: 5000 }).toBe(reg.id);
    } finally {
      await theirs.stop();
      await other.db.close();
    }
  });
});

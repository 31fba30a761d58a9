import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRows } from '../shared/src/data/datasets';
import { DEFAULT_DATA_DIR, loadLocalKernelData } from '../shared/src/data/local';
import { bruteForceOptimum } from '../shared/src/nba-schedule/brute-force';
import { closeness, violations } from '../shared/src/nba-schedule/problem';
import { main } from '../coordinator/src/cli/main';
import { apiClient } from './support/api-client';
import { startTestGrid, type TestGrid } from './support/grid-harness';
import { dbKinds } from './support/test-db';

const rows = loadLocalKernelData(DEFAULT_DATA_DIR, ['oddsportal.nba']).dataset<DatasetRows['oddsportal.nba']>('oddsportal.nba');

const slate = [
  { home: 'BOS', away: 'MIA', date: '2024-01-02', tip: '19:30', homeWinProbability: 0.52 },
  { home: 'LAL', away: 'DAL', date: '2024-01-02', tip: '22:00', homeWinProbability: 0.7 },
  { home: 'BOS', away: 'CHI', date: '2024-01-03', tip: '19:30', homeWinProbability: 0.45 },
  { home: 'GSW', away: 'PHX', date: '2024-01-03', tip: '22:00', homeWinProbability: 0.6 },
];

describe.each(dbKinds().slice(0, 1))('POST /api/v1/nba/schedule on a running coordinator (%s)', (kind) => {
  let g: TestGrid;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    g = await startTestGrid(kind);
    api = apiClient(g.url); // public: no key
  });
  afterAll(async () => g?.stop());

  it("schedules a stored day's games with the win-probability model's figures, keeping the rules", async () => {
    const r = await api.post('/api/v1/nba/schedule', { date: '2019-01-21', slots: 3 });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ probabilities: 'model', filled: 3, slate: { from: '2019-01-21', to: '2019-01-21' }, solver: { name: 'highs' } });
    const day = rows.filter((x) => x.date === '2019-01-21' && x.seasonType === 'regular');
    expect(r.body.slate.games).toBe(day.length);
    const games = day.map((x) => ({ home: x.home!, away: x.away!, date: x.date }));
    // the same probabilities as the model's own endpoint, and the brute-force optimum over them
    const wp = await api.post('/api/v1/nba/win-probability', { games });
    expect(wp.status, wp.text).toBe(200);
    const values = wp.body.results.map((x: { homeWin: number }) => closeness(x.homeWin));
    const best = bruteForceOptimum({ games, slots: [{}, {}, {}], values, fillAll: true })!;
    expect(r.body.objective).toBeCloseTo(best.objective, 9);
    const chosen = r.body.slots.map((s: any) => games.findIndex((x) => x.home === s.game.home && x.away === s.game.away));
    expect(violations({ games, slots: [{}, {}, {}], values, fillAll: true }, chosen)).toEqual([]);
    // a partly priced slate: the given probability is kept, the others come from the model
    const mixed = await api.post('/api/v1/nba/schedule', { games: [{ ...games[0], homeWinProbability: 0.5 }, games[1]], slots: 1 });
    expect(mixed.body).toMatchObject({ probabilities: 'request+model', slots: [{ game: { home: games[0]!.home, closeness: 1 } }] });
    const future = await api.post('/api/v1/nba/schedule', { games: [{ ...games[0], homeWinProbability: 0.5 }, { ...games[1], date: '2031-01-01' }], slots: 1 });
    expect(future.status).toBe(400);
    expect(future.body.error.field).toBe('games.1.date');
  });

  it('fits timed slots, weighs popularity and keeps a team out of consecutive national days', async () => {
    const timed = await api.post('/api/v1/nba/schedule', { games: slate, slots: [{ date: '2024-01-02', time: '20:00', windowMinutes: 30 }, { date: '2024-01-03', time: '22:00' }] });
    expect(timed.status, timed.text).toBe(200);
    expect(timed.body.slots.map((s: any) => s.game.home)).toEqual(['BOS', 'GSW']); // 19:30 is within 20:00 ± 30; 22:00 is not
    expect(timed.body.objective).toBeCloseTo(0.96 + 0.8, 12);
    const popular = await api.post('/api/v1/nba/schedule', { games: slate, slots: [{ date: '2024-01-02' }], popularity: { LAL: 2, DAL: 2 } });
    expect(popular.body.slots[0].game).toMatchObject({ home: 'LAL', weight: 2, value: expect.closeTo(1.2, 12) });
    // without the rest rule BOS–MIA + BOS–CHI (0.96 + 0.9) would win; BOS may not be national on consecutive days
    const rest = await api.post('/api/v1/nba/schedule', { games: slate, slots: [{ date: '2024-01-02' }, { date: '2024-01-03' }] });
    expect(rest.body.slots.map((s: any) => s.game.home)).toEqual(['BOS', 'GSW']);
    expect(rest.body).toMatchObject({ probabilities: 'request', filled: 2 });
  });

  it('answers 422 with the reason when the rules leave a slot empty, and for a date without games', async () => {
    const slots = [{ date: '2024-01-02', time: '19:30' }, { date: '2024-01-03', time: '19:30' }];
    const r = await api.post('/api/v1/nba/schedule', { games: slate, slots });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'schedule_infeasible', field: 'slots' });
    expect(r.body.error.message).toMatch(/at most 1 of the 2 slots/);
    const partial = await api.post('/api/v1/nba/schedule', { games: slate, slots, fillAll: false });
    expect(partial.status).toBe(200);
    expect(partial.body.filled).toBe(1);
    expect(partial.body.slots[0].game).toMatchObject({ home: 'BOS', away: 'MIA', closeness: expect.closeTo(0.96, 12) });
    const empty = await api.post('/api/v1/nba/schedule', { date: '1990-01-01', slots: 1 });
    expect(empty.status).toBe(422);
    expect(empty.body.error).toMatchObject({ code: 'empty_slate', field: 'date' });
  });

  it.each([
    ['games.0.home', { games: [{ ...slate[0], home: 'SEA' }], slots: 1 }],
    ['games.0.away', { games: [{ ...slate[0], away: 'BOS' }], slots: 1 }],
    ['games.0.tip', { games: [{ ...slate[0], tip: '25:00' }], slots: 1 }],
    ['games.0.homeWinProbability', { games: [{ ...slate[0], homeWinProbability: 1.5 }], slots: 1 }],
    ['date', { date: '2019-02-30', slots: 1 }],
    ['date', { slots: 1 }],
    ['date', { date: '2019-01-21', games: slate, slots: 1 }],
    ['days', { games: slate, days: 2, slots: 1 }],
    ['slots', { date: '2019-01-21', slots: 0 }],
    ['slots.0.windowMinutes', { games: slate, slots: [{ windowMinutes: -5 }] }],
    ['popularity', { games: slate, slots: 1, popularity: { XYZ: 2 } }],
    ['channel', { games: slate, slots: 1, channel: 'TNT' }],
  ])('answers 400 naming %s', async (field, body) => {
    const r = await api.post('/api/v1/nba/schedule', body);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.field).toBe(field);
  });

  async function cli(args: string[]) {
    const out: string[] = [], err: string[] = [];
    const code = await main(['nba', 'schedule', '--coordinator', g.url, ...args], { out: (t) => void out.push(t), err: (t) => void err.push(t), env: {}, cwd: process.cwd() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('nfl-grid nba schedule --date D --slots N prints the choice, and fails clearly on bad input', async () => {
    const r = await cli(['--date', '2019-01-21', '--slots', '3']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\d+ games on 2019-01-21; probabilities: model; 3 of 3 slots filled/);
    expect(r.out.split('\n').filter((l) => / @ /.test(l))).toHaveLength(3);
    const json = JSON.parse((await cli(['--date', '2019-01-21', '--slots', '3', '--json'])).out);
    expect(json.filled).toBe(3);
    const missing = await cli(['--date', '2019-01-21']);
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('--slots is required')]);
    expect((await cli(['--date', '21/01/2019', '--slots', '2'])).err).toContain('--date must be YYYY-MM-DD');
    expect((await cli(['--date', '2019-01-21', '--slots', 'two'])).code).toBe(2);
    expect((await cli(['--date', '2019-01-21', '--slots', '2', '--popularity', 'XYZ=2'])).err).toContain('unknown team XYZ');
    const none = await cli(['--date', '1990-01-01', '--slots', '2']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no stored NBA games from 1990-01-01[\s\S]*HTTP 422, empty_slate, field date/);
    const tooMany = await cli(['--date', '2019-01-21', '--slots', '12']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.err).toMatch(/at most \d+ of the 12 slots/);
    const allowed = JSON.parse((await cli(['--date', '2019-01-21', '--slots', '12', '--allow-empty', '--json'])).out);
    expect(allowed.filled).toBe(allowed.slate.games);
  });
});

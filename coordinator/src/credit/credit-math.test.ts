import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../../test/support/test-db';
import {
  claimedCredit, cobblestones, COBBLESTONES_PER_FLOP, grantedCredit, lowMedian, RAC_HALF_LIFE_DAYS, RAC_SQL, updateRac,
} from './credit-math';

/*
 * Expected values come from BOINC's definitions: a cobblestone is 1/200 of a day of CPU time on a
 * 1 GFLOPS reference host (200 credits per day of 1 GFLOPS, "Computation credit" in the BOINC
 * wiki), claims are capped around the WU's rsc_fpops_est, the granted credit of a quorum is the low
 * median of its claims, and recent average credit decays with a 7-day half-life (DESIGN.md).
 */

describe('cobblestones', () => {
  it('is 200 per day of a 1 GFLOPS host', () => {
    expect(cobblestones(86400e9)).toBe(200);
    expect(cobblestones(2 * 86400e9)).toBe(400);
    expect(cobblestones(0)).toBe(0);
    expect(COBBLESTONES_PER_FLOP * 86400 * 1e9).toBeCloseTo(200, 12);
  });
});

describe('claimedCredit', () => {
  const est = 86400e9; // one reference day: 200 cobblestones
  it('is CPU time times benchmark inside the bounds', () => {
    expect(claimedCredit(86400, 1e9, est)).toBe(200);
    expect(claimedCredit(43200, 2e9, est)).toBe(200);
    expect(claimedCredit(86400 * 1.5, 1e9, est)).toBeCloseTo(300, 9);
    expect(claimedCredit(86400 * 0.75, 1e9, est)).toBeCloseTo(150, 9);
  });
  it('is clamped to [estimate/2, 2 x estimate]', () => {
    expect(claimedCredit(86400 * 100, 1e9, est)).toBe(400);
    expect(claimedCredit(86400, 1e12, est)).toBe(400);
    expect(claimedCredit(1, 1e9, est)).toBe(100);
    expect(claimedCredit(0, 1e9, est)).toBe(100);
    // Exactly at the bounds.
    expect(claimedCredit(86400 * 2, 1e9, est)).toBe(400);
    expect(claimedCredit(86400 / 2, 1e9, est)).toBe(100);
  });
});

describe('lowMedian and grantedCredit', () => {
  it('takes the middle value, or the lower of the two middle ones', () => {
    expect(lowMedian([3, 1, 2])).toBe(2);
    expect(lowMedian([4, 1, 3, 2])).toBe(2);
    expect(lowMedian([5])).toBe(5);
    expect(lowMedian([7, 7])).toBe(7);
    expect(lowMedian([10, 2])).toBe(2);
    expect(lowMedian([9, 1, 8, 2, 7])).toBe(7);
    expect(() => lowMedian([])).toThrow();
  });
  it('does not reorder its argument', () => {
    const v = [3, 1, 2];
    lowMedian(v);
    expect(v).toEqual([3, 1, 2]);
  });
  it('grants the low median to a quorum and at most the estimate to a single result', () => {
    expect(grantedCredit([300, 100, 200], 86400e9)).toBe(200);
    expect(grantedCredit([400, 100], 86400e9)).toBe(100);
    expect(grantedCredit([400], 86400e9)).toBe(200);
    expect(grantedCredit([150], 86400e9)).toBe(150);
  });
});

describe('updateRac', () => {
  it('converges to c under a steady inflow of c credit per day, for any step size', () => {
    for (const c of [1, 200, 12_345.5]) {
      for (const dt of [1 / 24, 0.25, 1, 3.5, 7]) {
        let rac = 0;
        for (let t = 0; t < 400; t += dt) rac = updateRac(rac, c * dt, dt);
        expect(Math.abs(rac - c), `c=${c} dt=${dt}`).toBeLessThan(1e-6);
      }
    }
  });
  it('also converges from above', () => {
    let rac = 1e6;
    for (let t = 0; t < 600; t += 1) rac = updateRac(rac, 50, 1);
    expect(Math.abs(rac - 50)).toBeLessThan(1e-6);
  });
  it('halves over a pause of one half-life, exactly', () => {
    expect(RAC_HALF_LIFE_DAYS).toBe(7);
    expect(updateRac(100, 0, 7)).toBe(50);
    expect(updateRac(100, 0, 14)).toBe(25);
    expect(updateRac(0, 0, 7)).toBe(0);
  });
  it('is continuous at dt = 0 (the ln 2 / half-life limit)', () => {
    const at0 = updateRac(10, 3, 0);
    expect(at0).toBeCloseTo(10 + (Math.LN2 * 3) / 7, 15);
    // Either side of the 1e-6 switch the inflow is nearly the same, and the decay nearly none.
    const inflow0 = updateRac(0, 3, 0);
    expect(inflow0).toBe((Math.LN2 * 3) / 7);
    // (1 - w)/dt = ln2/7 * (1 - ln2*dt/14 + ...): relative difference ~1e-7 at dt = 2e-6.
    expect(Math.abs(updateRac(0, 3, 2e-6) / inflow0 - 1)).toBeLessThan(1e-6);
    expect(updateRac(0, 3, 5e-7)).toBe(inflow0);
    expect(updateRac(10, 0, 2e-6)).toBeCloseTo(10, 4);
  });
});

const cases: [number, number, number][] = [
  [0, 0, 0], [0, 10, 0], [100, 0, 0], [100, 25, 0], [100, 0, 7], [100, 0, 14], [0, 200, 1], [123.25, 40, 0.5],
  [50, 7, 3.5], [1e4, 1, 30], [5, 5, 5e-7], [5, 5, 2e-6], [0.001, 1e6, 100],
];

describe.each(dbKinds())('RAC_SQL on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => { t = await openTestDb(kind); });
  afterAll(async () => { await t?.drop(); });

  it('computes what updateRac computes, with literals', async () => {
    for (const [rac, credit, dt] of cases) {
      const expr = RAC_SQL(String(rac), String(credit), String(dt));
      const [row] = await t.db.rows<{ v: number }>(sql`SELECT (${sql.raw(expr)})::float8 AS v`);
      const want = updateRac(rac, credit, dt);
      expect(Number(row!.v), `rac=${rac} credit=${credit} dt=${dt}`).toBeCloseTo(want, 9);
      if (want !== 0) expect(Math.abs(Number(row!.v) / want - 1)).toBeLessThan(1e-12);
      else expect(Number(row!.v)).toBe(0);
    }
  });

  it('computes what updateRac computes, with float8 columns (as the ledger writes use it)', async () => {
    const payload = JSON.stringify(cases.map(([r, c, d]) => ({ r, c, d })));
    const rows = await t.db.rows<{ v: number }>(sql`
      SELECT ${sql.raw(RAC_SQL('x.r', 'x.c', 'x.d'))} AS v
        FROM ROWS FROM (jsonb_to_recordset(${payload}::jsonb) AS (r float8, c float8, d float8)) WITH ORDINALITY AS x(r, c, d, n) ORDER BY n`);
    rows.forEach((row, i) => {
      const [rac, credit, dt] = cases[i]!;
      const want = updateRac(rac, credit, dt);
      expect(Number(row.v), `rac=${rac} credit=${credit} dt=${dt}`).toBeCloseTo(want, 9);
      if (want !== 0) expect(Math.abs(Number(row.v) / want - 1)).toBeLessThan(1e-12);
    });
  });
});

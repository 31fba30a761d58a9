import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expireReplica, makeHost, makeUser, openTestGrid, q, resetData, type TestGrid, type TestHost, wuRows } from '../../../test/support/grid-fixtures';
import { benchOutput, computeResults, policyOf, SEASON, simulateHost, submitArmBatch, submitBenchBatch } from '../../../test/support/volunteers';
import { dbKinds } from '../../../test/support/test-db';
import { sqlState } from '../db/index';
import { reverseCredit } from '../credit/reverse-credit';
import { claimWork } from '../queue/claim-work';
import { reportResults } from '../queue/report-results';
import { toWorkItem } from '../gateway/send-work';
import { assimilatorPass } from './assimilator';
import { transitionerPass } from './transitioner';
import { validatorPass } from './validator';

/*
 * The sleeper, through the real queue and daemons on a real database: solo work bounded per core,
 * trust per kernel family, a solo result held until the host's spot checks are decided, and a
 * caught host's past re-opened: its credit reversed in the ledger, the science results, tracker
 * points, merges and models built on it withdrawn, and everything decided again by others.
 */

const ROUNDS = 300;

describe.each(dbKinds())('re-examination on %s', (kind) => {
  let t: TestGrid;
  let researcher: string;
  beforeAll(async () => { t = await openTestGrid(kind); });
  afterAll(async () => { await t?.close(); });
  beforeEach(async () => {
    await resetData(t.db);
    researcher = await makeUser(t.db, { role: 'researcher' });
  });

  const trusted = async (kernels?: string[]) => makeHost(t.db, { consecutiveValid: 30, errorRate: 0.001, kernels });
  const withCores = async (h: TestHost, cores: number) => { await t.db.rows(sql`UPDATE hosts SET hardware = ${JSON.stringify({ cores })}::jsonb WHERE id = ${h.id}`); };
  const soloOut = async (hostId: string) => Number((await q<{ n: number }>(t.db, sql`
    SELECT count(*)::int AS n FROM replicas WHERE host_id = ${hostId} AND solo AND state = 'in_progress'`))[0]!.n);
  /** Done WUs whose canonical output is not what bench.hash computes. */
  const wrongCanonicals = async () => {
    const rows = await q<{ id: number; params: unknown; seed: number; output: unknown }>(t.db, sql`
      SELECT w.id, w.params, w.seed, r.output FROM work_units w JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.state = 'done'`);
    return rows.filter((r) => JSON.stringify(r.output) !== JSON.stringify(benchOutput(r.params, Number(r.seed)))).length;
  };

  it('a trusted host holds at most maxSoloPerCore x cores solo WUs; the rest of its claim is replicated', async () => {
    const h = await trusted();
    await withCores(h, 2);
    await submitBenchBatch(t.grid, researcher, { n: 10, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
    const first = await claimWork(t.db, h.claiming, 10, policyOf(t.grid, { spotCheckRate: 0 }));
    expect(first).toHaveLength(10);
    expect(t.grid.config.reliability.maxSoloPerCore).toBe(1);
    expect(await soloOut(h.id)).toBe(2);
    const wus = await wuRows(t.db);
    expect(wus.filter((w) => w.min_quorum === 1)).toHaveLength(2);
    expect(wus.filter((w) => w.min_quorum === 2 && w.replicas_needed === 1)).toHaveLength(8);
    // Two in flight: a new claim gets none alone until one comes back.
    await submitBenchBatch(t.grid, researcher, { n: 3, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
    expect(await claimWork(t.db, h.claiming, 1, policyOf(t.grid, { spotCheckRate: 0 }))).toHaveLength(1);
    expect(await soloOut(h.id)).toBe(2);
    const soloClaim = first.filter((c) => wus.find((w) => w.id === c.wu_id)!.min_quorum === 1);
    await reportResults(t.db, h.id, h.benchmarkFlops, await computeResults(h, soloClaim.slice(0, 1)));
    expect(await soloOut(h.id)).toBe(1);
    expect(await claimWork(t.db, h.claiming, 2, policyOf(t.grid, { spotCheckRate: 0 }))).toHaveLength(2);
    expect(await soloOut(h.id)).toBe(2);
  });

  it('nothing in a work item tells a solo WU from a spot check: same fields, same deadline, no checkpoint', async () => {
    const h = await trusted();
    await submitBenchBatch(t.grid, researcher, { n: 40, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true, delayBoundSeconds: 900 } });
    const claimed = await claimWork(t.db, h.claiming, 40, policyOf(t.grid, { spotCheckRate: 0.5, maxSoloPerCore: 40 }));
    const kinds = new Map((await q<{ id: number; solo: boolean; spot_check: boolean; sent_at: Date }>(t.db, sql`SELECT id, solo, spot_check, sent_at FROM replicas`)).map((r) => [Number(r.id), r]));
    const solo = claimed.filter((c) => kinds.get(c.replica_id)!.solo), checked = claimed.filter((c) => kinds.get(c.replica_id)!.spot_check);
    expect(solo.length).toBeGreaterThan(5);
    expect(checked.length).toBeGreaterThan(5);
    expect(solo.length + checked.length).toBe(40);
    const shape = (c: typeof claimed[number]) => {
      const item = toWorkItem(c);
      const sent = new Date(kinds.get(c.replica_id)!.sent_at).getTime();
      return { keys: Object.keys(item).sort().join(','), bound: Math.round((item.deadline - sent) / 1000), resumeFrom: item.resumeFrom, cost: item.costEstimate };
    };
    const shapes = new Set(claimed.map((c) => JSON.stringify(shape(c))));
    expect(shapes.size).toBe(1);
    expect(JSON.parse([...shapes][0]!)).toMatchObject({ bound: 900, resumeFrom: null });
  });

  it('trust is per kernel family: a record on bench buys no solo mc work, and verdicts grow only their family', async () => {
    const h = await makeHost(t.db, { kernels: ['bench.hash@1', SEASON] });
    await t.db.rows(sql`UPDATE hosts SET consecutive_valid = 500, error_rate = 0 WHERE id = ${h.id}`);
    await submitArmBatch(t.grid, researcher, 'season', { n: 5, policy: { minQuorum: 2, adaptive: true } });
    // Trusted overall by the host row, but with no record in the mc family: replicated.
    expect(await claimWork(t.db, h.claiming, 5, policyOf(t.grid, { spotCheckRate: 0, maxSoloPerCore: 10 }))).toHaveLength(5);
    expect((await wuRows(t.db)).every((w) => w.min_quorum === 2)).toBe(true);
    await t.db.rows(sql`INSERT INTO host_reliability (host_id, family, consecutive_valid, error_rate) VALUES (${h.id}, 'bench', 30, 0.001)`);
    await submitBenchBatch(t.grid, researcher, { n: 2, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
    expect(await claimWork(t.db, h.claiming, 5, policyOf(t.grid, { spotCheckRate: 0, maxSoloPerCore: 10 }))).toHaveLength(2);
    expect((await wuRows(t.db)).filter((w) => w.min_quorum === 1)).toHaveLength(2);

    // Verdicts go to the family of the WU's kernel only.
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    await submitBenchBatch(t.grid, researcher, { n: 3, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: false } });
    await simulateHost(t.grid, a);
    await simulateHost(t.grid, b);
    await validatorPass(t.grid);
    const rel = await q<{ family: string; consecutive_valid: number; valid_count: number }>(t.db, sql`
      SELECT family, consecutive_valid, valid_count FROM host_reliability WHERE host_id = ${a.id} ORDER BY family`);
    expect(rel).toEqual([{ family: 'bench', consecutive_valid: 3, valid_count: 3 }]);
  });

  it('the sleeper: solo results held, then on the catch its past re-opened, credit reversed, what was built withdrawn, and all decided again', async () => {
    const h = await trusted();
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    // Its honest past: a quorum batch with A, assimilated, with things built on it.
    const past = await submitBenchBatch(t.grid, researcher, { n: 3, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: false } });
    await simulateHost(t.grid, h);
    await simulateHost(t.grid, a);
    expect(await validatorPass(t.grid)).toBe(3);
    expect(await assimilatorPass(t.grid)).toBe(3);
    const pastIds = (await wuRows(t.db, past.batchId)).map((w) => Number(w.id));
    await t.db.rows(sql`INSERT INTO performance_models (key, kernel, family, metric, lower_is_better) VALUES ('m', 'bench.hash@1', '{}'::jsonb, 'value', true)`);
    await t.db.rows(sql`
      INSERT INTO performance_points (wu_id, model_key, batch_id, ordinal, params, seed, value, compute_hours)
      SELECT x.wu, 'm', ${past.batchId}, x.o, '{}'::jsonb, 1, x.v, 0.1
        FROM (VALUES (${pastIds[0]!}::int8, 1, 5.0), (999999::int8, 2, 4.0), (${pastIds[1]!}::int8, 3, 1.0), (${pastIds[2]!}::int8, 4, 3.0)) AS x(wu, o, v)`);
    await t.db.rows(sql`INSERT INTO performance_milestones (model_key, kind, wu_id, value) VALUES ('m', 'breakthrough', ${pastIds[1]!}, 1.0)`);
    await t.db.rows(sql`INSERT INTO combined_results (batch_id, resamples, level, seed, fingerprint, figures, compute_ms) VALUES (${past.batchId}, 10, 0.9, 1, 'f', '{}'::jsonb, 1)`);
    await t.db.rows(sql`INSERT INTO model_artifacts (sha256, format, body, bytes) VALUES ('x', 'normal', '{}', 2)`);
    const [v1] = await q<{ id: string }>(t.db, sql`INSERT INTO models (name, version, kernel, params, data_hashes, metrics, artifact_sha256, state)
      VALUES ('cover', 1, 'cover.baseline@1', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, 'x', 'archived') RETURNING id`);
    const [v2] = await q<{ id: string }>(t.db, sql`INSERT INTO models (name, version, kernel, params, data_hashes, metrics, artifact_sha256, state, replaces_id, wu_ids)
      VALUES ('cover', 2, 'cover.baseline@1', '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, 'x', 'production', ${v1!.id}, ${`{${pastIds[0]}}`}::int8[]) RETURNING id`);

    // Then it asks for everything and returns wrong outputs: two go out alone, two are checked.
    const work = await submitBenchBatch(t.grid, researcher, { n: 4, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
    const sleep = await simulateHost(t.grid, h, { behaviour: 'cheat', policy: { spotCheckRate: 0, maxSoloPerCore: 2 } });
    expect(sleep.accepted).toHaveLength(4);
    expect(await validatorPass(t.grid)).toBe(4);
    // The solo results are canonical, but held: the spot checks sent before them are undecided.
    expect(await wrongCanonicals()).toBe(2);
    expect(await assimilatorPass(t.grid)).toBe(0);
    expect(await q(t.db, sql`SELECT wu_id FROM science_results WHERE batch_id = ${work.batchId}`)).toEqual([]);
    const creditBefore = Number((await q<{ c: number }>(t.db, sql`SELECT total_credit AS c FROM hosts WHERE id = ${h.id}`))[0]!.c);
    expect(creditBefore).toBeGreaterThan(0);

    // The spot checks come back: A disagrees, B decides, and the host is caught.
    expect((await simulateHost(t.grid, a)).claimed).toHaveLength(2);
    await validatorPass(t.grid);
    expect((await simulateHost(t.grid, b)).claimed).toHaveLength(2);
    await validatorPass(t.grid);

    const reopenings = await q<{ wu_id: number; kind: string; host_id: string }>(t.db, sql`SELECT wu_id, kind, host_id FROM wu_reopenings ORDER BY wu_id`);
    expect(reopenings.map((r) => r.kind).sort()).toEqual(['quorum', 'quorum', 'quorum', 'solo', 'solo']);
    expect(reopenings.every((r) => r.host_id === h.id)).toBe(true);
    expect(await wrongCanonicals()).toBe(0);
    // Its replicas on every re-opened WU are invalid and their grants reversed, row by row.
    const mine = await q<{ validate_state: string; granted_credit: number | null }>(t.db, sql`SELECT validate_state::text, granted_credit FROM replicas WHERE host_id = ${h.id}`);
    expect(mine.every((r) => r.validate_state === 'invalid' && !r.granted_credit)).toBe(true);
    const ledger = await q<{ replica_id: number; granted: number; reverses_id: number | null; reason: string | null; host_id: string }>(t.db, sql`
      SELECT replica_id, granted, reverses_id, reason, host_id FROM credit_ledger WHERE host_id = ${h.id} ORDER BY id`);
    const grants = ledger.filter((l) => l.reverses_id === null), reversals = ledger.filter((l) => l.reverses_id !== null);
    expect(grants).toHaveLength(5);
    expect(reversals).toHaveLength(5);
    expect(reversals.every((r) => r.granted < 0 && r.reason!.startsWith('re-examined'))).toBe(true);
    expect(ledger.reduce((s, l) => s + l.granted, 0)).toBeCloseTo(0, 9);
    const hostAfter = (await q<{ total_credit: number; consecutive_valid: number }>(t.db, sql`SELECT total_credit, consecutive_valid FROM hosts WHERE id = ${h.id}`))[0]!;
    expect(hostAfter.total_credit).toBeCloseTo(0, 9);
    const [fam] = await q<{ consecutive_valid: number }>(t.db, sql`SELECT consecutive_valid FROM host_reliability WHERE host_id = ${h.id} AND family = 'bench'`);
    expect(fam!.consecutive_valid).toBe(0);
    // What was built on its past is withdrawn.
    const withdrawn = await q<{ wu_id: number; withdrawn_reason: string | null }>(t.db, sql`SELECT wu_id, withdrawn_reason FROM science_results WHERE batch_id = ${past.batchId} ORDER BY wu_id`);
    expect(withdrawn.every((s) => s.withdrawn_reason !== null)).toBe(true);
    expect(await q(t.db, sql`SELECT 1 FROM combined_results`)).toEqual([]);
    expect(await q(t.db, sql`SELECT wu_id, ordinal, value FROM performance_points ORDER BY ordinal`)).toEqual([{ wu_id: 999999, ordinal: 1, value: 4 }]);
    expect(await q(t.db, sql`SELECT 1 FROM performance_milestones`)).toEqual([]);
    expect((await q(t.db, sql`SELECT results, baseline, best, current FROM performance_models WHERE key = 'm'`))[0]).toEqual({ results: 1, baseline: 4, best: 4, current: 4 });
    const models = await q<{ version: number; state: string; withdrawn_reason: string | null }>(t.db, sql`SELECT version, state::text, withdrawn_reason FROM models ORDER BY version`);
    expect(models.map((m) => [m.version, m.state, m.withdrawn_reason !== null])).toEqual([[1, 'production', false], [2, 'archived', true]]);
    expect(v2).toBeTruthy();
    expect((await q(t.db, sql`SELECT state::text FROM batches WHERE id = ${past.batchId}`))[0]).toEqual({ state: 'open' });

    // Others decide the re-opened WUs; the results are taken in again.
    await assimilatorPass(t.grid);
    const aMore = await simulateHost(t.grid, a);
    const bMore = await simulateHost(t.grid, b);
    expect(aMore.claimed).toHaveLength(2); // the two solo WUs; A is already in the old quorums
    expect(bMore.claimed).toHaveLength(5);
    await validatorPass(t.grid);
    await assimilatorPass(t.grid);
    const all = await wuRows(t.db);
    expect(all.every((w) => w.state === 'done')).toBe(true);
    expect(await wrongCanonicals()).toBe(0);
    const restored = await q<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM science_results WHERE withdrawn_at IS NULL`);
    expect(restored[0]!.n).toBe(7);
    // One grant per replica; A's honest past is not paid twice; totals match the ledger.
    const dup = await q(t.db, sql`SELECT replica_id FROM credit_ledger WHERE reverses_id IS NULL GROUP BY replica_id HAVING count(*) > 1`);
    expect(dup).toEqual([]);
    for (const host of [a, b, h]) {
      const [row] = await q<{ ledger: number; total: number }>(t.db, sql`
        SELECT coalesce((SELECT sum(granted) FROM credit_ledger WHERE host_id = ${host.id}), 0)::float8 AS ledger, total_credit AS total FROM hosts WHERE id = ${host.id}`);
      expect(row!.total).toBeCloseTo(row!.ledger, 9);
    }
    expect((await q(t.db, sql`SELECT state::text FROM batches WHERE id = ${past.batchId}`))[0]).toEqual({ state: 'done' });
  });

  it('a solo result whose host lost its trust before it was taken in is re-opened, not assimilated', async () => {
    const h = await trusted();
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 2, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: true } });
    const claimed = await claimWork(t.db, h.claiming, 2, policyOf(t.grid, { spotCheckRate: 0, maxSoloPerCore: 2 }));
    expect(await soloOut(h.id)).toBe(2);
    await reportResults(t.db, h.id, h.benchmarkFlops, await computeResults(h, claimed.slice(0, 1)));
    expect(await validatorPass(t.grid)).toBe(1);
    // The other solo WU times out: the host's bench record loses its streak before the pass below.
    await expireReplica(t.db, claimed[1]!.replica_id);
    await transitionerPass(t.grid);
    expect(await assimilatorPass(t.grid)).toBe(1);
    const [w] = await q<{ state: string; reopen_reason: string; assimilated_at: Date | null; replicas_needed: number }>(t.db, sql`
      SELECT state::text, reopen_reason, assimilated_at, replicas_needed FROM work_units WHERE id = ${claimed[0]!.wu_id}`);
    expect(w).toEqual({ state: 'running', reopen_reason: 'solo result held: its host is no longer trusted', assimilated_at: null, replicas_needed: 2 });
    expect(await q(t.db, sql`SELECT wu_id FROM science_results WHERE batch_id = ${batchId}`)).toEqual([]);
    expect((await q<{ kind: string }>(t.db, sql`SELECT kind FROM wu_reopenings`)).map((r) => r.kind)).toEqual(['solo']);
  });

  it('an honest result judged against the caught host and its partner is decided again: valid now, and the partner loses its credit', async () => {
    const [h, x, y, c] = [await makeHost(t.db), await makeHost(t.db), await makeHost(t.db), await makeHost(t.db)];
    const { batchId } = await submitBenchBatch(t.grid, researcher, { n: 1, rounds: ROUNDS, policy: { minQuorum: 2, targetReplicas: 4, adaptive: false } });
    // Three colluders outvote C as far as a grid of four volunteers allows.
    for (const cheat of [h, x, y]) await simulateHost(t.grid, cheat, { behaviour: 'cheat' });
    await simulateHost(t.grid, c);
    await validatorPass(t.grid);
    const [wu] = await wuRows(t.db, batchId);
    expect(wu!.state).toBe('done');
    expect(await wrongCanonicals()).toBe(1);
    const verdict = async (host: TestHost) => (await q<{ v: string }>(t.db, sql`SELECT validate_state::text AS v FROM replicas WHERE host_id = ${host.id}`))[0]!.v;
    expect(await verdict(c)).toBe('invalid');

    // H is caught elsewhere; its quorum is decided again without it. Honest volunteers are about
    // to fill the quorum, which the dissent raises.
    await t.db.rows(sql`UPDATE hosts SET caught_at = now() WHERE id = ${h.id}`);
    const pool = [await makeHost(t.db), await makeHost(t.db), await makeHost(t.db), await makeHost(t.db)];
    await validatorPass(t.grid);
    expect(await wrongCanonicals()).toBe(0);
    expect([await verdict(h), await verdict(x), await verdict(y), await verdict(c)]).toEqual(['invalid', 'inconclusive', 'inconclusive', 'inconclusive']);
    const honest: TestHost[] = [];
    for (const d of pool) {
      await validatorPass(t.grid);
      if ((await wuRows(t.db, batchId))[0]!.state === 'done') break;
      if ((await simulateHost(t.grid, d)).claimed.length) honest.push(d);
    }
    await validatorPass(t.grid);
    expect((await wuRows(t.db, batchId))[0]!.state).toBe('done');
    expect([await verdict(x), await verdict(y), await verdict(c)]).toEqual(['invalid', 'invalid', 'valid']);
    for (const d of honest) expect(await verdict(d)).toBe('valid');
    expect(await wrongCanonicals()).toBe(0);
    const reasons = await q<{ host_id: string; granted: number; reason: string | null }>(t.db, sql`SELECT host_id, granted, reason FROM credit_ledger WHERE reverses_id IS NOT NULL ORDER BY id`);
    const again = 'judged invalid when its work unit was decided again';
    expect(reasons.map((r) => `${r.host_id} ${r.reason?.split(':')[0] ?? r.reason}`).sort()).toEqual(
      [`${h.id} re-examined`, `${x.id} ${again}`, `${y.id} ${again}`].sort());
    for (const host of [h, x, y]) expect((await q<{ c: number }>(t.db, sql`SELECT total_credit AS c FROM hosts WHERE id = ${host.id}`))[0]!.c).toBeCloseTo(0, 12);
    expect((await q<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM credit_ledger WHERE host_id = ${c.id} AND reverses_id IS NULL`))[0]!.n).toBe(1);
  });

  it('a replica has one grant and at most one reversal', async () => {
    const [a, b] = [await makeHost(t.db), await makeHost(t.db)];
    await submitBenchBatch(t.grid, researcher, { n: 1, rounds: ROUNDS, policy: { minQuorum: 2, adaptive: false } });
    await simulateHost(t.grid, a);
    await simulateHost(t.grid, b);
    await validatorPass(t.grid);
    const [g] = await q<{ id: number; replica_id: number; host_id: string; user_id: string; wu_id: number }>(t.db, sql`SELECT * FROM credit_ledger ORDER BY id LIMIT 1`);
    let code: string | undefined;
    try {
      await t.db.rows(sql`INSERT INTO credit_ledger (host_id, user_id, replica_id, wu_id, claimed, granted) VALUES (${g!.host_id}, ${g!.user_id}, ${g!.replica_id}, ${g!.wu_id}, 1, 1)`);
    } catch (e) { code = sqlState(e); }
    expect(code).toBe('23505');
    const before = (await q<{ rac: number; total_credit: number }>(t.db, sql`SELECT rac, total_credit FROM hosts WHERE id = ${g!.host_id}`))[0]!;
    const [{ granted }] = await q<{ granted: number }>(t.db, sql`SELECT granted FROM credit_ledger WHERE id = ${g!.id}`) as [{ granted: number }];
    expect(await t.db.transaction((tx) => reverseCredit(tx, [Number(g!.replica_id)], 'test'))).toHaveLength(1);
    // Totals lose the grant; the recent average loses what the grant added to it (ln2·g/7, barely decayed).
    const after = (await q<{ rac: number; total_credit: number }>(t.db, sql`SELECT rac, total_credit FROM hosts WHERE id = ${g!.host_id}`))[0]!;
    expect(after.total_credit / before.total_credit).toBeCloseTo(1 - granted / before.total_credit, 9);
    expect(before.rac).toBeGreaterThan(0);
    expect((before.rac - after.rac) / (granted * Math.LN2 / 7)).toBeCloseTo(1, 3);
    expect(after.rac).toBeGreaterThanOrEqual(0);
    expect(await t.db.transaction((tx) => reverseCredit(tx, [Number(g!.replica_id)], 'test'))).toHaveLength(0);
    expect(await q(t.db, sql`SELECT granted FROM credit_ledger WHERE replica_id = ${g!.replica_id} ORDER BY id`)).toHaveLength(2);
  });
});

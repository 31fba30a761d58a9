import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHost, type TestHost } from '../../../test/support/grid-fixtures';
import { dbKinds, openTestDb, type TestDb } from '../../../test/support/test-db';
import { sqlState } from '../db/index';
import { canMove, finalStates, STATE_MACHINES, type StateMachine } from './states';

/*
 * Walks the transition tables against the database the test runs on: every allowed change is
 * accepted by the guard triggers, every other change between two different states is refused
 * with check_violation, and the final states have no way out.
 */

describe('state tables', () => {
  it('every edge joins known states, none repeats, and the final states are the ones the design names', () => {
    for (const m of Object.values(STATE_MACHINES) as StateMachine<string>[]) {
      const seen = new Set<string>();
      for (const [f, t] of m.transitions) {
        expect(m.states).toContain(f);
        expect(m.states).toContain(t);
        expect(f).not.toBe(t);
        expect(seen.has(`${f}>${t}`)).toBe(false);
        seen.add(`${f}>${t}`);
      }
    }
    expect(finalStates(STATE_MACHINES.workUnit)).toEqual(['done', 'failed', 'cancelled']);
    expect(finalStates(STATE_MACHINES.replica)).toEqual(['reported', 'errored', 'abandoned', 'cancelled']);
    expect(finalStates(STATE_MACHINES.validation)).toEqual(['valid', 'invalid']);
  });
});

describe.each(dbKinds())('state guards on %s', (kind) => {
  let t: TestDb;
  let host: TestHost;
  let batchId: string;
  let seq = 0;
  beforeAll(async () => {
    t = await openTestDb(kind);
    host = await makeHost(t.db);
    [{ id: batchId }] = await t.db.rows<{ id: string }>(sql`
      INSERT INTO batches (owner_id, name, kernel, kernel_version, spec, wu_count)
      VALUES (${host.ownerId}, 'states', 'bench.hash', 1, '{}'::jsonb, 0) RETURNING id`) as [{ id: string }];
  });
  afterAll(async () => { await t?.drop(); });

  const newWu = async (state = 'running') => (await t.db.rows<{ id: number }>(sql`
    INSERT INTO work_units (batch_id, seq, kernel, kernel_version, kernel_ref, params, seed, cost_estimate, replicas_needed, state)
    VALUES (${batchId}, ${seq++}, 'bench.hash', 1, 'bench.hash@1', '{}'::jsonb, 1, 1, 0, ${state}::wu_state) RETURNING id`))[0]!.id;
  // One replica per WU and host, so each replica gets a WU of its own.
  const newReplica = async (state: string, validateState = 'pending') => (await t.db.rows<{ id: number }>(sql`
    INSERT INTO replicas (wu_id, host_id, owner_id, state, validate_state, deadline)
    VALUES (${await newWu()}, ${host.id}, ${host.ownerId}, ${state}::replica_state, ${validateState}::validate_state, now()) RETURNING id`))[0]!.id;

  /** Tries one change; returns null when accepted, else the SQLSTATE. */
  async function attempt(table: string, column: string, type: string, id: number, to: string): Promise<string | null> {
    try {
      await t.db.rows(sql`UPDATE ${sql.identifier(table)} SET ${sql.identifier(column)} = ${to}::${sql.raw(type)} WHERE id = ${id}`);
      return null;
    } catch (e) {
      return sqlState(e) ?? String(e);
    }
  }

  const rowIn = {
    workUnit: (from: string) => newWu(from),
    replica: (from: string) => newReplica(from),
    validation: (from: string) => newReplica('reported', from),
  };

  for (const [name, machine] of Object.entries(STATE_MACHINES) as [keyof typeof STATE_MACHINES, StateMachine<string>][]) {
    it(`${name}: every allowed transition is accepted, every other change refused`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const from of machine.states) {
        for (const to of machine.states) {
          if (from === to) continue;
          const id = await rowIn[name](from);
          const code = await attempt(machine.table, machine.column, machine.type, id, to);
          outcomes.push(`${from}>${to}: ${code === null ? 'ok' : code}`);
          expected.push(`${from}>${to}: ${canMove(machine, from, to) ? 'ok' : '23514'}`);
        }
      }
      expect(outcomes).toEqual(expected);
    });
  }

  it('a done work unit goes nowhere but back to running (re-examination); staying put is always allowed', async () => {
    const id = await newWu('done');
    expect(await attempt('work_units', 'state', 'wu_state', id, 'pending')).toBe('23514');
    expect(await attempt('work_units', 'state', 'wu_state', id, 'validating')).toBe('23514');
    expect(await attempt('work_units', 'state', 'wu_state', id, 'failed')).toBe('23514');
    expect(await attempt('work_units', 'state', 'wu_state', await newWu('failed'), 'running')).toBe('23514');
    expect(await attempt('work_units', 'state', 'wu_state', id, 'done')).toBeNull();
    const [row] = await t.db.rows<{ state: string }>(sql`SELECT state::text AS state FROM work_units WHERE id = ${id}`);
    expect(row!.state).toBe('done');
    const rep = await newReplica('errored');
    expect(await attempt('replicas', 'state', 'replica_state', rep, 'in_progress')).toBe('23514');
  });
});

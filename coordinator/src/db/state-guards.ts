import { allTransitions, STATE_MACHINES, type StateMachine } from '../queue/states';

/*
 * The database's copy of queue/states.ts: per state machine, a function that says whether a
 * change is allowed and a BEFORE UPDATE trigger that raises check_violation (23514) for any other.
 * Plain PL/pgSQL, so PGlite and PostgreSQL enforce the same table. The migration holding it is
 * written by `npm run db:generate` from this text; a test walks the table against the database.
 */

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

function guardSql(name: string, m: StateMachine<string>): string {
  const fn = `${m.table}_${m.column}_may_move`;
  const pairs = allTransitions(m).map(([f, t]) => `(${lit(f)}, ${lit(t)})`).join(', ');
  return [
    `CREATE OR REPLACE FUNCTION ${fn}(old_state ${m.type}, new_state ${m.type}) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT old_state = new_state OR (old_state::text, new_state::text) IN (VALUES ${pairs})
$$;`,
    `CREATE OR REPLACE FUNCTION ${fn}_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ${fn}(OLD.${m.column}, NEW.${m.column}) THEN
    RAISE EXCEPTION 'illegal ${name} transition % -> % (${m.table} id %)', OLD.${m.column}, NEW.${m.column}, OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;`,
    `CREATE TRIGGER ${m.table}_${m.column}_guard BEFORE UPDATE OF ${m.column} ON ${m.table}
  FOR EACH ROW WHEN (OLD.${m.column} IS DISTINCT FROM NEW.${m.column}) EXECUTE FUNCTION ${fn}_guard();`,
  ].join('\n--> statement-breakpoint\n');
}

/** The SQL of the state-guard migration. */
export function stateGuardsSql(): string {
  const names: Record<keyof typeof STATE_MACHINES, string> = { workUnit: 'work unit', replica: 'replica', validation: 'replica validation' };
  const header = '-- Generated from coordinator/src/queue/states.ts by coordinator/src/db/state-guards.ts. Do not edit.';
  const body = (Object.keys(STATE_MACHINES) as (keyof typeof STATE_MACHINES)[])
    .map((k) => guardSql(names[k], STATE_MACHINES[k] as StateMachine<string>))
    .join('\n--> statement-breakpoint\n');
  return `${header}\n${body}\n`;
}

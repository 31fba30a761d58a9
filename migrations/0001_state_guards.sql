-- Generated from coordinator/src/queue/states.ts by coordinator/src/db/state-guards.ts. Do not edit.
CREATE OR REPLACE FUNCTION work_units_state_may_move(old_state wu_state, new_state wu_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT old_state = new_state OR (old_state::text, new_state::text) IN (VALUES ('pending', 'running'), ('pending', 'failed'), ('pending', 'cancelled'), ('running', 'validating'), ('running', 'done'), ('running', 'failed'), ('running', 'cancelled'), ('validating', 'running'), ('validating', 'done'), ('validating', 'failed'), ('validating', 'cancelled'), ('done', 'running'))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION work_units_state_may_move_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT work_units_state_may_move(OLD.state, NEW.state) THEN
    RAISE EXCEPTION 'illegal work unit transition % -> % (work_units id %)', OLD.state, NEW.state, OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER work_units_state_guard BEFORE UPDATE OF state ON work_units
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION work_units_state_may_move_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION replicas_state_may_move(old_state replica_state, new_state replica_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT old_state = new_state OR (old_state::text, new_state::text) IN (VALUES ('unsent', 'in_progress'), ('unsent', 'cancelled'), ('in_progress', 'reported'), ('in_progress', 'errored'), ('in_progress', 'abandoned'), ('in_progress', 'timed_out'), ('in_progress', 'cancelled'), ('timed_out', 'reported'))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION replicas_state_may_move_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT replicas_state_may_move(OLD.state, NEW.state) THEN
    RAISE EXCEPTION 'illegal replica transition % -> % (replicas id %)', OLD.state, NEW.state, OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER replicas_state_guard BEFORE UPDATE OF state ON replicas
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION replicas_state_may_move_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION replicas_validate_state_may_move(old_state validate_state, new_state validate_state) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT old_state = new_state OR (old_state::text, new_state::text) IN (VALUES ('pending', 'valid'), ('pending', 'invalid'), ('pending', 'inconclusive'), ('inconclusive', 'valid'), ('inconclusive', 'invalid'), ('valid', 'invalid'), ('valid', 'inconclusive'), ('invalid', 'inconclusive'))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION replicas_validate_state_may_move_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT replicas_validate_state_may_move(OLD.validate_state, NEW.validate_state) THEN
    RAISE EXCEPTION 'illegal replica validation transition % -> % (replicas id %)', OLD.validate_state, NEW.validate_state, OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER replicas_validate_state_guard BEFORE UPDATE OF validate_state ON replicas
  FOR EACH ROW WHEN (OLD.validate_state IS DISTINCT FROM NEW.validate_state) EXECUTE FUNCTION replicas_validate_state_may_move_guard();

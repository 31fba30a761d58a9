import { sql } from 'drizzle-orm';
import type { Grid } from '../grid';
import { failExhaustedWorkUnits } from '../queue/fail-exhausted';
import { recordTimeouts } from '../credit/host-reliability';
import { timeOutReplicas } from '../queue/time-out-replicas';
import { releaseUndelivered } from '../queue/release-unheld';
import { sendCancels } from '../gateway/send-cancels';

const PASS_SIZE = 1000;

/**
 * One transitioner pass: deadlines (time out, reissue), error and replica limits (fail), and
 * hosts gone quiet (offline). Each step is its own transaction.
 */
export async function transitionerPass(grid: Grid): Promise<number> {
  const timedOut = await grid.db.transaction(async (tx) => {
    const rows = await timeOutReplicas(tx, PASS_SIZE);
    await recordTimeouts(tx, rows);
    if (rows.length) {
      await tx.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('replicas.timed_out', NULL, ${JSON.stringify({ replicas: rows.map((r) => r.id) })}::jsonb)`);
    }
    return rows;
  });
  if (timedOut.length) {
    grid.log.component('transitioner').info('replicas timed out', { replicas: timedOut.map((r) => r.id) });
    grid.wakeScheduler();
  }

  // Claims whose packet never went out (their coordinator died between claim and send).
  const undelivered = await grid.db.transaction(async (tx) => {
    const rows = await releaseUndelivered(tx, grid.config.work.undeliveredGraceMs, PASS_SIZE);
    if (rows.length) {
      await tx.rows(sql`INSERT INTO events (kind, subject, data) VALUES ('replicas.released', NULL, ${JSON.stringify({ reason: 'undelivered', replicas: rows.map((r) => r.id) })}::jsonb)`);
    }
    return rows;
  });
  if (undelivered.length) {
    grid.log.component('transitioner').warn('claimed replicas never sent were released', { replicas: undelivered.map((r) => r.id) });
    grid.wakeScheduler();
  }

  const { failed, cancelled } = await grid.db.transaction((tx) => failExhaustedWorkUnits(tx, PASS_SIZE));
  // Failed WUs are the assimilator's next: their rewards, and their batches if nothing else is left.
  if (failed.length) grid.wakeAssimilator();
  if (cancelled.length) await sendCancels(grid, cancelled, 'work unit failed');
  for (const f of failed) grid.events.emit('wu.failed', { wuIds: [f.id], reason: f.reason });
  if (failed.length) grid.log.component('transitioner').warn('work units failed', { wus: failed.map((f) => ({ id: f.id, reason: f.reason })) });

  // Hosts gone quiet; rows another transaction holds are left for the next pass.
  await grid.db.rows(sql`UPDATE hosts SET online = false
    WHERE id IN (SELECT id FROM hosts
                  WHERE online AND (last_contact IS NULL OR last_contact < now() - make_interval(secs => ${grid.config.daemons.hostOfflineMs / 1000}))
                  ORDER BY id FOR NO KEY UPDATE SKIP LOCKED)`);
  return timedOut.length === PASS_SIZE || undelivered.length === PASS_SIZE || failed.length === PASS_SIZE ? 1 : 0;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../../coordinator/src/db/index';
import { startAgent, startCoordinatorProcess, tempDir, type Watched } from '../../test/support/processes';
import { rightHashes } from './cheat-scenario';
import { type DrillAgent, startDrillAgent } from './drill-agent';
import { freePort, type OwnPostgres } from './own-postgres';

/*
 * The faults drill: one bench.hash batch at quorum 2 on the drill's own PostgreSQL, computed by
 * simulated volunteers (drill-agent.ts, in this process, over real websockets, signing as agents
 * do) and real nfl-agent processes, while faults are thrown at it:
 *   - every `agentEveryS` a random simulated volunteer drops its socket and what it held (and
 *     every third time a real agent process is killed -9 and restarted on its data folder);
 *   - the coordinator process is killed -9 `coordinatorKills` times, spread over the run, and
 *     restarted on the same port (a restart takes its start-up time, so kills come no faster than
 *     that); during the middle third of the kills a second coordinator serves the same database,
 *     half the simulated volunteers connect to it, and every other kill hits it;
 *   - PostgreSQL is stopped for `pgDownS` seconds once, early in the run.
 * At the end: WUs not done (lost or stuck), canonical outputs that differ from the kernel's own
 * (the clean run: bench.hash is deterministic per seed), replicas credited twice, and hosts and
 * volunteers whose totals differ from the ledger.
 */

export interface FaultOptions {
  wus: number;
  simulated: number;
  real: number;
  coordinatorKills: number;
  /** Seconds between coordinator kills. */
  coordinatorEveryS: number;
  agentEveryS: number;
  pgDownS: number;
  timeoutS: number;
}

export interface FaultFigures {
  wus: number; simulated: number; real: number;
  seconds: number;
  notDone: number; failed: number; wrongCanonical: number; creditedTwice: number; grantsToInvalid: number;
  hostMismatch: number; userMismatch: number;
  coordinatorKills: number; coordinatorExits: number; agentCrashes: number; realAgentKills: number; pgDownSeconds: number; secondCoordinatorS: number;
  replicasPerWu: number;
}

const COORD_ENV = {
  NFL_GRID_NO_WORK_RETRY_MS: '500', NFL_GRID_VALIDATOR_MS: '200', NFL_GRID_ASSIMILATOR_MS: '300', NFL_GRID_MAX_PACKET: '20',
  NFL_GRID_UNDELIVERED_GRACE_MS: '5000', NFL_GRID_LOG_LEVEL: 'warn', NFL_GRID_HOST_OFFLINE_MS: '20000',
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A coordinator process on a fixed port and data folder, restarted whenever it is killed or exits. */
class Supervised {
  w: Watched | null = null;
  exits = 0;
  private wanted = false;
  constructor(readonly port: number, readonly dataDir: string, readonly databaseUrl: string) {}
  get url() { return `http://127.0.0.1:${this.port}`; }
  async start(): Promise<void> {
    this.wanted = true;
    await this.launch();
  }
  /** Starts the process unless a stop came first; a restart after an exit comes here, not to start(). */
  private async launch(): Promise<void> {
    for (let attempt = 0; this.wanted; attempt++) {
      try {
        const w = await startCoordinatorProcess({ port: this.port, dataDir: this.dataDir, databaseUrl: this.databaseUrl, env: COORD_ENV });
        // stopped while it was starting: it must not outlive the drill
        if (!this.wanted) {
          await w.kill('SIGKILL');
          return;
        }
        this.w = w;
        // An exit nobody asked for (the database went away under it): count it and start again.
        void w.exited.then(() => {
          if (this.w !== w || !this.wanted) return;
          this.exits++;
          this.w = null;
          void this.launch();
        });
        return;
      } catch (e) {
        if (attempt > 60) throw e;
        await pause(1000);
      }
    }
  }
  async kill9(): Promise<void> {
    const w = this.w;
    this.w = null;
    await w?.kill('SIGKILL');
  }
  async stop(): Promise<void> {
    this.wanted = false;
    const w = this.w;
    this.w = null;
    await w?.kill('SIGKILL');
  }
}

export async function runFaults(pg: OwnPostgres, o: FaultOptions, log: (s: string) => void): Promise<FaultFigures> {
  const admin = await openPostgres(pg.url);
  await admin.rows(sql.raw('CREATE DATABASE drill'));
  await admin.close();
  const url = pg.url.replace(/\/postgres$/, '/drill');
  const db = await openPostgres(url);
  const one = new Supervised(await freePort(), tempDir('drill-coord1'), url);
  const two = new Supervised(await freePort(), tempDir('drill-coord2'), url);
  let twoUp = false;
  const sims: DrillAgent[] = [];
  const reals: { w: Watched; dataDir: string }[] = [];
  try {
    await one.start();
    const adminKey = readFileSync(join(one.dataDir, 'admin-key'), 'utf8').trim();
    const call = async (path: string, body: unknown, key = adminKey) => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(one.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
        if (res?.status === 201) return res.json() as Promise<any>;
        if (attempt > 30) throw new Error(`${path}: ${res?.status} ${await res?.text()}`);
        await pause(500);
      }
    };
    const volunteerToken = async (name: string) => {
      const u = await call('/api/v1/users', { name, role: 'volunteer' });
      return (await call('/api/v1/enrollment-tokens', { userId: u.user.id })).token as string;
    };
    log(`enrolling ${o.simulated} simulated and ${o.real} real agents`);
    for (let i = 0; i < o.simulated; i++) {
      // Half the volunteers use the second coordinator while it is up.
      const pick = () => (i % 2 === 1 && twoUp ? two.url : one.url);
      sims.push(await startDrillAgent(pick, await volunteerToken(`sim-${i}`), `sim-${i}`, 'honest', { packet: 4, idleMs: 1000, reconnect: true, reconnectMs: 1000 }));
    }
    for (let i = 0; i < o.real; i++) {
      const dataDir = tempDir(`drill-agent${i}`);
      const w = startAgent({ coordinator: one.url, token: await volunteerToken(`real-${i}`), name: `real-${i}`, dataDir, intensity: 'high' });
      await w.waitFor(/agent ready host=/, 60_000);
      reals.push({ w, dataDir });
    }
    const researcher = await call('/api/v1/users', { name: 'drill-researcher', role: 'researcher' });
    const started = Date.now();
    const batch = await call('/api/v1/batches', {
      name: 'faults drill', kernel: 'bench.hash', params: { rounds: 100, steps: 1 }, replicates: o.wus, seed: 11,
      policy: { minQuorum: 2, adaptive: false, delayBoundSeconds: 60, maxErrorReplicas: 10, maxTotalReplicas: 20 },
    }, researcher.apiKey);
    log(`batch of ${o.wus} WUs submitted`);
    const truth = await rightHashes(db, batch.batchId);
    const remaining = async () => {
      const [r] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM work_units WHERE batch_id = ${batch.batchId} AND state NOT IN ('done', 'failed')`);
      return r!.n;
    };

    // The faults, on their own clocks, until the batch is finished.
    let finished = false;
    let agentCrashes = 0;
    let realKills = 0;
    let coordKills = 0;
    let pgDown = 0;
    let twoSeconds = 0;
    const span = o.coordinatorKills * o.coordinatorEveryS;
    const agentFaults = (async () => {
      for (let k = 1; !finished; k++) {
        await pause(o.agentEveryS * 1000);
        if (finished) break;
        sims[Math.floor(Math.random() * sims.length)]?.crash();
        agentCrashes++;
        if (k % 3 === 0 && reals.length) {
          const i = Math.floor(Math.random() * reals.length);
          await reals[i]!.w.kill('SIGKILL');
          reals[i]!.w = startAgent({ coordinator: one.url, dataDir: reals[i]!.dataDir, name: `real-${i}`, intensity: 'high' });
          realKills++;
        }
      }
    })();
    const coordinatorFaults = (async () => {
      for (let k = 1; k <= o.coordinatorKills && !finished; k++) {
        await pause(o.coordinatorEveryS * 1000);
        if (finished) break;
        // The second coordinator serves during the middle third of the kills.
        const middle = k > o.coordinatorKills / 3 && k <= (2 * o.coordinatorKills) / 3;
        if (!twoUp && middle) { await two.start(); twoUp = true; twoSeconds -= Date.now() / 1000; }
        else if (twoUp && !middle) { twoUp = false; await two.stop(); twoSeconds += Date.now() / 1000; }
        // Every kill hits the first coordinator; while the second serves, every other kill hits it instead.
        const target = twoUp && k % 2 === 0 ? two : one;
        await target.kill9();
        await target.start();
        coordKills++;
        log(`coordinator killed ${coordKills}/${o.coordinatorKills} (${target === one ? 'first' : 'second'}), ${await remaining().catch(() => '?')} WUs open`);
      }
      if (twoUp) { twoUp = false; await two.stop(); twoSeconds += Date.now() / 1000; }
    })();
    const databaseFault = (async () => {
      await pause(Math.max(5, Math.min(120, 0.4 * span)) * 1000);
      if (finished || o.pgDownS <= 0) return;
      log(`PostgreSQL stopped for ${o.pgDownS} s`);
      const t0 = Date.now();
      pg.stop();
      await pause(o.pgDownS * 1000);
      pg.start();
      pgDown = (Date.now() - t0) / 1000;
      log('PostgreSQL started again');
    })();

    const deadline = started + o.timeoutS * 1000;
    let lastLog = 0;
    for (;;) {
      const n = await remaining().catch(() => -1);
      if (n === 0 || Date.now() > deadline) break;
      if (Date.now() - lastLog > 15_000) { log(`${n} WUs open after ${((Date.now() - started) / 1000).toFixed(0)} s`); lastLog = Date.now(); }
      await pause(1000);
    }
    const seconds = (Date.now() - started) / 1000;
    finished = true;
    await Promise.all([agentFaults, coordinatorFaults, databaseFault]);
    // Let the validator and assimilator finish what the last reports started, then stop the volunteers.
    await Promise.all(sims.map((a) => a.stop()));
    for (const r of reals) await r.w.kill('SIGKILL');

    const rows = await db.rows<{ id: number; state: string; sha: string | null }>(sql`
      SELECT w.id, w.state, r.output_sha256 AS sha FROM work_units w LEFT JOIN replicas r ON r.id = w.canonical_replica_id WHERE w.batch_id = ${batch.batchId}`);
    const [c] = await db.rows<{ twice: number; invalid: number; replicas: number }>(sql`
      SELECT (SELECT count(*)::int FROM (SELECT replica_id FROM credit_ledger WHERE reverses_id IS NULL GROUP BY replica_id HAVING count(*) > 1) t) AS twice,
             (SELECT count(*)::int FROM credit_ledger l JOIN replicas r ON r.id = l.replica_id
                WHERE l.reverses_id IS NULL AND r.validate_state <> 'valid'
                  AND NOT EXISTS (SELECT 1 FROM credit_ledger x WHERE x.reverses_id = l.id)) AS invalid,
             (SELECT count(*)::int FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batch.batchId}) AS replicas`);
    const [m] = await db.rows<{ hosts: number; users: number }>(sql`
      SELECT (SELECT count(*)::int FROM hosts h
                WHERE abs(h.total_credit - (SELECT coalesce(sum(granted), 0) FROM credit_ledger l WHERE l.host_id = h.id)) > 1e-6) AS hosts,
             (SELECT count(*)::int FROM user_credit u
                WHERE abs(u.total_credit - (SELECT coalesce(sum(granted), 0) FROM credit_ledger l WHERE l.user_id = u.user_id)) > 1e-6) AS users`);
    return {
      wus: o.wus, simulated: o.simulated, real: o.real, seconds,
      notDone: rows.filter((r) => r.state !== 'done').length,
      failed: rows.filter((r) => r.state === 'failed').length,
      wrongCanonical: rows.filter((r) => r.state === 'done' && r.sha !== truth.get(Number(r.id))).length,
      creditedTwice: c!.twice, grantsToInvalid: c!.invalid, hostMismatch: m!.hosts, userMismatch: m!.users,
      coordinatorKills: coordKills, coordinatorExits: one.exits + two.exits, agentCrashes, realAgentKills: realKills, pgDownSeconds: pgDown,
      secondCoordinatorS: twoSeconds, replicasPerWu: c!.replicas / o.wus,
    };
  } finally {
    await Promise.all(sims.map((a) => a.stop()));
    for (const r of reals) await r.w.kill('SIGKILL');
    await two.stop();
    await one.stop();
    await db.close().catch(() => {});
  }
}

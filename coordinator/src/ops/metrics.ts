import { sql } from 'drizzle-orm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { uuidArray } from '../db/arrays';
import type { DaemonLoop, PassObserver } from '../daemons/daemon-loop';
import type { Db } from '../db/index';

/*
 * The coordinator's Prometheus metrics, one registry per coordinator (so that several in one
 * test process stay apart). Counts that live in the database (work units, replicas, agents) are
 * read when scraped, so every coordinator on one database reports the same totals; what happens
 * in this process (HTTP requests, dispatches, daemon passes) is counted as it happens.
 */

export interface Metrics {
  readonly registry: Registry;
  httpRequest(method: string, route: string, status: number): void;
  /** A packet of `replicas` went out `seconds` after the agent asked (or after work appeared, for an idle agent). */
  dispatched(replicas: number, seconds: number): void;
  readonly daemonPass: PassObserver;
  /** The loops whose time since their last pass is shown. */
  watchDaemons(loops: DaemonLoop[]): void;
}

export function createMetrics(parts: { db: Db; agents: { onlineHostIds(): string[] } }): Metrics {
  const { db, agents } = parts;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nflgrid_' });
  let loops: DaemonLoop[] = [];

  const http = new Counter({ name: 'nflgrid_http_requests_total', help: 'HTTP requests answered, by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const dispatchSeconds = new Histogram({
    name: 'nflgrid_dispatch_seconds', help: 'From an agent asking for work to its packet going out',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const dispatched = new Counter({ name: 'nflgrid_replicas_dispatched_total', help: 'Replicas sent to agents by this coordinator', registers: [registry] });
  const passSeconds = new Histogram({
    name: 'nflgrid_daemon_pass_seconds', help: 'Duration of one daemon pass', labelNames: ['daemon'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [registry],
  });

  new Gauge({
    name: 'nflgrid_work_units', help: 'Work units by state (whole database)', labelNames: ['state'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await db.rows<{ state: string; n: number }>(sql`SELECT state, count(*)::int AS n FROM work_units GROUP BY state`)) this.set({ state: r.state }, r.n);
    },
  });
  new Gauge({
    name: 'nflgrid_replicas', help: 'Replicas by state and validation (whole database): reported/valid, reported/invalid, ...', labelNames: ['state', 'validation'], registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.rows<{ state: string; v: string; n: number }>(sql`SELECT state, validate_state AS v, count(*)::int AS n FROM replicas GROUP BY state, validate_state`);
      for (const r of rows) this.set({ state: r.state, validation: r.v }, r.n);
    },
  });
  new Gauge({
    name: 'nflgrid_agents_connected', help: 'Agents connected to this coordinator, by intensity', labelNames: ['intensity'], registers: [registry],
    async collect() {
      this.reset();
      const ids = agents.onlineHostIds();
      if (ids.length === 0) return;
      const rows = await db.rows<{ intensity: string; n: number }>(sql`
        SELECT intensity::text, count(*)::int AS n FROM hosts WHERE id = ANY(${uuidArray(ids)}) GROUP BY intensity`);
      for (const r of rows) this.set({ intensity: r.intensity }, r.n);
    },
  });
  new Gauge({
    name: 'nflgrid_daemon_seconds_since_pass', help: 'Seconds since each daemon last finished a pass (its lag; the scheduler runs on wake-ups only)', labelNames: ['daemon'], registers: [registry],
    collect() {
      this.reset();
      for (const l of loops) {
        const { lastPassEndedAt } = l.status();
        if (lastPassEndedAt) this.set({ daemon: l.name }, (Date.now() - lastPassEndedAt) / 1000);
      }
    },
  });
  new Gauge({ name: 'nflgrid_db_pool_size', help: 'Connections the database driver may open (1 for PGlite)', registers: [registry], collect() { this.set(db.pool.size); } });
  new Gauge({ name: 'nflgrid_db_pool_busy', help: 'Statements and transactions under way through the queue SQL', registers: [registry], collect() { this.set(db.pool.busy()); } });

  return {
    registry,
    httpRequest: (method, route, status) => http.inc({ method, route, status: String(status) }),
    dispatched(replicas, seconds) {
      dispatched.inc(replicas);
      dispatchSeconds.observe(seconds);
    },
    daemonPass: (daemon, seconds) => passSeconds.observe({ daemon }, seconds),
    watchDaemons(l) { loops = l; },
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { createKernelData } from '@nfl-grid/shared/data/kernel-data';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { startCoordinator } from '../../coordinator/src/coordinator';
import type { Db } from '../../coordinator/src/db/index';
import { type Behaviour, type DrillAgent, startDrillAgent } from './drill-agent';

/*
 * One cheating drill: a coordinator with every role running, honest and cheating volunteers
 * (drill-agent.ts, one volunteer account each) over real websockets, one batch of bench.hash WUs.
 * While it runs, the canonical outputs are compared with the right ones every POLL_MS, so the
 * worst moment is seen as well as the end.
 */

export interface Scenario {
  label: string;
  honest: number;
  cheaters: number;
  behaviour: Exclude<Behaviour, 'honest'>;
  wus: number;
  /** Adaptive replication (trusted hosts take WUs alone, with spot checks). */
  adaptive: boolean;
  /** A sleeper starts cheating after this many valid results. */
  wakeAfter?: number;
  packet?: number;
  timeoutMs?: number;
}

export interface Outcome {
  label: string;
  wus: number;
  /** WUs whose canonical output is wrong when the batch has finished, and at the worst moment. */
  wrongEnd: number;
  wrongWorst: number;
  failed: number;
  /** Honest results judged invalid, and all results reported. */
  honestInvalid: number;
  replicas: number;
  /** Credit granted in the ledger (positive rows), to everyone and to the cheaters; reversed (negative or reversal rows). */
  granted: number;
  cheaterGranted: number;
  /** What the cheaters keep: their grants less their reversals. */
  cheaterNet: number;
  reversed: number;
  /** Seconds from the first wrong result until every cheater has an invalid result or a flagged pair; null: never. */
  detectionSeconds: number | null;
  flaggedPairs: number;
  /** Flagged pairs with an honest host in them (false alarms). */
  honestFlagged: number;
  /**
   * Wrong canonical outputs that some host not yet caught (no invalid result, no flagged pair)
   * vouched for: those a re-examination of caught hosts' quorums would not reach.
   */
  wrongUncaught: number;
  seconds: number;
}

const POLL_MS = 250;
const noData = createKernelData(new Map());

/** The right output hash of every WU of a batch, computed here with the kernel (bench.hash is deterministic per seed). */
export async function rightHashes(db: Db, batchId: string): Promise<Map<number, string>> {
  const rows = await db.rows<{ id: number; params: Record<string, unknown>; seed: number }>(sql`SELECT id, params, seed FROM work_units WHERE batch_id = ${batchId}`);
  const kernel = getKernel('bench.hash@1');
  const out = new Map<number, string>();
  for (const r of rows) out.set(Number(r.id), await sha256Hex(canonicalJson(runKernelSync(kernel, r.params, Number(r.seed), noData))));
  return out;
}

/**
 * Credit from the ledger, read generically: granted is the sum of positive rows; reversed is the
 * sum of negative rows, and of rows whose `kind` (where the ledger has that column) names
 * anything but a grant.
 */
async function ledgerTotals(db: Db, batchId: string, cheaters: string[]): Promise<{ granted: number; cheaterGranted: number; cheaterNet: number; reversed: number }> {
  const [kind] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'credit_ledger' AND column_name = 'kind'`);
  const reversal = kind!.n > 0 ? sql.raw(`(granted < 0 OR coalesce(kind::text, 'grant') NOT IN ('grant', 'granted'))`) : sql.raw('(granted < 0)');
  const ids = cheaters.length ? cheaters : ['00000000-0000-0000-0000-000000000000'];
  const [row] = await db.rows<{ granted: number; cheater: number; cheater_net: number; reversed: number }>(sql`
    SELECT coalesce(sum(granted) FILTER (WHERE NOT ${reversal}), 0)::float8 AS granted,
           coalesce(sum(granted) FILTER (WHERE NOT ${reversal} AND host_id IN ${ids}), 0)::float8 AS cheater,
           coalesce(sum(granted) FILTER (WHERE host_id IN ${ids}), 0)::float8 AS cheater_net,
           coalesce(sum(abs(granted)) FILTER (WHERE ${reversal}), 0)::float8 AS reversed
      FROM credit_ledger WHERE wu_id IN (SELECT id FROM work_units WHERE batch_id = ${batchId})`);
  return { granted: Number(row!.granted), cheaterGranted: Number(row!.cheater), cheaterNet: Number(row!.cheater_net), reversed: Number(row!.reversed) };
}

/** A coordinator with every role running, for one or more scenarios (each brings new volunteers). */
export interface DrillGrid {
  url: string;
  db: Db;
  adminKey: string;
  /** Scenarios run so far (names of users stay unique across them). */
  runs: number;
  stop(): Promise<void>;
}

/** Opens a drill grid on `db` (a migrated test database), or on a database of its own: PGlite, or `databaseUrl`. */
export async function openDrillGrid(where: { db?: Db; databaseUrl?: string | null } = {}): Promise<DrillGrid> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nfl-drill-'));
  const env = { NFL_GRID_NO_WORK_RETRY_MS: '200', NFL_GRID_VALIDATOR_MS: '100', NFL_GRID_ASSIMILATOR_MS: '200', NFL_GRID_MAX_PACKET: '50', NFL_GRID_TRUSTED_WAIT_S: '5' };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const c = await startCoordinator({ port: 0, dataDir, databaseUrl: where.db ? undefined : (where.databaseUrl ?? null) }, { db: where.db })
    .finally(() => { for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; } });
  return {
    url: c.url, db: c.grid.db, adminKey: c.adminKey!, runs: 0,
    async stop() {
      await c.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one scenario on a drill grid: its own volunteers, its own batch; they leave at the end. */
export async function runScenario(g: DrillGrid, s: Scenario): Promise<Outcome> {
  const db = g.db;
  const run = ++g.runs;
  const agents: DrillAgent[] = [];
  try {
    const admin = async (path: string, body: unknown, key = g.adminKey) => {
      const res = await fetch(g.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const volunteer = async (name: string) => {
      const u = await admin('/api/v1/users', { name, role: 'volunteer' });
      return (await admin('/api/v1/enrollment-tokens', { userId: u.user.id })).token as string;
    };
    // Cheaters spread evenly through the roster, as they would arrive among honest volunteers.
    const total = s.honest + s.cheaters;
    const kinds: Behaviour[] = Array.from({ length: total }, (_, i) =>
      Math.floor(((i + 1) * s.cheaters) / total) > Math.floor((i * s.cheaters) / total) ? s.behaviour : 'honest');
    for (const [n, k] of kinds.entries()) {
      const name = `r${run}-${k}-${n}`;
      agents.push(await startDrillAgent(g.url, await volunteer(name), name, k, { packet: s.packet ?? 2, wakeAfter: s.wakeAfter }));
    }
    const researcher = await admin('/api/v1/users', { name: `r${run}-researcher`, role: 'researcher' });
    const start = Date.now();
    const batch = await admin('/api/v1/batches', {
      name: `drill ${s.label}`, kernel: 'bench.hash', params: { rounds: 100, steps: 1 }, replicates: s.wus, seed: 11,
      policy: { minQuorum: 2, adaptive: s.adaptive, delayBoundSeconds: 600 },
    }, researcher.apiKey);
    const truth = await rightHashes(db, batch.batchId);
    const cheaters = agents.filter((a) => a.behaviour !== 'honest');
    const cheaterIds = cheaters.map((a) => a.hostId);
    let wrongWorst = 0;
    let wrongNow = 0;
    let detectedAt: number | null = null;
    const deadline = start + (s.timeoutMs ?? 120_000);
    for (;;) {
      const rows = await db.rows<{ id: number; state: string; sha: string | null }>(sql`
        SELECT w.id, w.state, r.output_sha256 AS sha FROM work_units w LEFT JOIN replicas r ON r.id = w.canonical_replica_id
         WHERE w.batch_id = ${batch.batchId}`);
      wrongNow = rows.filter((r) => r.sha !== null && r.sha !== truth.get(Number(r.id))).length;
      wrongWorst = Math.max(wrongWorst, wrongNow);
      if (detectedAt === null && cheaterIds.length) {
        const [caught] = await db.rows<{ n: number }>(sql`
          SELECT count(*)::int AS n FROM hosts h WHERE h.id IN ${cheaterIds}
             AND (h.invalid_count > 0 OR EXISTS (SELECT 1 FROM agreement_pairs p WHERE p.flagged_at IS NOT NULL AND h.id IN (p.host_a, p.host_b)))`);
        if (caught!.n === cheaterIds.length) detectedAt = Date.now();
      }
      if (rows.every((r) => r.state === 'done' || r.state === 'failed') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const seconds = (Date.now() - start) / 1000;
    await Promise.all(agents.map((a) => a.stop()));
    const rowIds = agents.map((a) => a.hostId);
    const honestIds = agents.filter((a) => a.behaviour === 'honest').map((a) => a.hostId);
    const [counts] = await db.rows<{ invalid: number; replicas: number; failed: number; flagged: number; honest_flagged: number }>(sql`
      SELECT (SELECT count(*)::int FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batch.batchId} AND r.validate_state = 'invalid' AND r.host_id IN ${honestIds}) AS invalid,
             (SELECT count(*)::int FROM replicas r JOIN work_units w ON w.id = r.wu_id WHERE w.batch_id = ${batch.batchId} AND r.state = 'reported') AS replicas,
             (SELECT count(*)::int FROM work_units WHERE batch_id = ${batch.batchId} AND state = 'failed') AS failed,
             (SELECT count(*)::int FROM agreement_pairs WHERE flagged_at IS NOT NULL AND host_a IN ${rowIds}) AS flagged,
             (SELECT count(*)::int FROM agreement_pairs WHERE flagged_at IS NOT NULL AND (host_a IN ${honestIds} OR host_b IN ${honestIds})) AS honest_flagged`);
    // Wrong canonicals, and whether every host that vouched for each has been caught since.
    const vouched = await db.rows<{ wu_id: number; sha: string; caught: boolean }>(sql`
      SELECT w.id AS wu_id, c.output_sha256 AS sha,
             bool_and(h.invalid_count > 0 OR EXISTS (SELECT 1 FROM agreement_pairs p WHERE p.flagged_at IS NOT NULL AND h.id IN (p.host_a, p.host_b))) AS caught
        FROM work_units w
        JOIN replicas c ON c.id = w.canonical_replica_id
        JOIN replicas r ON r.wu_id = w.id AND r.validate_state = 'valid'
        JOIN hosts h ON h.id = r.host_id
       WHERE w.batch_id = ${batch.batchId}
       GROUP BY w.id, c.output_sha256`);
    const wrongUncaught = vouched.filter((v) => v.sha !== truth.get(Number(v.wu_id)) && !v.caught).length;
    const firstWrong = s.behaviour === 'sleeper' ? Math.min(...cheaters.map((a) => a.wokeAt ?? Infinity)) : start;
    return {
      label: s.label, wus: s.wus, wrongEnd: wrongNow, wrongWorst, failed: counts!.failed, honestInvalid: counts!.invalid, replicas: counts!.replicas,
      ...(await ledgerTotals(db, batch.batchId, cheaterIds)),
      detectionSeconds: detectedAt === null || !Number.isFinite(firstWrong) ? null : Math.max(0, (detectedAt - firstWrong) / 1000),
      flaggedPairs: counts!.flagged,
      honestFlagged: counts!.honest_flagged,
      wrongUncaught,
      seconds,
    };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

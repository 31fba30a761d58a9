/*
 * The queue's database phases in isolation, on the same PostgreSQL as `npm run bench`: claim,
 * report and validate N quorum-2 WUs for 100 hosts, each phase timed on its own. It tells which
 * phase bounds the end-to-end figure.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { BatchSpec } from '@nfl-grid/shared/api/batch';
import { getKernel } from '@nfl-grid/shared/kernels/registry';
import { runKernelSync } from '@nfl-grid/shared/kernels/runner';
import { newEd25519KeyPair } from '@nfl-grid/shared/signing/keys';
import { canonicalJson } from '@nfl-grid/shared/hashing/canonical-json';
import { sha256Hex } from '@nfl-grid/shared/hashing/sha256';
import { resolveCoordinatorConfig } from '../../coordinator/src/config';
import { assimilatorPass } from '../../coordinator/src/daemons/assimilator';
import { validatorPass } from '../../coordinator/src/daemons/validator';
import { openPostgres } from '../../coordinator/src/db/index';
import { migrateServer } from '../../coordinator/src/db/migrate';
import { hosts, users } from '../../coordinator/src/db/schema/index';
import { openGrid } from '../../coordinator/src/coordinator';
import { claimSql, claimWork, type ClaimedReplica } from '../../coordinator/src/queue/claim-work';
import { reportResults } from '../../coordinator/src/queue/report-results';
import { submitBatch } from '../../coordinator/src/queue/submit-batch';

const N = Number(process.env.BENCH_WUS ?? 10_000);
const HOSTS = 100;
const PACKET = 50;
const base = process.env.DATABASE_URL;
if (!base) throw new Error('set DATABASE_URL');
const name = `nflgrid_phases_${process.pid}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${name}`);
const u = new URL(base); u.pathname = `/${name}`;
await migrateServer(u.toString());
const db = await openPostgres(u.toString(), { max: 20 });
const grid = await openGrid(resolveCoordinatorConfig({ dataDir: mkdtempSync(join(tmpdir(), 'phases-')), databaseUrl: null }, {}), { db });
const kernel = getKernel('bench.hash@1');
const noData = { dataset: () => { throw new Error('none'); } };

const [researcher] = await db.orm.insert(users).values({ name: 'r', role: 'researcher' }).returning();
const hostList: { hostId: string; ownerId: string; kernels: string[]; gpu: boolean; memoryMb: number }[] = [];
for (let i = 0; i < HOSTS; i++) {
  const [owner] = await db.orm.insert(users).values({ name: `v${i}`, role: 'volunteer' }).returning();
  const [h] = await db.orm.insert(hosts).values({ ownerId: owner!.id, name: `h${i}`, publicKey: (await newEd25519KeyPair()).publicJwk, kernels: ['bench.hash@1'], memoryMb: 4096 }).returning();
  hostList.push({ hostId: h!.id, ownerId: owner!.id, kernels: ['bench.hash@1'], gpu: false, memoryMb: 4096 });
}
await submitBatch(grid, researcher!.id, BatchSpec.parse({ name: 'phases', kernel: 'bench.hash', params: { rounds: 10, steps: 1 }, replicates: N, policy: { minQuorum: 2, adaptive: false } }));
const policy = { trustStreak: 10, trustMaxErrorRate: 0.05, spotCheckRate: 0.1, maxSoloPerCore: 1 };

const time = async (label: string, units: number, fn: () => Promise<void>) => {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`| ${label} | ${(units / s).toFixed(0)} per s | ${s.toFixed(2)} s |`);
};
console.log(`\n| phase (${N} WUs, quorum 2, ${HOSTS} hosts, packets of ${PACKET}) | rate | time |\n|---|---|---|`);
if (process.env.BENCH_EXPLAIN) {
  await db.rows(sql`ANALYZE work_units`);
  await db.transaction(async (tx) => {
    console.log((await tx.rows<Record<string, string>>(sql`EXPLAIN ANALYZE ${claimSql(hostList[0]!, PACKET, policy)}`)).map((r) => Object.values(r)[0]).join('\n'));
    throw new Error('rollback');
  }).catch(() => {});
}
const claimed = new Map<string, ClaimedReplica[]>();
await time('claim replicas', 2 * N, async () => {
  await Promise.all(hostList.map(async (h) => {
    const mine: ClaimedReplica[] = [];
    for (;;) {
      const got = await claimWork(db, h, PACKET, policy);
      if (got.length === 0) break;
      mine.push(...got);
    }
    claimed.set(h.hostId, mine);
  }));
});
const outputs = new Map<number, { output: unknown; sha: string }>();
for (const list of claimed.values()) for (const c of list) {
  const output = runKernelSync(kernel, kernel.paramsSchema.parse(c.params), c.seed, noData);
  outputs.set(c.replica_id, { output, sha: await sha256Hex(canonicalJson(output)) });
}
await time('report results', 2 * N, async () => {
  await Promise.all(hostList.map(async (h) => {
    const list = claimed.get(h.hostId)!;
    for (let i = 0; i < list.length; i += PACKET) {
      await reportResults(db, h.hostId, 1e9, list.slice(i, i + PACKET).map((c) => ({
        replicaId: c.replica_id, output: outputs.get(c.replica_id)!.output, outputSha256: outputs.get(c.replica_id)!.sha, cpuSeconds: 0.001, elapsedSeconds: 0.001, steps: 1,
      })));
    }
  }));
});
if (process.env.BENCH_EXPLAIN) {
  for (const q of [
    sql`EXPLAIN ANALYZE SELECT w.id, (SELECT (count(*) FILTER (WHERE r.state = 'in_progress'))::int FROM replicas r WHERE r.wu_id = w.id) AS in_progress FROM work_units w WHERE w.needs_validation ORDER BY w.id LIMIT 500 FOR UPDATE OF w SKIP LOCKED`,
  ]) console.log((await db.rows<Record<string, string>>(q)).map((r) => Object.values(r)[0]).join('\n'));
}
await time('validate WUs', N, async () => { while ((await validatorPass(grid)) > 0) { /* drain */ } });
await time('assimilate WUs', N, async () => { while ((await assimilatorPass(grid)) > 0) { /* drain */ } });
const [check] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM work_units WHERE state = 'done'`);
console.log(`WUs done: ${check!.n}`);
await db.close();
await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
process.exit(0);

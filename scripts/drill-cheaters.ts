import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Outcome, openDrillGrid, runScenario, type Scenario } from './drill/cheat-scenario';

/*
 * npm run drill:cheaters: cheaters of every kind against a coordinator with all its roles (on
 * PGlite; on a new PostgreSQL database with DATABASE_URL), each row with volunteers of its own who
 * leave when it ends, and a table of what got through. 20 volunteers per row (one host each), 200 bench.hash WUs at quorum 2.
 *   cheat      each cheater returns a wrong output of its own
 *   collude    the cheaters return the same wrong output
 *   sleeper    one host of 10 honest until it has 12 valid results, then cheating on everything,
 *              with adaptive replication on (trusted hosts get unreplicated work)
 * Options: --wus N (default 200), --only <label substring>.
 */

const HOSTS = 20;

function args(): { wus: number; only: string | null } {
  const a = process.argv.slice(2);
  const get = (k: string) => { const i = a.indexOf(k); return i >= 0 ? a[i + 1] ?? null : null; };
  const wus = Number(get('--wus') ?? 200);
  if (!Number.isInteger(wus) || wus < 1 || wus > 2000) throw new Error('--wus: a whole number of work units, 1 to 2000');
  return { wus, only: get('--only') };
}

function scenarios(wus: number): Scenario[] {
  const rows: Scenario[] = [];
  for (const share of [0.1, 0.2, 0.3]) {
    const cheaters = Math.round(HOSTS * share);
    for (const behaviour of ['cheat', 'collude'] as const) {
      rows.push({ label: `${share * 100}% ${behaviour === 'cheat' ? 'alone' : 'colluding'}`, honest: HOSTS - cheaters, cheaters, behaviour, wus, adaptive: false, timeoutMs: 60_000 });
    }
  }
  // Fewer volunteers and twice the WUs, so the sleeper earns trust (10 valid in a row) and then
  // has work left to poison.
  rows.push({ label: 'sleeper (1 of 10)', honest: 9, cheaters: 1, behaviour: 'sleeper', wakeAfter: 12, wus: 2 * wus, adaptive: true, timeoutMs: 60_000 });
  return rows;
}

/** A fresh PostgreSQL database for the drill, dropped afterwards. */
async function withDatabase<T>(base: string | null, fn: (url: string | null) => Promise<T>): Promise<T> {
  if (!base) return fn(null);
  const name = `nflgrid_drill_${randomBytes(5).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '–');

function table(rows: Outcome[]): string {
  const head = ['scenario', 'wrong canonical (end)', 'at worst', 'of them vouched by an uncaught host', 'failed WUs', 'honest invalid', 'replicas/WU', 'detected after', 'flagged pairs', 'cheaters\' credit paid (kept)', 'credit reversed', 'seconds'];
  const body = rows.map((o) => [
    o.label, `${o.wrongEnd} (${pct(o.wrongEnd, o.wus)})`, `${o.wrongWorst} (${pct(o.wrongWorst, o.wus)})`, String(o.wrongUncaught), String(o.failed),
    `${o.honestInvalid} of ${o.replicas}`, (o.replicas / o.wus).toFixed(2), o.detectionSeconds === null ? 'never' : `${o.detectionSeconds.toFixed(1)} s`,
    `${o.flaggedPairs} (${o.honestFlagged} honest)`, `${pct(o.cheaterGranted, o.granted)} (${pct(o.cheaterNet, o.granted)})`, pct(o.reversed, o.granted), o.seconds.toFixed(1),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

async function main() {
  const { wus, only } = args();
  process.env.NFL_GRID_LOG_LEVEL ??= 'warn';
  const base = process.env.DATABASE_URL || null;
  const rows: Outcome[] = [];
  const started = Date.now();
  await withDatabase(base, async (url) => {
    const grid = await openDrillGrid({ databaseUrl: url });
    try {
      for (const s of scenarios(wus).filter((x) => !only || x.label.includes(only))) {
        const o = await runScenario(grid, s);
        rows.push(o);
        console.error(`${s.label}: ${o.wrongEnd} wrong canonical at the end, ${o.wrongWorst} at worst, ${o.seconds.toFixed(1)} s`);
        // Let the departed volunteers' hosts go offline before the next row's arrive.
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await grid.stop();
    }
  });
  console.log(`\ncheaters drill on ${base ? 'PostgreSQL' : 'PGlite'}: ${HOSTS} volunteers, ${wus} bench.hash WUs at quorum 2 per row, ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`);
  console.log(table(rows));
  console.log('\n"detected after": from the first wrong result until every cheater has an invalid result or a flagged pair.');
  console.log('"vouched by an uncaught host": wrong canonicals that re-examining caught hosts\' quorums would not reach.');
  console.log('"credit reversed": negative or reversal rows in the credit ledger, as a share of credit granted.');
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});

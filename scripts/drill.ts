import { type FaultFigures, runFaults } from './drill/faults';
import { startOwnPostgres } from './drill/own-postgres';
import { runScale, type ScaleFigures } from './drill/scale';

/*
 * npm run drill: the grid under faults, on a PostgreSQL server of the drill's own (started here
 * in a temporary folder, so stopping it disturbs nothing else). See drill/faults.ts and
 * drill/scale.ts for what each part does.
 *   npm run drill                   faults, short: 1,000 WUs, 40 simulated + 3 real agents, 20 coordinator kills
 *   npm run drill -- --full         faults as issue 15 states: 10,000 WUs, 200 simulated + 3 real agents
 *   npm run drill -- --scale        scale, short: 1,000 idle sockets, 2,000 silent ones, a 50 MB body
 *   npm run drill -- --scale --full scale with 10,000 idle sockets
 * Options: --wus N, --agents N, --real N, --kills N, --kill-every S, --idle N, --silent N.
 */

const argv = process.argv.slice(2);
const flag = (k: string) => argv.includes(k);
function num(k: string, d: number): number {
  const i = argv.indexOf(k);
  if (i < 0) return d;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${k}: a whole number, 0 or more`);
  return v;
}

const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (rows: [string, string | number, string][]) =>
  [line(['figure', 'value', 'expected']), line(['---', '---', '---']), ...rows.map(line)].join('\n');
const f1 = (x: number) => x.toFixed(1);

function faultTable(f: FaultFigures): { text: string; ok: boolean } {
  const rows: [string, string | number, string][] = [
    ['work units / simulated agents / real agents', `${f.wus} / ${f.simulated} / ${f.real}`, ''],
    ['time to finish', `${f1(f.seconds)} s`, ''],
    ['WUs not done (lost or stuck)', f.notDone, '0'],
    ['WUs failed', f.failed, '0'],
    ['canonical outputs differing from the clean run', f.wrongCanonical, '0'],
    ['replicas credited twice', f.creditedTwice, '0'],
    ['grants standing on replicas not valid', f.grantsToInvalid, '0'],
    ['hosts whose total differs from the ledger', f.hostMismatch, '0'],
    ['volunteers whose total differs from the ledger', f.userMismatch, '0'],
    ['coordinator kills -9 (restarted)', f.coordinatorKills, ''],
    ['coordinator exits on their own (restarted)', f.coordinatorExits, ''],
    ['seconds two coordinators served one database', f1(f.secondCoordinatorS), ''],
    ['simulated agents dropped / real agents killed -9', `${f.agentCrashes} / ${f.realAgentKills}`, ''],
    ['PostgreSQL down', `${f1(f.pgDownSeconds)} s`, ''],
    ['replicas per WU', f.replicasPerWu.toFixed(2), '≥ 2'],
  ];
  const ok = f.notDone === 0 && f.wrongCanonical === 0 && f.creditedTwice === 0 && f.grantsToInvalid === 0 && f.hostMismatch === 0 && f.userMismatch === 0;
  return { text: table(rows), ok };
}

function scaleTable(s: ScaleFigures, helloTimeoutS: number): { text: string; ok: boolean } {
  const rows: [string, string | number, string][] = [
    ['idle authenticated sockets', s.idle, ''],
    ['time to enroll and welcome them', `${f1(s.connectSeconds)} s`, ''],
    ['coordinator RSS: none connected / all connected', `${s.rssBaseMb.toFixed(0)} / ${s.rssIdleMb.toFixed(0)} MB`, ''],
    ['heartbeat (ws ping) p50 / p99', `${f1(s.heartbeatP50Ms)} / ${f1(s.heartbeatP99Ms)} ms`, ''],
    ['dispatch latency p50 / p99', `${f1(s.dispatchP50Ms)} / ${f1(s.dispatchP99Ms)} ms`, ''],
    ['silent sockets closed', `${s.silentClosed} of ${s.silent}`, 'all'],
    ['slowest close of a silent socket, from its open', `${f1(s.silentMaxCloseS)} s`, `≤ ${helloTimeoutS + 5} s`],
    ['the same, from its dial (accept queue included)', `${f1(s.silentMaxFromDialS)} s`, ''],
    ['50 MB body', s.bigStatus, '413'],
    ['coordinator RSS before / after the 50 MB body', `${s.rssBeforeBigMb.toFixed(0)} / ${s.rssAfterBigMb.toFixed(0)} MB`, 'no growth of 50 MB'],
  ];
  const ok = s.silentClosed === s.silent && s.silentMaxCloseS <= helloTimeoutS + 5 && s.bigStatus === 413 && s.rssAfterBigMb - s.rssBeforeBigMb < 50;
  return { text: table(rows), ok };
}

async function main() {
  const full = flag('--full');
  const log = (s: string) => console.error(`[drill ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const pg = await startOwnPostgres();
  log(`own PostgreSQL at ${pg.url}`);
  // An interrupted drill still stops its own PostgreSQL and removes its folder.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { pg.remove(); process.exit(130); });
  let ok = false;
  try {
    if (flag('--scale')) {
      const s = await runScale(pg, { idle: num('--idle', full ? 10_000 : 1000), silent: num('--silent', 2000), probes: 200 }, log);
      const t = scaleTable(s, 15);
      console.log(`\nscale drill on PostgreSQL\n\n${t.text}\n`);
      ok = t.ok;
    } else {
      const f = await runFaults(pg, {
        wus: num('--wus', full ? 10_000 : 1000), simulated: num('--agents', full ? 200 : 40), real: num('--real', 3),
        coordinatorKills: num('--kills', 20), coordinatorEveryS: num('--kill-every', full ? 15 : 4), agentEveryS: 3, pgDownS: 10,
        timeoutS: full ? 3600 : 900,
      }, log);
      const t = faultTable(f);
      console.log(`\nfaults drill on PostgreSQL\n\n${t.text}\n`);
      ok = t.ok;
    }
  } finally {
    pg.remove();
  }
  console.log(ok ? 'drill passed' : 'drill FAILED: a figure is off its expected value');
  process.exitCode = ok ? 0 : 1;
}

main().then(() => process.exit(process.exitCode ?? 0), (e) => {
  console.error(e);
  process.exit(1);
});

import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildAgentBinary } from './package-agent/build';

/*
 * `npm run package:agent` — builds dist/nfl-agent, one file that runs without Node or
 * node_modules (scripts/package-agent/build.ts says how), then prints its size and how long
 * `nfl-agent --version` takes to start.
 *   --out FILE    where to write it (default dist/nfl-agent)
 *   --if-stale    build only when the sources changed since the last build
 *   --no-strip    keep Node's debug symbols
 */

const { values } = parseArgs({
  options: { out: { type: 'string' }, 'if-stale': { type: 'boolean' }, 'no-strip': { type: 'boolean' } },
  strict: true,
});

function timeRun(file: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { PATH: process.env.PATH ?? '' } }, (e) => (e ? reject(e) : resolve(performance.now() - t0)));
  });
}

const r = await buildAgentBinary({ out: values.out, ifStale: values['if-stale'], strip: !values['no-strip'] });
for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
const mb = (r.bytes / 1048576).toFixed(1);
if (!r.built) {
  process.stdout.write(`${r.out} is up to date (${mb} MB)\n`);
} else {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push(await timeRun(r.out, ['--version']));
  runs.sort((a, b) => a - b);
  process.stdout.write(`built ${r.out}: ${mb} MB in ${r.seconds.toFixed(1)} s; \`nfl-agent --version\` starts in ${runs[2]!.toFixed(0)} ms (median of 5, min ${runs[0]!.toFixed(0)} ms)\n`);
}

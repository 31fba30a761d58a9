/*
 * `npm run build:console`: bundles the console front-end into its cache folder (a coordinator
 * does the same at start when the bundle is missing or stale). Exits 1 with esbuild's messages
 * when the sources do not build.
 */
import { ensureConsoleBuilt } from './build-console';

try {
  const b = await ensureConsoleBuilt();
  const size = [...b.files.values()].reduce((s, f) => s + f.body.length, 0);
  process.stdout.write(`console ${b.built ? 'built' : 'up to date'}: ${b.dir} (${b.files.size} files, ${Math.round(size / 1024)} KiB, ${b.ms} ms)\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}

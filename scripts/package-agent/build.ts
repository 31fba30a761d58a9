import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { WASM_FILES } from '../../agent/src/heat/backend';
import { buildDataIndex, DATA_INDEX_ASSET } from '../../agent/src/work/data-index';
import { WORKER_ASSET } from '../../agent/src/work/worker-source';

/*
 * Builds dist/nfl-agent, a Node single executable application (SEA):
 *   1. esbuild bundles the CLI (sea-main.ts) and, separately, the kernel worker (sea-worker.ts)
 *      into CommonJS, each with TensorFlow.js and its wasm backend inside (tfjs-bundled.ts);
 *   2. the assets: the worker bundle, the data index, and tfjs-backend-wasm's three .wasm files
 *      (plain, SIMD, threaded SIMD), which the agent writes to <data-dir>/wasm at start;
 *   3. `node --experimental-sea-config` makes the preparation blob;
 *   4. a copy of this Node binary (stripped of debug symbols when `strip` exists) gets the blob
 *      injected with postject, and replaces the output atomically.
 * A stamp beside the binary records a hash of everything that went in, so `ifStale` rebuilds only
 * when the sources, the data or Node changed.
 */

const exec = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BuildAgentOptions {
  out?: string;
  /** Skip the build when the stamp matches the inputs. */
  ifStale?: boolean;
  strip?: boolean;
  log?: (line: string) => void;
}

export interface BuildAgentResult {
  out: string;
  built: boolean;
  bytes: number;
  seconds: number;
  notes: string[];
}

const require = createRequire(import.meta.url);

/** Hash of the agent's and shared sources, the data files, this builder and the Node version. */
async function inputsHash(): Promise<string> {
  const h = createHash('sha256').update(process.version).update(process.execPath);
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (!e.name.endsWith('.test.ts') && !e.name.endsWith('.md')) h.update(relative(ROOT, p)).update(await readFile(p));
    }
  };
  for (const d of ['agent/src', 'shared/src', 'scripts/package-agent', 'data']) await walk(join(ROOT, d));
  for (const f of ['package-lock.json', 'scripts/package-agent.ts']) h.update(await readFile(join(ROOT, f)).catch(() => Buffer.alloc(0)));
  return h.digest('hex');
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  write: false,
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // A CommonJS bundle has no import.meta; the only users of it are source-checkout code paths.
  define: { 'import.meta.url': '__nfl_import_meta_url' },
  banner: { js: 'var __nfl_import_meta_url = require("url").pathToFileURL(__filename).href;' },
  // tsx only serves source checkouts; tfjs-node-gpu is native (required by name, never bundled).
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'tsx', 'tsx/*'],
  plugins: [missingOptional(['bufferutil', 'utf-8-validate', 'osx-temperature-sensor'])],
};

/**
 * Optional native packages (ws, systeminformation require them inside try/catch): bundled as a
 * module that throws MODULE_NOT_FOUND, so the fallback is taken without a require() from disk
 * (which a single executable cannot do, and warns about).
 */
function missingOptional(names: string[]): Plugin {
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'missing-optional',
    setup(b) {
      b.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'missing-optional' }));
      b.onLoad({ filter: /.*/, namespace: 'missing-optional' }, (a) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${a.path}' (not in the nfl-agent binary)`)}), { code: 'MODULE_NOT_FOUND' });`,
        loader: 'js',
      }));
    },
  };
}

async function bundle(entry: string): Promise<string> {
  const r = await build({ ...common, entryPoints: [join(ROOT, entry)] });
  return r.outputFiles![0]!.text;
}

/** tfjs-backend-wasm's .wasm files: asset name → file. */
async function wasmFiles(): Promise<Array<[string, string]>> {
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const found = WASM_FILES.map((f) => [f, join(dir, f)] as [string, string]);
  for (const [, file] of found) await stat(file);
  return found;
}

export async function buildAgentBinary(o: BuildAgentOptions = {}): Promise<BuildAgentResult> {
  const t0 = performance.now();
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const exe = process.platform === 'win32' ? '.exe' : '';
  const out = o.out ?? join(ROOT, 'dist', `nfl-agent${exe}`);
  const stampFile = `${out}.stamp`;
  const hash = await inputsHash();
  if (o.ifStale) {
    const stamp = await readFile(stampFile, 'utf8').catch(() => '');
    const exists = await stat(out).then(() => true, () => false);
    if (exists && stamp.trim() === hash) {
      return { out, built: false, bytes: (await stat(out)).size, seconds: (performance.now() - t0) / 1000, notes: ['up to date'] };
    }
  }
  let inject: (file: string, name: string, data: Buffer, opts: Record<string, unknown>) => Promise<void>;
  try {
    ({ inject } = await import('postject' as string) as { inject: typeof inject });
  } catch {
    throw new Error('postject is not installed: add the devDependency postject@1.0.0-alpha.6 (npm install)');
  }

  const work = join(dirname(out), `.nfl-agent-build-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const notes: string[] = [];
  try {
    log('bundling the agent and the kernel worker (esbuild)');
    const [mainJs, workerJs] = await Promise.all([bundle('scripts/package-agent/sea-main.ts'), bundle('scripts/package-agent/sea-worker.ts')]);
    await writeFile(join(work, 'main.cjs'), mainJs);
    await writeFile(join(work, WORKER_ASSET), workerJs);
    await writeFile(join(work, DATA_INDEX_ASSET), JSON.stringify(await buildDataIndex(join(ROOT, 'data'))));
    const assets: Record<string, string> = { [WORKER_ASSET]: join(work, WORKER_ASSET), [DATA_INDEX_ASSET]: join(work, DATA_INDEX_ASSET) };
    for (const [name, file] of await wasmFiles()) assets[name] = file;

    const config = { main: join(work, 'main.cjs'), output: join(work, 'sea.blob'), disableExperimentalSEAWarning: true, useCodeCache: true, assets };
    await writeFile(join(work, 'sea-config.json'), JSON.stringify(config, null, 2));
    log('making the SEA blob (node --experimental-sea-config)');
    await exec(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work });

    const tmp = join(work, `nfl-agent${exe}`);
    let stripped = false;
    if ((o.strip ?? true) && process.platform === 'linux') {
      stripped = await exec('strip', ['--strip-all', '-o', tmp, process.execPath]).then(() => true, () => false);
    }
    if (!stripped) await copyFile(process.execPath, tmp);
    await chmod(tmp, 0o755);
    log(`injecting the blob into a copy of ${process.execPath}${stripped ? ' (symbols stripped)' : ''} (postject)`);
    const blob = await readFile(join(work, 'sea.blob'));
    await inject(tmp, 'NODE_SEA_BLOB', blob, {
      sentinelFuse: FUSE,
      ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
    });
    if (process.platform === 'darwin') await exec('codesign', ['--sign', '-', tmp]).catch(() => notes.push('codesign failed: sign the binary before running it on macOS'));
    await mkdir(dirname(out), { recursive: true });
    await rename(tmp, out);
    await writeFile(stampFile, hash + '\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { out, built: true, bytes: (await stat(out)).size, seconds: (performance.now() - t0) / 1000, notes };
}

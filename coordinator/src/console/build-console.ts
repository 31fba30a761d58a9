import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The console front-end (TypeScript and CSS in web/, plus uPlot) is bundled by esbuild into a
 * cache folder named by the hash of its sources, so a coordinator builds it at start only when it
 * is missing or stale (a source file, uPlot, esbuild or these options changed) and several
 * coordinators or test workers building at once cannot tear each other's output: each builds into
 * a private folder and renames it into place. The files are then served from memory.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIR = join(REPO_ROOT, 'web');
const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'nfl-grid-console');
/** Bump when the build options below change. */
const BUILD_VERSION = 1;
/** Builds kept in the cache folder (older ones are removed). */
const KEEP_BUILDS = 3;

export interface ConsoleFile { body: Buffer; type: string; etag: string }
export interface ConsoleBundle {
  /** Hash of the sources; asset URLs carry it, so they can be cached for ever. */
  hash: string;
  dir: string;
  files: Map<string, ConsoleFile>;
  /** Whether this call ran esbuild (false: reused the cache). */
  built: boolean;
  ms: number;
}

export class ConsoleBuildError extends Error {
  override name = 'ConsoleBuildError';
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
    return e.isFile() ? [p] : [];
  }).sort();
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'missing';
  }
}

/** Hash of everything the bundle is made from. */
export function sourceHash(webDir = WEB_DIR): string {
  const h = createHash('sha256');
  h.update(`v${BUILD_VERSION} uplot@${packageVersion('uplot')} esbuild@${packageVersion('esbuild')} hono@${packageVersion('hono')}\n`);
  for (const f of filesUnder(webDir)) {
    h.update(relative(webDir, f) + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function loadBundle(dir: string, hash: string, built: boolean, started: number): ConsoleBundle {
  const files = new Map<string, ConsoleFile>();
  for (const f of filesUnder(dir)) {
    const name = relative(dir, f);
    const body = readFileSync(f);
    files.set(name, { body, type: TYPES[extname(f)] ?? 'application/octet-stream', etag: `"${hash}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}"` });
  }
  if (!files.has('app.js') || !files.has('app.css')) throw new ConsoleBuildError(`${dir} lacks app.js or app.css; delete it to rebuild`);
  return { hash, dir, files, built, ms: Date.now() - started };
}

async function runEsbuild(webDir: string, outdir: string): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    throw new ConsoleBuildError(`the console is not built and esbuild is not installed (${(e as Error).message}); run \`npm ci\` (with dev dependencies), then \`npm run build:console\``);
  }
  try {
    await esbuild.build({
      entryPoints: { app: join(webDir, 'src', 'main.ts') },
      absWorkingDir: REPO_ROOT,
      outdir,
      entryNames: '[name]',
      assetNames: '[name]-[hash]',
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      sourcemap: 'linked',
      legalComments: 'eof',
      loader: { '.css': 'css', '.svg': 'file' },
      ...(existsSync(join(webDir, 'tsconfig.json')) ? { tsconfig: join(webDir, 'tsconfig.json') } : {}),
      // Packages (uPlot) come from the checkout's node_modules wherever the sources are.
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const detail = errors.slice(0, 5).map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('\n');
    throw new ConsoleBuildError(`esbuild failed to bundle the console:\n${detail || (e as Error).message}`);
  }
}

function prune(cacheDir: string, keep: string): void {
  const builds = readdirSync(cacheDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name) && e.name !== keep)
    .map((e) => ({ name: e.name, mtime: statSync(join(cacheDir, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(join(cacheDir, old.name), { recursive: true, force: true });
}

/** The bundle for the current sources: from the cache folder, or built into it now. */
export async function ensureConsoleBuilt(opts: { cacheDir?: string; webDir?: string } = {}): Promise<ConsoleBundle> {
  const started = Date.now();
  const cacheDir = opts.cacheDir ?? process.env.NFL_GRID_CONSOLE_CACHE ?? DEFAULT_CACHE_DIR;
  const webDir = opts.webDir ?? WEB_DIR;
  if (!existsSync(join(webDir, 'src', 'main.ts'))) throw new ConsoleBuildError(`no console sources at ${webDir}`);
  const hash = sourceHash(webDir);
  const dir = join(cacheDir, hash);
  if (existsSync(join(dir, 'app.js'))) return loadBundle(dir, hash, false, started);

  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await runEsbuild(webDir, tmp);
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ hash, builtAt: new Date().toISOString() }) + '\n');
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process finished the same build first: use theirs.
      if (!existsSync(join(dir, 'app.js'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  try { prune(cacheDir, hash); } catch { /* another process is pruning too */ }
  return loadBundle(dir, hash, true, started);
}

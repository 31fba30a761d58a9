import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsoleBuildError, ensureConsoleBuilt, sourceHash, WEB_DIR } from '../coordinator/src/console/build-console';
import { tempDir } from './support/processes';

/*
 * The console bundle: built by esbuild into a cache folder named by the sources' hash, reused
 * while they are unchanged, rebuilt when one changes, with esbuild's message when they do not build.
 */

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function webDir(files: Record<string, string>): string {
  const dir = tempDir('console-web');
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('console build', () => {
  it('builds once, reuses the cache while the sources are unchanged, and rebuilds when one changes', async () => {
    const cacheDir = tempDir('console-cache');
    dirs.push(cacheDir);
    const web = webDir({
      'src/main.ts': "import 'uplot/dist/uPlot.min.css';\nimport './app.css';\nimport uPlot from 'uplot';\nexport const v: string = typeof uPlot;\n",
      'src/app.css': 'body { color: red; }\n',
    });
    const first = await ensureConsoleBuilt({ cacheDir, webDir: web });
    expect(first.built).toBe(true);
    expect([...first.files.keys()].sort()).toEqual(['app.css', 'app.css.map', 'app.js', 'app.js.map', 'manifest.json']);
    expect(first.files.get('app.css')!.body.toString()).toContain('.uplot');
    const again = await ensureConsoleBuilt({ cacheDir, webDir: web });
    expect(again).toMatchObject({ built: false, hash: first.hash });

    writeFileSync(join(web, 'src/app.css'), 'body { --changed: 2; }\n');
    const changed = await ensureConsoleBuilt({ cacheDir, webDir: web });
    expect(changed.built).toBe(true);
    expect(changed.hash).not.toBe(first.hash);
    expect(changed.files.get('app.css')!.body.toString()).toContain('--changed:');
    // Builds racing each other end with one folder per hash and no leftovers.
    writeFileSync(join(web, 'src/app.css'), 'body { --changed: 3; }\n');
    const raced = await Promise.all([1, 2, 3].map(() => ensureConsoleBuilt({ cacheDir, webDir: web })));
    expect(new Set(raced.map((r) => r.hash)).size).toBe(1);
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('.build-'))).toEqual([]);
    expect(readdirSync(cacheDir).length).toBeLessThanOrEqual(3);
  });

  it("reports esbuild's error with the file and line when the sources do not build", async () => {
    const cacheDir = tempDir('console-cache');
    dirs.push(cacheDir);
    const web = webDir({ 'src/main.ts': "import { nothing } from './missing';\nconsole.log(nothing);\n" });
    const err = await ensureConsoleBuilt({ cacheDir, webDir: web }).catch((e) => e);
    expect(err).toBeInstanceOf(ConsoleBuildError);
    expect(err.message).toMatch(/main\.ts:1: Could not resolve "\.\/missing"/);
  });

  it('hashes the real console sources', () => {
    expect(sourceHash(WEB_DIR)).toMatch(/^[0-9a-f]{16}$/);
  });
});

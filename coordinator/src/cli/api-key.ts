import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * The API key to send: --api-key, else NFL_GRID_API_KEY, else — only when the coordinator runs
 * on this machine — the admin key a first start wrote to the data folder (--data-dir,
 * NFL_GRID_DATA_DIR, or ./.nfl-grid).
 */
export function resolveApiKey(o: { apiKey?: string; dataDir?: string; url: string; env: NodeJS.ProcessEnv; cwd: string }): { key: string | null; source: string } {
  if (o.apiKey) return { key: o.apiKey, source: '--api-key' };
  if (o.env.NFL_GRID_API_KEY) return { key: o.env.NFL_GRID_API_KEY, source: 'NFL_GRID_API_KEY' };
  if (!isLocalUrl(o.url)) return { key: null, source: 'none' };
  const dir = resolve(o.cwd, o.dataDir ?? o.env.NFL_GRID_DATA_DIR ?? '.nfl-grid');
  const file = join(dir, 'admin-key');
  if (!existsSync(file)) return { key: null, source: 'none' };
  const key = readFileSync(file, 'utf8').trim();
  return key ? { key, source: file } : { key: null, source: 'none' };
}

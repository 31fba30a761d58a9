import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ClientResponse, hc } from 'hono/client';
import { isApiErrorBody } from '@nfl-grid/shared/api/error-body';
import type { AppType } from '../app';
import { ApiError, CliError, type Api } from './command';

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

/** A typed client for the coordinator's API (the route types come from app.ts). */
export function createApi(url: string, apiKey: string | null): Api {
  return hc<AppType>(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  if (isApiErrorBody(body)) return new ApiError(res.status, body.error.code, body.error.message, body.error.field);
  return new ApiError(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText);
}

/** Runs a request; a network failure or an error status becomes a CliError / ApiError. */
export async function send<R extends ClientResponse<unknown, number, string>>(url: string, request: () => Promise<R>): Promise<R> {
  let res: R;
  try {
    res = await request();
  } catch (e) {
    throw new CliError(`cannot reach the coordinator at ${url} (${describeNetworkError(e)}); is it running? (nfl-grid coordinator)`);
  }
  if (!res.ok) throw await errorOf(res as unknown as Response);
  return res;
}

/** The JSON body of a successful request. */
export async function getJson<T>(url: string, request: () => Promise<ClientResponse<T, number, string>>): Promise<T> {
  const res = await send(url, request);
  return (await res.json()) as T;
}

/*
 * The console's client for the coordinator's REST API: the same API (and the same authorisation
 * and audit log) as the CLI, authenticated by the session cookie. Every call sends the CSRF
 * header the coordinator requires of cookie requests that change state.
 */

const CSRF_HEADER = 'x-nfl-grid-csrf';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = (e: ApiError) => void;
const unauthorisedListeners = new Set<Listener>();

/** Called when any request answers 401: the session is gone, the console shows the sign-in form. */
export function onUnauthorised(fn: Listener): () => void {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { [CSRF_HEADER]: '1', accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let field: string | undefined;
  try {
    const j = await res.json() as { error?: { code?: string; message?: string; field?: string } };
    if (j.error) {
      code = j.error.code ?? code;
      message = j.error.message ?? message;
      field = j.error.field;
    }
  } catch { /* not JSON */ }
  return new ApiError(res.status, code, message, field);
}

/** Calls the API; resolves to the JSON body or throws an ApiError. */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await send(method, path, body);
  } catch (e) {
    throw new ApiError(0, 'network', `the coordinator cannot be reached (${(e as Error).message})`);
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !path.endsWith('/session')) for (const fn of unauthorisedListeners) fn(err);
    throw err;
  }
  return (res.status === 204 ? null : await res.json()) as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);

/** For endpoints this coordinator may not have (bandit, performance tracker): never throws. */
export async function probe<T = unknown>(path: string): Promise<{ ok: true; data: T } | { ok: false; status: number; message: string }> {
  try {
    return { ok: true, data: await get<T>(path) };
  } catch (e) {
    const err = e as ApiError;
    return { ok: false, status: err.status ?? 0, message: err.message };
  }
}

/** A human sentence for an error, saying plainly when it is a permissions problem. */
export function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return String((e as Error)?.message ?? e);
  if (e.status === 403) return `Not allowed (403): ${e.message}`;
  if (e.status === 0) return e.message;
  return `${e.message} (${e.status}${e.code ? ` ${e.code}` : ''})`;
}

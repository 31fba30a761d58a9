/** Every error response of the coordinator's HTTP API has this body. */
export interface ApiErrorBody {
  error: {
    /** Stable, machine-readable: `not_found`, `invalid_field`, `unknown_kernel`, ... */
    code: string;
    message: string;
    /** The offending input field (dotted path) when one is to blame. */
    field?: string;
  };
}

export function isApiErrorBody(v: unknown): v is ApiErrorBody {
  const e = (v as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | undefined;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

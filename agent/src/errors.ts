import { ZodError } from 'zod';

/**
 * The agent's errors: named classes with a stable `code` that logs, the CLI's exit status and the
 * `error` messages sent to the coordinator use. A message says what went wrong and what to do.
 */
export class AgentError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad flag, environment variable or config.json value. The CLI exits with status 2. */
export class ConfigError extends AgentError {
  constructor(
    code: 'bad_flag' | 'bad_value' | 'bad_config_file' | 'missing_coordinator' | 'not_enrolled',
    message: string,
  ) {
    super(code, message);
  }
}

/** identity.json is unreadable, or enrollment with the coordinator failed. */
export class IdentityError extends AgentError {
  constructor(
    code: 'identity_corrupt' | 'enroll_refused' | 'enroll_failed' | 'coordinator_unreachable',
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** An input could not be fetched, or its bytes do not hash to the sha256 that names it. */
export class InputError extends AgentError {
  constructor(code: 'input_unavailable' | 'input_corrupt', readonly sha256: string, message: string) {
    super(code, message);
  }
}

/** The kernel refused the params, was unknown here, or threw while running. */
export class KernelRunError extends AgentError {
  constructor(code: 'kernel_error', readonly replicaId: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A work item reached us (or its turn came) after its deadline; running it would be wasted. */
export class DeadlinePassedError extends AgentError {
  constructor(readonly replicaId: number, deadline: number) {
    super('deadline_passed', `replica ${replicaId} passed its deadline ${new Date(deadline).toISOString()} before it started`);
  }
}

/** A short, single-line description of anything thrown, for logs and error messages. */
export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // A zod error's message is pretty-printed JSON; say it on one line.
  if (e instanceof ZodError) return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, a timeout, …) is in its cause.
  const cause = e.cause;
  if (cause instanceof Error && !e.message.includes(cause.message)) {
    const code = (cause as NodeJS.ErrnoException).code;
    return `${e.message}: ${cause.message}${code && !cause.message.includes(code) ? ` (${code})` : ''}`;
  }
  return e.message;
}

/** Bad command line: printed with a hint to --help, exit status 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The coordinator answered with an error (its JSON error body), exit status 1. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Anything else that stops a command (unreachable server, unreadable file, invalid spec), exit status 1. */
export class CliError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

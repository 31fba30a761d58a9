/** Errors the API turns into JSON responses: `{ error: { code, message, field? } }`. */
export class AppError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export class BadRequest extends AppError {
  constructor(message: string, field?: string, code = 'bad_request') { super(400, code, message, field); }
}
export class Unauthorized extends AppError {
  constructor(message = 'missing or invalid credentials', code = 'unauthorized') { super(401, code, message); }
}
export class Forbidden extends AppError {
  constructor(message = 'not allowed for this role', code = 'forbidden') { super(403, code, message); }
}
export class NotFound extends AppError {
  constructor(what: string, field?: string) { super(404, 'not_found', `${what} not found`, field); }
}
export class Conflict extends AppError {
  constructor(message: string, code = 'conflict', field?: string) { super(409, code, message, field); }
}
export class TooLarge extends AppError {
  constructor(readonly limitBytes: number) { super(413, 'too_large', `request body is larger than ${limitBytes} bytes`, 'body'); }
}

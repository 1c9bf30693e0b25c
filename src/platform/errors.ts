/** Typed application errors: each code maps to one HTTP status and a message a user can act on. */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  duplicate_ad: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Per-field messages for forms and API clients, keyed by field name. */
    readonly fields?: Record<string, string>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function validationError(fields: Record<string, string>, message = 'Please correct the highlighted fields.'): AppError {
  return new AppError('validation_failed', message, fields);
}

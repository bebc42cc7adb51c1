/**
 * Framework-free errors that carry an HTTP status and a message that says what to do.
 * `app.ts` maps every one of them (and Elysia's own) to the single JSON error shape
 * `{statusCode, error, message, details?}`.
 */

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The standard reason phrase for a status code. */
export const reasonPhrase = (status: number): string => REASONS[status] ?? 'Error';

/**
 * An error meant for the API client: status, an actionable message, optional details, and optional
 * top-level `fields` beside the shape where WAHA's clients read them (its 422 `session`, `status`, `expected`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly fields?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, message, details);
  }
}

export class UnauthorizedError extends HttpError {
  constructor() {
    super(401, 'Unauthorized');
  }
}

/** The key is valid but may not reach this route (a key bound to another session, a media key). */
export class ForbiddenError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(403, message, details);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(404, message, details);
  }
}

export class UnprocessableError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>, fields?: Record<string, unknown>) {
    super(422, message, details, fields);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(413, message, details);
  }
}

export class UpstreamError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(502, message, details);
  }
}

/** What WAHA's WEBJS engine answers for an operation it does not implement: 501. */
export class NotImplementedError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(501, message, details);
  }
}

/** Something the operation needs on this machine is missing (ffmpeg): 503, naming what to install. */
export class ServiceUnavailableError extends HttpError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(503, message, details);
  }
}

/** A required piece of the machine (Chromium, a folder) is missing: start-up stops with this. */
export class MissingDependencyError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'MissingDependencyError';
  }
}

/**
 * I/O failures are errors with a stable `code`, one class each (as jose does), so callers can
 * `switch (err.code)` and TypeScript narrows: only `ERR_CORE_HTTP` has a `status`. Expected auth outcomes
 * (try refresh, unauthorised, …) are never errors: they are values with a `reason`.
 */
export type ErrorCode =
  /** No core host answered (network error or timeout on every host). */
  | "ERR_CORE_UNREACHABLE"
  /** A core host answered with a non-200 status (4xx other than 429, or 5xx). */
  | "ERR_CORE_HTTP"
  /** A core host answered 200 with a body that is not what CDI 5.4 promises (not JSON, wrong shape, too big). */
  | "ERR_CORE_BAD_RESPONSE"
  /** No usable JWKS could be obtained from any host (and none was cached). */
  | "ERR_JWKS_UNAVAILABLE"
  /** Thrown by Session methods when the core says the session no longer exists (HTTP: 401 and clear tokens). */
  | "ERR_UNAUTHORISED";

/** The base of every error the library throws or returns; narrow with `code` (see {@link EdgeError}). */
export abstract class SuperTokensEdgeError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export class CoreUnreachableError extends SuperTokensEdgeError {
  readonly code = "ERR_CORE_UNREACHABLE" as const;
  override readonly name = "CoreUnreachableError";
}

export class CoreHttpError extends SuperTokensEdgeError {
  readonly code = "ERR_CORE_HTTP" as const;
  override readonly name = "CoreHttpError";
  /** The HTTP status the core answered with. */
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export class CoreBadResponseError extends SuperTokensEdgeError {
  readonly code = "ERR_CORE_BAD_RESPONSE" as const;
  override readonly name = "CoreBadResponseError";
}

export class JwksUnavailableError extends SuperTokensEdgeError {
  readonly code = "ERR_JWKS_UNAVAILABLE" as const;
  override readonly name = "JwksUnavailableError";
}

export class UnauthorisedError extends SuperTokensEdgeError {
  readonly code = "ERR_UNAUTHORISED" as const;
  override readonly name = "UnauthorisedError";
}

/** Every error the library produces, discriminated by `code`. */
export type EdgeError =
  | CoreUnreachableError
  | CoreHttpError
  | CoreBadResponseError
  | JwksUnavailableError
  | UnauthorisedError;

export function isSuperTokensEdgeError(e: unknown): e is EdgeError {
  return e instanceof SuperTokensEdgeError;
}

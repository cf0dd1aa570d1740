/**
 * Every I/O failure the library reports is a `SuperTokensEdgeError` with a stable `code`, so callers can
 * `switch (err.code)`. Expected auth outcomes (try refresh, unauthorised, …) are never errors: they are values.
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

export class SuperTokensEdgeError extends Error {
  readonly code: ErrorCode;
  /** HTTP status the core answered with, for `ERR_CORE_HTTP`. */
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SuperTokensEdgeError";
    this.code = code;
    this.status = options?.status;
  }
}

export function isSuperTokensEdgeError(e: unknown): e is SuperTokensEdgeError {
  return e instanceof SuperTokensEdgeError;
}

/** Wraps anything thrown by I/O into a typed error without losing the original. */
export function toEdgeError(e: unknown, fallback: ErrorCode = "ERR_CORE_UNREACHABLE"): SuperTokensEdgeError {
  if (e instanceof SuperTokensEdgeError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SuperTokensEdgeError(fallback, message, { cause: e });
}

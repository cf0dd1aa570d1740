import type { ResolvedConfig } from "../config.js";
import { isSuperTokensEdgeError } from "../errors.js";
import { coreUnavailable, type SessionFailure, unauthorised } from "../session/outcomes.js";
import { NO_STORE, SessionHeaders } from "./transfer.js";

/** A session API answer: JSON, never cacheable (as the SDK's fetch integration sends them). */
export function jsonResponse(status: number, body: unknown, headers?: SessionHeaders): Response {
  const res = new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": NO_STORE },
  });
  return headers ? headers.applyTo(res) : res;
}

/** A request whose path cannot be made unambiguous (http/path.ts): refused, whoever sits behind us. */
export function badPathResponse(reason: string): Response {
  return jsonResponse(400, { message: "bad request path", code: "ERR_BAD_PATH", reason });
}

/**
 * The answer supertokens-node's default error handlers give, with the clearing they do first. Pure: a theft's
 * revocation is done by the refresh flow before it answers (http/refresh.ts).
 */
export function failureResponse(config: ResolvedConfig, failure: SessionFailure, headers?: SessionHeaders): Response {
  const out = headers ?? new SessionHeaders(config);
  const { sessionExpiredStatusCode, invalidClaimStatusCode } = config;
  switch (failure.status) {
    case "TRY_REFRESH_TOKEN":
      return jsonResponse(sessionExpiredStatusCode, { message: "try refresh token" }, out);
    case "UNAUTHORISED":
      if (failure.clearTokens) out.clearAll();
      return jsonResponse(sessionExpiredStatusCode, { message: "unauthorised" }, out);
    case "TOKEN_THEFT_DETECTED":
      out.clearAll();
      return jsonResponse(sessionExpiredStatusCode, { message: "token theft detected" }, out);
    case "INVALID_CLAIMS":
      return jsonResponse(
        invalidClaimStatusCode,
        { message: "invalid claim", claimValidationErrors: failure.claimValidationErrors },
        out,
      );
    case "CORE_UNAVAILABLE":
      // Deliberately not 401: an outage must not send browsers into refresh storms or log anyone out.
      return jsonResponse(503, { message: "SuperTokens core unavailable", code: failure.error.code }, out);
  }
}

/**
 * What an exception thrown while serving a session (a Session method in a handler, a claim refetch) means for
 * the client: the core says the session is gone → unauthorised, tokens cleared; any other error of ours is I/O →
 * the core is unavailable. Anything else is a bug and is rethrown, so the framework answers 500 and logs it.
 */
export function failureFromError(error: unknown): SessionFailure {
  if (!isSuperTokensEdgeError(error)) throw error;
  if (error.code === "ERR_UNAUTHORISED") return unauthorised("revoked", error.message, true);
  return coreUnavailable(error);
}

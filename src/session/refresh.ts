import { type RefreshResponse, refreshSession as refreshAtCore } from "../core/calls.js";
import { isSuperTokensEdgeError } from "../errors.js";
import { antiCsrfMode } from "./anti-csrf.js";
import { decided, type EngineContext } from "./context.js";
import { coreUnavailable, type RefreshSessionResult, unauthorised } from "./outcomes.js";
import { sessionFromCoreTokens } from "./session.js";

/**
 * The refresh decision (supertokens-node `refreshSessionWithoutRequestResponse`): the core rotates the refresh
 * token, or says it is invalid, or detects theft. Like the SDK this does not revoke on theft (the HTTP refresh
 * API does, src/http/refresh.ts). An I/O failure is CORE_UNAVAILABLE: nothing is cleared and nobody is logged out.
 */
export async function refreshSession(
  ctx: EngineContext,
  refreshToken: string,
  disableAntiCsrf: boolean,
  antiCsrfToken: string | undefined,
): Promise<RefreshSessionResult> {
  const startedAt = ctx.emit === undefined ? 0 : ctx.config.now();
  const mode = antiCsrfMode(ctx.config);
  if (!disableAntiCsrf && ctx.config.antiCsrf === "VIA_CUSTOM_HEADER") {
    throw new TypeError(
      "supertokens-edge: with antiCsrf VIA_CUSTOM_HEADER refreshSession cannot check the CSRF token: pass disableAntiCsrf: true",
    );
  }
  let res: RefreshResponse;
  try {
    res = await refreshAtCore(ctx.querier, {
      refreshToken,
      antiCsrfToken,
      enableAntiCsrf: !disableAntiCsrf && mode === "VIA_TOKEN",
      useDynamicSigningKey: ctx.config.useDynamicAccessTokenSigningKey,
    });
  } catch (e) {
    if (!isSuperTokensEdgeError(e)) throw e; // a bug, not an outage
    return decided(ctx, "refreshSession", startedAt, coreUnavailable(e));
  }
  let result: RefreshSessionResult;
  if (res.status === "OK") {
    try {
      result = { status: "OK", session: sessionFromCoreTokens(ctx, res, undefined) };
    } catch (e) {
      if (!isSuperTokensEdgeError(e)) throw e;
      result = coreUnavailable(e);
    }
  } else if (res.status === "UNAUTHORISED") {
    result = unauthorised("refresh-token-invalid", res.message, true);
  } else {
    result = { ...res, reason: "token-theft" };
  }
  return decided(ctx, "refreshSession", startedAt, result);
}

import type { TokenTransferMethod } from "../config.js";
import { antiCsrfMode } from "../session/anti-csrf.js";
import { assertClaims, type OverrideGlobalClaimValidators } from "../session/claim-validation.js";
import { decided, type EngineContext } from "../session/context.js";
import { getSession } from "../session/get.js";
import { type SessionFailure, tryRefresh } from "../session/outcomes.js";
import type { Session } from "../session/session.js";
import { hasValidStructure, type ParsedAccessToken, parseAccessToken } from "../token/parse.js";
import { failureFromError, failureResponse } from "./answers.js";
import { countCookie, getCookie } from "./cookies.js";
import { type RequestSessionResult, requestSession } from "./request-session.js";
import {
  ACCESS_COOKIE,
  ANTI_CSRF_HEADER,
  allowedTransferMethod,
  allows,
  LEGACY_ID_REFRESH_COOKIE,
  readToken,
  SessionHeaders,
  TRANSFER_METHODS,
} from "./transfer.js";

export interface VerifySessionOptions {
  /** Default `true`. With `false`, no (usable) token gives an OK result without a session. */
  sessionRequired?: boolean | undefined;
  /** Default: `method !== "GET"`. */
  antiCsrfCheck?: boolean | undefined;
  /** Ask the core whether the session still exists. Default `false`. */
  checkDatabase?: boolean | undefined;
  /** Replace the global claim validators for this route (`() => []` disables them). */
  overrideGlobalClaimValidators?: OverrideGlobalClaimValidators | undefined;
}

/** The token when it is usable (verified before, or parsed with a valid structure): parsed once per request. */
function usableAccessToken(ctx: EngineContext, raw: string): ParsedAccessToken | undefined {
  const hit = ctx.verified.get(raw);
  if (hit !== undefined) return hit.token;
  const parsed = parseAccessToken(raw);
  return parsed !== undefined && hasValidStructure(parsed.payload, parsed.version) ? parsed : undefined;
}

function withResponse(ctx: EngineContext, failure: SessionFailure, headers?: SessionHeaders) {
  return { ...failure, response: failureResponse(ctx.config, failure, headers) };
}

/** A decision the HTTP layer takes before the engine is asked (the engine reports its own). */
function httpFailure(ctx: EngineContext, failure: SessionFailure) {
  if (ctx.emit !== undefined) decided(ctx, "getSession", ctx.config.now(), failure);
  return withResponse(ctx, failure);
}

/**
 * supertokens-node `getSessionFromRequest`: which token (header first, then the cookie), which anti-CSRF check,
 * then the engine decides (session/get.ts) and the claims are asserted (session/claim-validation.ts).
 */
export async function getSessionFromRequest(
  ctx: EngineContext,
  req: Request,
  options: VerifySessionOptions = {},
): Promise<RequestSessionResult<Session | undefined>> {
  const { config } = ctx;
  const cookieHeader = req.headers.get("cookie");
  if (getCookie(cookieHeader, LEGACY_ID_REFRESH_COOKIE) !== undefined) {
    return httpFailure(ctx, tryRefresh("legacy-session", "using legacy session, please call the refresh API"));
  }
  const allowed = allowedTransferMethod(config, req, false);
  const candidates: Partial<Record<TokenTransferMethod, ParsedAccessToken>> = {};
  for (const m of TRANSFER_METHODS) {
    const raw = readToken(req, "access", m);
    const usable = raw === undefined ? undefined : usableAccessToken(ctx, raw);
    if (usable !== undefined) candidates[m] = usable;
  }
  let method: TokenTransferMethod | undefined;
  if (allows(allowed, "header") && candidates.header !== undefined) {
    method = "header";
  } else if (allows(allowed, "cookie") && candidates.cookie !== undefined) {
    if (countCookie(cookieHeader, ACCESS_COOKIE) > 1) {
      return httpFailure(ctx, tryRefresh("multiple-tokens", "Multiple access tokens present in the request cookies."));
    }
    method = "cookie";
  }
  const accessToken = method === undefined ? undefined : candidates[method];
  const antiCsrfToken = req.headers.get(ANTI_CSRF_HEADER) ?? undefined;
  let doAntiCsrfCheck = options.antiCsrfCheck ?? req.method.toUpperCase() !== "GET";
  if (method === "header" || accessToken === undefined) doAntiCsrfCheck = false;
  if (doAntiCsrfCheck && antiCsrfMode(config) === "VIA_CUSTOM_HEADER") {
    if (req.headers.get("rid") === null) {
      return httpFailure(
        ctx,
        tryRefresh(
          "anti-csrf",
          "anti-csrf check failed. Please pass 'rid: \"session\"' header in the request, or set doAntiCsrfCheck to false for this API",
        ),
      );
    }
    doAntiCsrfCheck = false;
  }

  // The token parsed above goes to the decision as it is: no second parse on the way.
  const result = await getSession(ctx, accessToken, antiCsrfToken, {
    sessionRequired: options.sessionRequired !== false,
    checkDatabase: options.checkDatabase === true,
    antiCsrfCheck: doAntiCsrfCheck,
  });
  if (result.status !== "OK") return withResponse(ctx, result);
  const outMethod: TokenTransferMethod = method ?? (allowed !== "any" ? allowed : "header");
  const headers = new SessionHeaders(config);
  const session = result.session;
  if (session === undefined) return requestSession(undefined, outMethod, headers);

  let claimFailure: SessionFailure | undefined;
  try {
    claimFailure = await assertClaims(ctx, session, options.overrideGlobalClaimValidators);
  } catch (e) {
    claimFailure = failureFromError(e); // I/O or a revoked session; a bug in a validator propagates
  }
  if (claimFailure !== undefined) return withResponse(ctx, claimFailure, headers);
  return requestSession(session, outMethod, headers);
}

import type { AntiCsrfMode, TokenTransferMethod } from "../config.js";
import { toEdgeError, type SuperTokensEdgeError } from "../errors.js";
import { validateClaims, type ClaimValidationError, type SessionClaimValidator } from "../session/claims.js";
import { withoutProtectedProps } from "../session/context.js";
import { getSession } from "../session/get.js";
import type { Session } from "../session/session.js";
import type { SuperTokensEdge } from "../supertokens.js";
import { hasValidStructure, parseAccessToken, type JsonObject } from "../token/parse.js";
import { countCookie, getCookie } from "./cookies.js";
import {
  ACCESS_COOKIE,
  ANTI_CSRF_HEADER,
  buildFrontToken,
  jsonResponse,
  LEGACY_ID_REFRESH_COOKIE,
  readToken,
  REFRESH_COOKIE,
  SessionHeaders,
  TRANSFER_METHODS,
} from "./transfer.js";

export interface VerifySessionOptions {
  /** Default `true`. With `false`, no (usable) token gives an OK result without a session. */
  sessionRequired?: boolean;
  /** Default: `method !== "GET"`. */
  antiCsrfCheck?: boolean;
  /** Ask the core whether the session still exists. Default `false`. */
  checkDatabase?: boolean;
  /** Replace the global claim validators for this route (`() => []` disables them). */
  overrideGlobalClaimValidators?: (
    globalValidators: SessionClaimValidator[],
    session: Session,
  ) => SessionClaimValidator[] | Promise<SessionClaimValidator[]>;
}

/** Why a request has no valid session; each maps to the answer supertokens-node would send. */
export type SessionFailure =
  | { status: "TRY_REFRESH_TOKEN"; message: string }
  | { status: "UNAUTHORISED"; message: string; clearTokens: boolean }
  | { status: "TOKEN_THEFT_DETECTED"; sessionHandle: string; userId: string; recipeUserId: string }
  | { status: "INVALID_CLAIMS"; claimValidationErrors: ClaimValidationError[] }
  | { status: "CORE_UNAVAILABLE"; error: SuperTokensEdgeError };

/**
 * A request's session. `applyTo(response)` adds what the response must carry: a token the core renewed during
 * this request (refresh, promotion, payload merge), or the clearing after `session.revokeSession()`.
 */
export interface RequestSession {
  status: "OK";
  session: Session | undefined;
  transferMethod: TokenTransferMethod;
  applyTo(response: Response): Response;
}

export type RequestSessionResult = RequestSession | (SessionFailure & { response: Response });

/** The per-request anti-CSRF mode: configured, else VIA_CUSTOM_HEADER for cross-site cookies, else NONE. */
export function antiCsrfModeFor(st: SuperTokensEdge): AntiCsrfMode {
  return st.config.antiCsrf ?? (st.config.cookieSameSite === "none" ? "VIA_CUSTOM_HEADER" : "NONE");
}

function allowedMethod(st: SuperTokensEdge, req: Request, forCreateNewSession: boolean): TokenTransferMethod | "any" {
  return st.config.getTokenTransferMethod?.({ req, forCreateNewSession }) ?? "any";
}

function allows(allowed: TokenTransferMethod | "any", method: TokenTransferMethod): boolean {
  return allowed === "any" || allowed === method;
}

function isUsableAccessToken(st: SuperTokensEdge, raw: string): boolean {
  if (st.ctx.verified.get(raw) !== undefined) return true;
  const parsed = parseAccessToken(raw);
  return parsed !== undefined && hasValidStructure(parsed.payload, parsed.version);
}

/** The answer supertokens-node's default error handlers give, with the clearing they do first. */
export async function failureResponse(st: SuperTokensEdge, failure: SessionFailure, headers?: SessionHeaders): Promise<Response> {
  const out = headers ?? new SessionHeaders(st.config);
  const { sessionExpiredStatusCode, invalidClaimStatusCode } = st.config;
  switch (failure.status) {
    case "TRY_REFRESH_TOKEN":
      return jsonResponse(sessionExpiredStatusCode, { message: "try refresh token" }, out);
    case "UNAUTHORISED":
      if (failure.clearTokens) out.clearAll();
      return jsonResponse(sessionExpiredStatusCode, { message: "unauthorised" }, out);
    case "TOKEN_THEFT_DETECTED":
      out.clearAll();
      try {
        await st.revokeSession(failure.sessionHandle);
      } catch {
        // The theft answer and the clearing stand even if the core cannot take the revocation now.
      }
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

async function fail(st: SuperTokensEdge, failure: SessionFailure, headers?: SessionHeaders) {
  return { ...failure, response: await failureResponse(st, failure, headers) };
}

function okResult(st: SuperTokensEdge, session: Session | undefined, method: TokenTransferMethod, headers: SessionHeaders): RequestSession {
  return {
    status: "OK",
    session,
    transferMethod: method,
    applyTo(response) {
      // As the SDK: what the request renewed is written first, then a revocation clears it (for cookies only the
      // last line per name is kept; the header order of the SDK is preserved).
      if (session?.accessTokenUpdated) {
        headers.setAccessToken(
          session.getAccessToken(),
          buildFrontToken(session.getUserId(), session.getAccessTokenExpiry(), session.getAccessTokenPayload()),
          method,
        );
        const refresh = session.getRefreshTokenInfo();
        if (refresh !== undefined) headers.setToken("refresh", refresh.token, refresh.expiry, method);
        const antiCsrf = session.getAntiCsrfToken();
        if (antiCsrf !== undefined) headers.setAntiCsrf(antiCsrf);
      }
      if (session?.revoked) headers.clear(method);
      return headers.applyTo(response);
    },
  };
}

/** supertokens-node `getSessionFromRequest`: which token, which checks, then the engine decides. */
export async function getSessionFromRequest(
  st: SuperTokensEdge,
  req: Request,
  options: VerifySessionOptions = {},
): Promise<RequestSessionResult> {
  const cookieHeader = req.headers.get("cookie");
  if (getCookie(cookieHeader, LEGACY_ID_REFRESH_COOKIE) !== undefined) {
    return fail(st, { status: "TRY_REFRESH_TOKEN", message: "using legacy session, please call the refresh API" });
  }
  const allowed = allowedMethod(st, req, false);
  const candidates: Partial<Record<TokenTransferMethod, string>> = {};
  for (const m of TRANSFER_METHODS) {
    const raw = readToken(req, "access", m);
    if (raw !== undefined && isUsableAccessToken(st, raw)) candidates[m] = raw;
  }
  let method: TokenTransferMethod | undefined;
  if (allows(allowed, "header") && candidates.header !== undefined) {
    method = "header";
  } else if (allows(allowed, "cookie") && candidates.cookie !== undefined) {
    if (countCookie(cookieHeader, ACCESS_COOKIE) > 1) {
      return fail(st, { status: "TRY_REFRESH_TOKEN", message: "Multiple access tokens present in the request cookies." });
    }
    method = "cookie";
  }
  const accessToken = method === undefined ? undefined : candidates[method];
  const antiCsrfToken = req.headers.get(ANTI_CSRF_HEADER) ?? undefined;
  let doAntiCsrfCheck = options.antiCsrfCheck ?? req.method.toUpperCase() !== "GET";
  if (method === "header" || accessToken === undefined) doAntiCsrfCheck = false;
  if (doAntiCsrfCheck && antiCsrfModeFor(st) === "VIA_CUSTOM_HEADER") {
    if (req.headers.get("rid") === null) {
      return fail(st, {
        status: "TRY_REFRESH_TOKEN",
        message: "anti-csrf check failed. Please pass 'rid: \"session\"' header in the request, or set doAntiCsrfCheck to false for this API",
      });
    }
    doAntiCsrfCheck = false;
  }

  const result = await getSession(st.ctx, accessToken, antiCsrfToken, {
    sessionRequired: options.sessionRequired !== false,
    checkDatabase: options.checkDatabase === true,
    antiCsrfCheck: doAntiCsrfCheck,
  });
  if (result.status !== "OK") return fail(st, result);
  const outMethod: TokenTransferMethod = method ?? (allowed !== "any" ? allowed : "header");
  const headers = new SessionHeaders(st.config);
  const session = result.session;
  if (session === undefined) return okResult(st, undefined, outMethod, headers);

  const claimFailure = await assertClaims(st, session, options);
  if (claimFailure !== undefined) return fail(st, claimFailure, headers);
  return okResult(st, session, outMethod, headers);
}

async function assertClaims(
  st: SuperTokensEdge,
  session: Session,
  options: VerifySessionOptions,
): Promise<SessionFailure | undefined> {
  try {
    const global = (await st.getGlobalClaimValidators(session)) ?? [];
    const validators = options.overrideGlobalClaimValidators
      ? await options.overrideGlobalClaimValidators(global, session)
      : global;
    if (validators.length === 0) return undefined;
    const { invalidClaims, payloadUpdate } = await validateClaims(
      st.ctx,
      { userId: session.getUserId(), recipeUserId: session.getRecipeUserId(), payload: session.getAccessTokenPayload() },
      validators,
    );
    if (payloadUpdate !== undefined) await session.mergeIntoAccessTokenPayload(withoutProtectedProps(payloadUpdate));
    if (invalidClaims.length > 0) return { status: "INVALID_CLAIMS", claimValidationErrors: invalidClaims };
    return undefined;
  } catch (e) {
    const err = toEdgeError(e);
    if (err.code === "ERR_UNAUTHORISED") return { status: "UNAUTHORISED", message: err.message, clearTokens: true };
    return { status: "CORE_UNAVAILABLE", error: err };
  }
}

const DUPLICATE_COOKIES_CLEARED =
  "The request contains multiple session cookies. We are clearing the cookie from olderCookieDomain. Session will be refreshed in the next refresh call.";

/** `POST {apiBasePath}/session/refresh` (supertokens-node `refreshSessionInRequest` + the refresh API). */
export async function refreshSessionInRequest(st: SuperTokensEdge, req: Request): Promise<Response> {
  const { config } = st;
  const headers = new SessionHeaders(config);
  const cookieHeader = req.headers.get("cookie");
  const allowed = allowedMethod(st, req, false);

  if (allowed !== "header") {
    let cleared = false;
    for (const [type, name] of [["access", ACCESS_COOKIE], ["refresh", REFRESH_COOKIE]] as const) {
      if (countCookie(cookieHeader, name) > 1) {
        if (config.olderCookieDomain === undefined) {
          return jsonResponse(500, {
            message:
              "The request contains multiple session cookies. This may happen if you've changed the 'cookieDomain' value in your configuration. To clear tokens from the previous domain, set 'olderCookieDomain' in your config.",
          });
        }
        headers.setToken(type, "", 0, "cookie", config.olderCookieDomain);
        cleared = true;
      }
    }
    if (cleared) return jsonResponse(200, { message: DUPLICATE_COOKIES_CLEARED }, headers);
  }

  const found: Partial<Record<TokenTransferMethod, string>> = {};
  for (const m of TRANSFER_METHODS) {
    const t = readToken(req, "refresh", m);
    if (t !== undefined) found[m] = t;
  }
  const hasLegacy = getCookie(cookieHeader, LEGACY_ID_REFRESH_COOKIE) !== undefined;
  let method: TokenTransferMethod;
  if (allows(allowed, "header") && found.header !== undefined) method = "header";
  else if (allows(allowed, "cookie") && found.cookie) method = "cookie";
  else {
    if (hasLegacy) headers.clearLegacyCookie();
    return failureResponse(st, { status: "UNAUTHORISED", message: "Refresh token not found", clearTokens: true }, headers);
  }

  let disableAntiCsrf = method === "header";
  if (antiCsrfModeFor(st) === "VIA_CUSTOM_HEADER" && !disableAntiCsrf) {
    if (req.headers.get("rid") === null) {
      return failureResponse(st, { status: "UNAUTHORISED", message: "anti-csrf check failed", clearTokens: true }, headers);
    }
    disableAntiCsrf = true;
  }
  const result = await st.refreshSessionWithoutRequestResponse(
    found[method]!,
    disableAntiCsrf,
    req.headers.get(ANTI_CSRF_HEADER) ?? undefined,
  );
  if (result.status === "CORE_UNAVAILABLE") return failureResponse(st, result); // nothing cleared
  if (result.status !== "OK") {
    if (hasLegacy) headers.clearLegacyCookie();
    return failureResponse(st, result.status === "UNAUTHORISED" ? { ...result, clearTokens: true } : result, headers);
  }
  for (const m of TRANSFER_METHODS) if (m !== method && found[m] !== undefined) headers.clear(m);
  const res = okResult(st, result.session, method, headers).applyTo(jsonResponse(200, {}));
  if (hasLegacy) {
    const legacy = new SessionHeaders(config);
    legacy.clearLegacyCookie();
    return legacy.applyTo(res);
  }
  return res;
}

/** `POST {apiBasePath}/signout`: verify (no claim validators), revoke in the core, clear the request's method. */
export async function signOutInRequest(st: SuperTokensEdge, req: Request): Promise<Response> {
  const result = await getSessionFromRequest(st, req, { sessionRequired: true, overrideGlobalClaimValidators: () => [] });
  if (result.status !== "OK") return result.response;
  try {
    await result.session!.revokeSession();
  } catch (e) {
    return failureResponse(st, { status: "CORE_UNAVAILABLE", error: toEdgeError(e) }); // still signed in
  }
  return result.applyTo(jsonResponse(200, { status: "OK" }));
}

/** supertokens-node `createNewSession(req, res, …)`: output method from `st-auth-mode`, tokens on the response. */
export async function createNewSessionInRequest(
  st: SuperTokensEdge,
  req: Request,
  tenantId: string,
  recipeUserId: string,
  accessTokenPayload: JsonObject = {},
  sessionDataInDatabase: JsonObject = {},
): Promise<RequestSession> {
  const { config } = st;
  let method = allowedMethod(st, req, true);
  if (method === "any") method = req.headers.get("st-auth-mode")?.toLowerCase() === "cookie" ? "cookie" : "header";
  if (method === "cookie" && config.cookieSameSite === "none" && !config.cookieSecure) {
    const local = (u: string) => /^(localhost|127\.|\[::1\]|\d+\.\d+\.\d+\.\d+$)/.test(new URL(u).hostname);
    if (!(local(config.apiDomain) && local(config.websiteDomain))) {
      throw new TypeError(
        "supertokens-edge: since your API and website domain are different, for sessions to work, please use https on your apiDomain and dont set cookieSecure to false.",
      );
    }
  }
  const session = await st.createNewSessionWithoutRequestResponse(
    tenantId,
    recipeUserId,
    await st.addClaimsToNewSessionPayload(accessTokenPayload, recipeUserId, tenantId),
    sessionDataInDatabase,
    method === "header",
  );
  const headers = new SessionHeaders(config);
  for (const m of TRANSFER_METHODS) if (m !== method && readToken(req, "access", m) !== undefined) headers.clear(m);
  return okResult(st, session, method, headers);
}

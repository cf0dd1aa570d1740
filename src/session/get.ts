import { toEdgeError, type SuperTokensEdgeError } from "../errors.js";
import { hasValidStructure, parseAccessToken, type ParsedAccessToken } from "../token/parse.js";
import {
  hasWellTypedRegisteredClaims,
  isCurrentlyValid,
  tokenInfo,
  verifyJwsSignature,
  verifyLegacySignature,
  type AccessTokenInfo,
} from "../token/verify.js";
import type { EngineContext } from "./context.js";
import { verifySession } from "./core-calls.js";
import { Session } from "./session.js";

export interface GetSessionOptions {
  /** Check the anti-CSRF token (VIA_TOKEN). Default `true` here; the HTTP layer passes `method !== GET`. */
  antiCsrfCheck?: boolean;
  /** Ask the core whether the session still exists (revocation is then immediate). Default `false`. */
  checkDatabase?: boolean;
  /** `false`: no token is not an error (the result is OK without a session). Default `true`. */
  sessionRequired?: boolean;
}

export type GetSessionResult =
  | { status: "OK"; session: Session }
  | { status: "TRY_REFRESH_TOKEN"; message: string }
  | { status: "UNAUTHORISED"; message: string; clearTokens: boolean }
  | { status: "CORE_UNAVAILABLE"; error: SuperTokensEdgeError };

export type OptionalGetSessionResult = GetSessionResult | { status: "OK"; session: undefined };

type LocalOutcome =
  | { kind: "verified"; info: AccessTokenInfo }
  | { kind: "failed"; message: string }
  | { kind: "unavailable"; error: SuperTokensEdgeError };

async function checkSignature(ctx: EngineContext, token: ParsedAccessToken): Promise<LocalOutcome> {
  if (token.version >= 3) {
    // Our allow-lists: refused headers fail like a bad signature would (supertokens-node: try refresh).
    if (!token.headerAcceptable) return { kind: "failed", message: "access token header not allowed" };
    let key = ctx.jwks.readyKey(token.kid!); // the hot path: a fresh set, the key already imported
    if (key === undefined) {
      const found = await ctx.jwks.getKey(token.kid!);
      if (found.status === "UNAVAILABLE") return { kind: "unavailable", error: found.error };
      if (found.status === "UNKNOWN_KID") return { kind: "failed", message: "no JWKS key matches the token's kid" };
      key = found.key;
    }
    if (!(await verifyJwsSignature(token, key))) return { kind: "failed", message: "bad signature" };
  } else {
    const all = await ctx.jwks.getAllKeys();
    if (all.status === "UNAVAILABLE") return { kind: "unavailable", error: all.error };
    let ok = false;
    for (const key of all.keys) {
      if (await verifyLegacySignature(token, key)) {
        ok = true;
        break;
      }
    }
    if (!ok) return { kind: "failed", message: "no JWKS key verifies the legacy token" };
  }
  return { kind: "verified", info: tokenInfo(token) };
}

/**
 * supertokens-node `getInfoFromAccessToken`: signature (cached per token string), then the rules that
 * depend on the clock and on this call's anti-CSRF needs.
 */
async function verifyLocally(
  ctx: EngineContext,
  token: ParsedAccessToken,
  cached: AccessTokenInfo | undefined,
  needsAntiCsrfToken: boolean,
): Promise<LocalOutcome> {
  let info = cached;
  if (info === undefined) {
    if (!hasWellTypedRegisteredClaims(token.payload)) return { kind: "failed", message: "malformed exp/nbf/iat" };
    const outcome = await checkSignature(ctx, token);
    if (outcome.kind !== "verified") return outcome;
    info = outcome.info;
    if (token.version >= 3) ctx.verified.set(token.raw, token, info);
  }
  if (needsAntiCsrfToken && info.antiCsrfToken === undefined) {
    return { kind: "failed", message: "Access token does not contain the anti-csrf token." };
  }
  if (!isCurrentlyValid(token, info, ctx.config.now())) {
    ctx.verified.delete(token.raw);
    return { kind: "failed", message: "Access token expired" };
  }
  return { kind: "verified", info };
}

/**
 * The getSession decision (supertokens-node `recipeImplementation.getSession` + `sessionFunctions.getSession`).
 * Local verification, no core call in the common case; the core only for `checkDatabase`, a token carrying
 * `parentRefreshTokenHash1` (first use after a refresh), or a fresh unexpired v2 token our keys cannot verify.
 *
 * Deliberate divergence: when the JWKS or the core cannot be reached the answer is CORE_UNAVAILABLE (the
 * HTTP layer answers 503), not supertokens-node's try-refresh, which would send every client into a refresh
 * storm and log users out during an outage.
 */
export async function getSession(
  ctx: EngineContext,
  accessToken: string | undefined,
  antiCsrfToken: string | undefined,
  options: GetSessionOptions = {},
): Promise<OptionalGetSessionResult> {
  const { config } = ctx;
  if (options.antiCsrfCheck !== false && config.antiCsrf === "VIA_CUSTOM_HEADER") {
    throw new TypeError(
      "supertokens-edge: with antiCsrf VIA_CUSTOM_HEADER getSession cannot check the CSRF token: pass antiCsrfCheck: false (the HTTP layer checks the rid header)",
    );
  }
  const sessionRequired = options.sessionRequired !== false;
  if (accessToken === undefined) {
    if (!sessionRequired) return { status: "OK", session: undefined };
    return {
      status: "UNAUTHORISED",
      message:
        "Session does not exist. Are you sending the session tokens in the request with the appropriate token transfer method?",
      clearTokens: false,
    };
  }

  const hit = ctx.verified.get(accessToken);
  const token = hit?.token ?? parseAccessToken(accessToken);
  if (token === undefined || (hit === undefined && !hasValidStructure(token.payload, token.version))) {
    if (!sessionRequired) return { status: "OK", session: undefined };
    return { status: "UNAUTHORISED", message: "Token parsing failed", clearTokens: false };
  }

  const doAntiCsrfCheck = options.antiCsrfCheck !== false;
  const viaToken = config.antiCsrf === "VIA_TOKEN";
  const checkDatabase = options.checkDatabase === true;

  const local = await verifyLocally(ctx, token, hit?.info, viaToken && doAntiCsrfCheck);
  if (local.kind === "unavailable") return { status: "CORE_UNAVAILABLE", error: local.error };
  let info: AccessTokenInfo | undefined;
  if (local.kind === "verified") {
    info = local.info;
  } else {
    // Only a legacy token may have been signed by a key newer than our cache, and only while it is both
    // unexpired and younger than the cache interval (Node's rule, in ms — the Python seed's units are wrong).
    const p = token.payload;
    const now = config.now();
    if (
      token.version >= 3 ||
      typeof p.timeCreated !== "number" ||
      typeof p.expiryTime !== "number" ||
      p.expiryTime < now ||
      p.timeCreated <= now - config.jwksRefreshIntervalSec * 1000
    ) {
      return { status: "TRY_REFRESH_TOKEN", message: "Failed to verify access token" };
    }
  }

  if (token.version >= 3 && token.kid!.startsWith("d-") !== config.useDynamicAccessTokenSigningKey) {
    return {
      status: "TRY_REFRESH_TOKEN",
      message: "The access token doesn't match the useDynamicAccessTokenSigningKey setting",
    };
  }

  if (doAntiCsrfCheck && viaToken && info !== undefined) {
    if (antiCsrfToken === undefined) {
      return {
        status: "TRY_REFRESH_TOKEN",
        message:
          "Provided antiCsrfToken is undefined. If you do not want anti-csrf check for this API, please set doAntiCsrfCheck to false for this API",
      };
    }
    if (antiCsrfToken !== info.antiCsrfToken) return { status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" };
  }

  if (info !== undefined && !checkDatabase && info.parentRefreshTokenHash1 === undefined) {
    return {
      status: "OK",
      session: new Session(ctx, {
        accessToken: token.raw,
        accessTokenExpiry: info.expiryTime,
        handle: info.sessionHandle,
        userId: info.userId,
        recipeUserId: info.recipeUserId,
        tenantId: info.tenantId,
        payload: info.payload,
        accessTokenUpdated: false,
        antiCsrfToken,
      }),
    };
  }

  let res;
  try {
    res = await verifySession(ctx, {
      accessToken: token.raw,
      antiCsrfToken,
      doAntiCsrfCheck,
      enableAntiCsrf: viaToken,
      checkDatabase,
    });
  } catch (e) {
    return { status: "CORE_UNAVAILABLE", error: toEdgeError(e) };
  }
  if (res.status === "UNAUTHORISED") return { status: "UNAUTHORISED", message: res.message, clearTokens: true };
  if (res.status === "TRY_REFRESH_TOKEN") return { status: "TRY_REFRESH_TOKEN", message: res.message };

  let payload = token.version >= 3 ? token.payload : res.session.userDataInJWT;
  if (res.accessToken !== undefined && token.version >= 3) {
    const fresh = parseAccessToken(res.accessToken.token);
    if (fresh === undefined) {
      return { status: "CORE_UNAVAILABLE", error: toEdgeError(new Error("core returned an unparseable access token"), "ERR_CORE_BAD_RESPONSE") };
    }
    payload = fresh.payload;
  }
  const legacyExpiry = token.payload.expiryTime;
  return {
    status: "OK",
    session: new Session(ctx, {
      accessToken: res.accessToken?.token ?? token.raw,
      accessTokenExpiry:
        res.accessToken?.expiry || info?.expiryTime || (typeof legacyExpiry === "number" ? legacyExpiry : 0),
      handle: res.session.handle,
      userId: res.session.userId,
      recipeUserId: res.session.recipeUserId,
      tenantId: res.session.tenantId || info?.tenantId || "public",
      payload,
      accessTokenUpdated: res.accessToken !== undefined,
      antiCsrfToken,
    }),
  };
}

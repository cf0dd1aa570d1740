import { verifySession } from "../core/calls.js";
import { CoreBadResponseError, isSuperTokensEdgeError } from "../errors.js";
import { hasValidStructure, LATEST_VERSION, type ParsedAccessToken, parseAccessToken } from "../token/parse.js";
import { type AccessTokenInfo, timeCheck, tokenInfo, verifySignature } from "../token/verify.js";
import { antiCsrfMode } from "./anti-csrf.js";
import type { EngineContext } from "./context.js";
import { decided } from "./context.js";
import {
  type CoreUnavailable,
  coreUnavailable,
  type OptionalGetSessionResult,
  type TryRefreshReason,
  tryRefresh,
  unauthorised,
} from "./outcomes.js";
import { Session } from "./session.js";

export interface GetSessionOptions {
  /** Check the anti-CSRF token (VIA_TOKEN). Default `true` here; the HTTP layer passes `method !== GET`. */
  antiCsrfCheck?: boolean | undefined;
  /** Ask the core whether the session still exists (revocation is then immediate). Default `false`. */
  checkDatabase?: boolean | undefined;
  /** `false`: no (usable) token is not an error (the result is OK without a session). Default `true`. */
  sessionRequired?: boolean | undefined;
}

/** supertokens-node's message for every local verification failure (the reason tells them apart). */
const FAILED_TO_VERIFY = "Failed to verify access token";

type LocalOutcome =
  | { kind: "verified"; info: AccessTokenInfo }
  | { kind: "failed"; reason: TryRefreshReason }
  | { kind: "unavailable"; result: CoreUnavailable };

async function checkSignature(ctx: EngineContext, token: ParsedAccessToken): Promise<LocalOutcome> {
  if (token.version >= 3) {
    // Our allow-lists: refused headers fail like a bad signature would (supertokens-node: try refresh).
    if (!token.headerAcceptable) return { kind: "failed", reason: "header-not-allowed" };
    let key = ctx.jwks.readyKey(token.kid!); // the hot path: a fresh set, the key already imported
    if (key === undefined) {
      const found = await ctx.jwks.getKey(token.kid!);
      if (found.status === "UNAVAILABLE") return { kind: "unavailable", result: coreUnavailable(found.error) };
      if (found.status === "UNKNOWN_KID") return { kind: "failed", reason: "unknown-kid" };
      key = found.key;
    }
    if (!(await verifySignature(token, key))) return { kind: "failed", reason: "bad-signature" };
  } else {
    const all = await ctx.jwks.getAllKeys();
    if (all.status === "UNAVAILABLE") return { kind: "unavailable", result: coreUnavailable(all.error) };
    let ok = false;
    for (const key of all.keys) {
      if (await verifySignature(token, key)) {
        ok = true;
        break;
      }
    }
    if (!ok) return { kind: "failed", reason: "bad-signature" };
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
    const outcome = await checkSignature(ctx, token);
    if (outcome.kind !== "verified") return outcome;
    info = outcome.info;
    if (token.version >= 3) ctx.verified.set(token.raw, token, info);
  }
  if (needsAntiCsrfToken && info.antiCsrfToken === undefined) return { kind: "failed", reason: "anti-csrf" };
  const time = timeCheck(token, info, ctx.config.now());
  if (time !== "valid") {
    ctx.verified.delete(token.raw);
    return { kind: "failed", reason: time };
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
export function getSession(
  ctx: EngineContext,
  /** The token string, or the token the HTTP layer already parsed (and checked for structure). */
  accessToken: string | ParsedAccessToken | undefined,
  antiCsrfToken: string | undefined,
  options: GetSessionOptions = {},
): Promise<OptionalGetSessionResult> {
  if (ctx.emit === undefined) return decide(ctx, accessToken, antiCsrfToken, options); // no extra promise when unobserved
  const startedAt = ctx.config.now();
  return decide(ctx, accessToken, antiCsrfToken, options).then((result) =>
    decided(ctx, "getSession", startedAt, result),
  );
}

async function decide(
  ctx: EngineContext,
  accessToken: string | ParsedAccessToken | undefined,
  antiCsrfToken: string | undefined,
  options: GetSessionOptions,
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
    return unauthorised(
      "no-token",
      "Session does not exist. Are you sending the session tokens in the request with the appropriate token transfer method?",
      false,
    );
  }

  const raw = typeof accessToken === "string" ? accessToken : accessToken.raw;
  const hit = ctx.verified.get(raw);
  const token = hit?.token ?? (typeof accessToken === "string" ? parseAccessToken(accessToken) : accessToken);
  if (token === undefined || (hit === undefined && !hasValidStructure(token.payload, token.version))) {
    if (!sessionRequired) return { status: "OK", session: undefined };
    return unauthorised("malformed", "Token parsing failed", false);
  }
  // A token from a newer core: a refresh re-issues one of a version we implement (never a logout).
  if (token.version > LATEST_VERSION) return tryRefresh("unsupported-version", FAILED_TO_VERIFY);

  const doAntiCsrfCheck = options.antiCsrfCheck !== false;
  const viaToken = antiCsrfMode(config) === "VIA_TOKEN";
  const checkDatabase = options.checkDatabase === true;

  const local = await verifyLocally(ctx, token, hit?.info, viaToken && doAntiCsrfCheck);
  if (local.kind === "unavailable") return local.result;
  let info: AccessTokenInfo | undefined;
  if (local.kind === "verified") {
    info = local.info;
  } else {
    // Only a legacy token may have been signed by a key newer than our cache, and only while it is both
    // unexpired and younger than the cache interval (supertokens-node's rule, in ms).
    const p = token.payload;
    const now = config.now();
    if (
      token.version >= 3 ||
      typeof p.timeCreated !== "number" ||
      typeof p.expiryTime !== "number" ||
      p.expiryTime < now ||
      p.timeCreated <= now - config.jwksRefreshIntervalSec * 1000
    ) {
      return tryRefresh(local.reason, FAILED_TO_VERIFY);
    }
  }

  if (token.version >= 3 && token.kid!.startsWith("d-") !== config.useDynamicAccessTokenSigningKey) {
    return tryRefresh("kid-mismatch", "The access token doesn't match the useDynamicAccessTokenSigningKey setting");
  }

  if (doAntiCsrfCheck && viaToken && info !== undefined) {
    if (antiCsrfToken === undefined) {
      return tryRefresh(
        "anti-csrf",
        "Provided antiCsrfToken is undefined. If you do not want anti-csrf check for this API, please set doAntiCsrfCheck to false for this API",
      );
    }
    if (antiCsrfToken !== info.antiCsrfToken) return tryRefresh("anti-csrf", "anti-csrf check failed");
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
  return askTheCore(ctx, token, info, antiCsrfToken, doAntiCsrfCheck, viaToken, checkDatabase);
}

/** `checkDatabase`, the first token after a refresh, or a fresh v2 token our keys cannot verify: the core decides. */
async function askTheCore(
  ctx: EngineContext,
  token: ParsedAccessToken,
  info: AccessTokenInfo | undefined,
  antiCsrfToken: string | undefined,
  doAntiCsrfCheck: boolean,
  viaToken: boolean,
  checkDatabase: boolean,
): Promise<OptionalGetSessionResult> {
  let res: Awaited<ReturnType<typeof verifySession>>;
  try {
    res = await verifySession(ctx.querier, {
      accessToken: token.raw,
      antiCsrfToken,
      doAntiCsrfCheck,
      enableAntiCsrf: viaToken,
      checkDatabase,
    });
  } catch (e) {
    if (isSuperTokensEdgeError(e)) return coreUnavailable(e);
    throw e; // a bug, not an outage
  }
  if (res.status === "UNAUTHORISED") return unauthorised("revoked", res.message, true);
  if (res.status === "TRY_REFRESH_TOKEN") return tryRefresh("core-try-refresh", res.message);

  let payload = token.version >= 3 ? token.payload : res.session.userDataInJWT;
  if (res.accessToken !== undefined && token.version >= 3) {
    const fresh = parseAccessToken(res.accessToken.token);
    if (fresh === undefined)
      return coreUnavailable(new CoreBadResponseError("core returned an unparseable access token"));
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

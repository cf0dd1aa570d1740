import type { TokenTransferMethod } from "../config.js";
import { antiCsrfMode } from "../session/anti-csrf.js";
import { decided, type EngineContext } from "../session/context.js";
import { refreshSession } from "../session/refresh.js";
import { revokeSession } from "../session/revoke.js";
import { type Unauthorised, unauthorised } from "../session/outcomes.js";
import { isSuperTokensEdgeError } from "../errors.js";
import { failureResponse, jsonResponse } from "./answers.js";
import { countCookie, getCookie } from "./cookies.js";
import { requestSession } from "./request-session.js";
import {
  ACCESS_COOKIE,
  ANTI_CSRF_HEADER,
  allowedTransferMethod,
  allows,
  LEGACY_ID_REFRESH_COOKIE,
  readToken,
  REFRESH_COOKIE,
  SessionHeaders,
  TRANSFER_METHODS,
} from "./transfer.js";

/** A refusal the refresh API decides before the engine is asked (the engine reports its own decisions). */
function refused<T extends Unauthorised>(ctx: EngineContext, failure: T): T {
  return ctx.emit === undefined ? failure : decided(ctx, "refreshSession", ctx.config.now(), failure);
}

const DUPLICATE_COOKIES_CLEARED =
  "The request contains multiple session cookies. We are clearing the cookie from olderCookieDomain. Session will be refreshed in the next refresh call.";

/**
 * `POST {apiBasePath}/session/refresh` (supertokens-node `refreshSessionInRequest` + the refresh API): which
 * refresh token, the anti-CSRF check, then the refresh decision (session/refresh.ts); on theft the session is
 * revoked here, as the SDK's error handler does. A core outage answers 503 and clears nothing.
 */
export async function refreshSessionInRequest(ctx: EngineContext, req: Request): Promise<Response> {
  const { config } = ctx;
  const headers = new SessionHeaders(config);
  const cookieHeader = req.headers.get("cookie");
  const allowed = allowedTransferMethod(config, req, false);

  if (allowed !== "header") {
    let cleared = false;
    for (const [type, name] of [
      ["access", ACCESS_COOKIE],
      ["refresh", REFRESH_COOKIE],
    ] as const) {
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
    return failureResponse(config, refused(ctx, unauthorised("no-token", "Refresh token not found", true)), headers);
  }

  let disableAntiCsrf = method === "header";
  if (antiCsrfMode(config) === "VIA_CUSTOM_HEADER" && !disableAntiCsrf) {
    if (req.headers.get("rid") === null) {
      return failureResponse(config, refused(ctx, unauthorised("anti-csrf", "anti-csrf check failed", true)), headers);
    }
    disableAntiCsrf = true;
  }
  const result = await refreshSession(
    ctx,
    found[method]!,
    disableAntiCsrf,
    req.headers.get(ANTI_CSRF_HEADER) ?? undefined,
  );
  if (result.status === "CORE_UNAVAILABLE") return failureResponse(config, result); // nothing cleared
  if (result.status !== "OK") {
    if (result.status === "TOKEN_THEFT_DETECTED") {
      try {
        await revokeSession(ctx, result.sessionHandle);
      } catch (e) {
        // The theft answer and the clearing stand even if the core cannot take the revocation now.
        if (!isSuperTokensEdgeError(e)) throw e;
      }
    }
    if (hasLegacy) headers.clearLegacyCookie();
    return failureResponse(config, result, headers);
  }
  for (const m of TRANSFER_METHODS) if (m !== method && found[m] !== undefined) headers.clear(m);
  const res = requestSession(result.session, method, headers).applyTo(jsonResponse(200, {}));
  if (hasLegacy) {
    const legacy = new SessionHeaders(config);
    legacy.clearLegacyCookie();
    return legacy.applyTo(res);
  }
  return res;
}

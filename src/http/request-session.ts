import type { TokenTransferMethod } from "../config.js";
import type { SessionFailure } from "../session/outcomes.js";
import type { Session } from "../session/session.js";
import { buildFrontToken, type SessionHeaders } from "./transfer.js";

/**
 * A request's session. `applyTo(response)` adds what the response must carry: a token the core renewed during
 * this request (refresh, promotion, payload merge), or the clearing after `session.revokeSession()`.
 */
export interface RequestSession<S extends Session | undefined = Session> {
  status: "OK";
  session: S;
  transferMethod: TokenTransferMethod;
  applyTo(response: Response): Response;
}

/** The HTTP outcome: the session, or the failure with the SDK's answer already built. */
export type RequestSessionResult<S extends Session | undefined = Session> =
  | RequestSession<S>
  | (SessionFailure & { response: Response });

export function requestSession<S extends Session | undefined>(
  session: S,
  method: TokenTransferMethod,
  headers: SessionHeaders,
): RequestSession<S> {
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

import { isLocalHostname } from "../hosts.js";
import type { EngineContext } from "../session/context.js";
import { createNewSession } from "../session/create.js";
import type { Session } from "../session/session.js";
import type { JsonObject } from "../token/json.js";
import { type RequestSession, requestSession } from "./request-session.js";
import { allowedTransferMethod, readToken, SessionHeaders, TRANSFER_METHODS } from "./transfer.js";

/**
 * supertokens-node `createNewSession(req, res, …)`: the transfer method from `st-auth-mode` (or the
 * `getTokenTransferMethod` hook), the session from session/create.ts, the tokens written by `applyTo`.
 * Tokens of the other transfer method the request carried are cleared. Throws the errors of errors.ts on I/O.
 */
export async function createNewSessionInRequest(
  ctx: EngineContext,
  req: Request,
  tenantId: string,
  recipeUserId: string,
  accessTokenPayload: JsonObject = {},
  sessionDataInDatabase: JsonObject = {},
): Promise<RequestSession<Session>> {
  const { config } = ctx;
  let method = allowedTransferMethod(config, req, true);
  if (method === "any") method = req.headers.get("st-auth-mode")?.toLowerCase() === "cookie" ? "cookie" : "header";
  if (method === "cookie" && config.cookieSameSite === "none" && !config.cookieSecure) {
    const local = (origin: string) => isLocalHostname(new URL(origin).hostname);
    if (!(local(config.apiDomain) && local(config.websiteDomain))) {
      throw new TypeError(
        "supertokens-edge: since your API and website domain are different, for sessions to work, please use https on your apiDomain and dont set cookieSecure to false.",
      );
    }
  }
  const session = await createNewSession(
    ctx,
    tenantId,
    recipeUserId,
    accessTokenPayload,
    sessionDataInDatabase,
    method === "header",
  );
  const headers = new SessionHeaders(config);
  for (const m of TRANSFER_METHODS) if (m !== method && readToken(req, "access", m) !== undefined) headers.clear(m);
  return requestSession(session, method, headers);
}

import { createSession } from "../core/calls.js";
import type { JsonObject } from "../token/json.js";
import { antiCsrfMode } from "./anti-csrf.js";
import { addClaimsOnCreate } from "./claim-validation.js";
import { decided, type EngineContext } from "./context.js";
import { withoutProtectedProps } from "./payload.js";
import { type Session, sessionFromCoreTokens } from "./session.js";

/**
 * Session creation (supertokens-node `createNewSessionWithoutRequestResponse`): the values of
 * `claimsAddedOnCreate` go into the payload, protected claims are dropped, `iss` is `apiDomain + apiBasePath`.
 * The core resolves a linked account's primary user itself; `GET /user/id` is asked only when claims need the
 * primary user (session/claim-validation.ts).
 * Throws the core errors of errors.ts on I/O.
 */
export async function createNewSession(
  ctx: EngineContext,
  tenantId: string,
  recipeUserId: string,
  accessTokenPayload: JsonObject,
  sessionDataInDatabase: JsonObject,
  disableAntiCsrf: boolean,
): Promise<Session> {
  const startedAt = ctx.emit === undefined ? 0 : ctx.config.now();
  const withClaims = await addClaimsOnCreate(ctx, accessTokenPayload, recipeUserId, tenantId);
  const res = await createSession(ctx.querier, {
    tenantId,
    userId: recipeUserId,
    userDataInJWT: withoutProtectedProps({ ...withClaims, iss: ctx.config.issuer }),
    userDataInDatabase: sessionDataInDatabase ?? {},
    useDynamicSigningKey: ctx.config.useDynamicAccessTokenSigningKey,
    enableAntiCsrf: !disableAntiCsrf && antiCsrfMode(ctx.config) === "VIA_TOKEN",
  });
  const session = sessionFromCoreTokens(ctx, res, tenantId);
  decided(ctx, "createNewSession", startedAt, { status: "OK" });
  return session;
}

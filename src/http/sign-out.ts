import { decided, type EngineContext } from "../session/context.js";
import { failureFromError, failureResponse, jsonResponse } from "./answers.js";
import { getSessionFromRequest } from "./get-session.js";

/**
 * `POST {apiBasePath}/signout` (supertokens-node's sign-out API): verify without claim validators, revoke in the
 * core, clear the tokens of the transfer method the request used. A core outage answers 503: still signed in.
 */
export async function signOutInRequest(ctx: EngineContext, req: Request): Promise<Response> {
  const startedAt = ctx.emit === undefined ? 0 : ctx.config.now();
  const result = await getSessionFromRequest(ctx, req, {
    sessionRequired: true,
    overrideGlobalClaimValidators: () => [],
  });
  if (result.status !== "OK") return result.response;
  try {
    await result.session!.revokeSession();
  } catch (e) {
    const failure = failureFromError(e);
    decided(ctx, "signOut", startedAt, failure);
    return failureResponse(ctx.config, failure);
  }
  decided(ctx, "signOut", startedAt, { status: "OK" });
  return result.applyTo(jsonResponse(200, { status: "OK" }));
}

import * as core from "../core/calls.js";
import type { JsonObject } from "../token/json.js";
import type { EngineContext } from "./context.js";
import { mergePayload } from "./payload.js";

// Operations on sessions by handle, outside a request (supertokens-node's functions of the same names).
// Throw on I/O; a session the core does not know is `undefined` / `false`.

/** Without `tenantId`: across all tenants (as supertokens-node). */
export function getAllSessionHandlesForUser(
  ctx: EngineContext,
  userId: string,
  fetchSessionsForAllLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  return core.sessionHandlesOfUser(ctx.querier, userId, fetchSessionsForAllLinkedAccounts, tenantId);
}

export function getSessionInformation(
  ctx: EngineContext,
  sessionHandle: string,
): Promise<core.SessionInformation | undefined> {
  return core.sessionInformation(ctx.querier, sessionHandle);
}

export function updateSessionDataInDatabase(
  ctx: EngineContext,
  sessionHandle: string,
  newSessionData: JsonObject,
): Promise<boolean> {
  return core.putSessionData(ctx.querier, sessionHandle, newSessionData);
}

/** As supertokens-node: read the stored payload, merge (`null` removes a key), write it back. */
export async function mergeIntoAccessTokenPayload(
  ctx: EngineContext,
  sessionHandle: string,
  update: JsonObject,
): Promise<boolean> {
  const info = await core.sessionInformation(ctx.querier, sessionHandle);
  if (info === undefined) return false;
  return core.putJwtData(ctx.querier, sessionHandle, mergePayload(info.customClaimsInAccessTokenPayload, update));
}

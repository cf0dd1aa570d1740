import { removeSessions, removeSessionsOfUser } from "../core/calls.js";
import type { EngineContext } from "./context.js";

// Revocation (supertokens-node `revokeSession`, `revokeMultipleSessions`, `revokeAllSessionsForUser`). Sign-out
// over HTTP — verify, revoke, clear the client's tokens — is src/http/sign-out.ts. Throws on I/O.

/** `true` when the core revoked the session (`false`: it did not exist). */
export async function revokeSession(ctx: EngineContext, sessionHandle: string): Promise<boolean> {
  return (await removeSessions(ctx.querier, [sessionHandle])).length === 1;
}

export function revokeMultipleSessions(ctx: EngineContext, sessionHandles: string[]): Promise<string[]> {
  return removeSessions(ctx.querier, sessionHandles);
}

/** Without `tenantId`: across all tenants (as supertokens-node). */
export function revokeAllSessionsForUser(
  ctx: EngineContext,
  userId: string,
  revokeSessionsForLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  return removeSessionsOfUser(ctx.querier, userId, revokeSessionsForLinkedAccounts, tenantId);
}

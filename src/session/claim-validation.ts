import type { JsonObject } from "../token/json.js";
import type { ClaimValidationError, SessionClaimValidator } from "./claims.js";
import { decided, type EngineContext } from "./context.js";
import type { InvalidClaims } from "./outcomes.js";
import { withoutProtectedProps } from "./payload.js";
import type { Session } from "./session.js";

/** Replaces the global claim validators for one route (`() => []` disables them). */
export type OverrideGlobalClaimValidators = (
  globalValidators: SessionClaimValidator[],
  session: Session,
) => SessionClaimValidator[] | Promise<SessionClaimValidator[]>;

/**
 * The values of `claimsAddedOnCreate`, fetched into a new session's payload (as the SDK's recipes add theirs).
 * As supertokens-node, the claims see the primary user of a linked account (`GET /user/id`); without claims there
 * is nothing to look up (the core resolves the session's user itself).
 */
export async function addClaimsOnCreate(
  ctx: EngineContext,
  payload: JsonObject,
  recipeUserId: string,
  tenantId: string,
): Promise<JsonObject> {
  const claims = ctx.config.claimsAddedOnCreate;
  if (claims.length === 0) return payload;
  const found = await ctx.querier.get("/user/id", { userId: recipeUserId });
  const primary = (found.user as { id?: unknown } | undefined)?.id;
  const userId = found.status === "OK" && typeof primary === "string" ? primary : recipeUserId;
  let out = payload;
  for (const claim of claims) {
    const value = await claim.fetchValue({ userId, recipeUserId, tenantId, payload: out, core: ctx.querier });
    if (value !== undefined) out = claim.addToPayload(out, value);
  }
  return out;
}

/**
 * supertokens-node `validateClaims`: refetch what validators ask for, then validate every validator against the
 * (possibly updated) payload. Returns the errors and the payload update to merge through the core, if any.
 */
export async function validateClaims(
  ctx: EngineContext,
  session: { userId: string; recipeUserId: string; payload: JsonObject },
  validators: SessionClaimValidator[],
): Promise<{ invalidClaims: ClaimValidationError[]; payloadUpdate: JsonObject | undefined }> {
  let payload = session.payload;
  const before = JSON.stringify(payload);
  for (const v of validators) {
    if (v.claim !== undefined && (await v.shouldRefetch(payload))) {
      const value = await v.claim.fetchValue({
        userId: session.userId,
        recipeUserId: session.recipeUserId,
        tenantId: typeof payload.tId === "string" ? payload.tId : "public",
        payload,
        core: ctx.querier,
      });
      if (value !== undefined) payload = v.claim.addToPayload(payload, value);
    }
  }
  const invalidClaims: ClaimValidationError[] = [];
  for (const v of validators) {
    const res = await v.validate(payload);
    if (!res.isValid) invalidClaims.push(res.reason === undefined ? { id: v.id } : { id: v.id, reason: res.reason });
  }
  return { invalidClaims, payloadUpdate: JSON.stringify(payload) !== before ? payload : undefined };
}

/**
 * The claim decision for a verified session (supertokens-node `assertClaims` in `getSession`): the
 * `getGlobalClaimValidators` hook, the route's override, refetch and validation; a refetched value reaches the
 * client through a payload merge (a new access token). Exceptions propagate: I/O as the errors of errors.ts
 * (the caller maps them), anything else — a bug in a validator — as itself.
 */
export async function assertClaims(
  ctx: EngineContext,
  session: Session,
  override: OverrideGlobalClaimValidators | undefined,
): Promise<InvalidClaims | undefined> {
  const hook = ctx.config.getGlobalClaimValidators;
  const global = hook
    ? ((await hook({
        userId: session.getUserId(),
        recipeUserId: session.getRecipeUserId(),
        tenantId: session.getTenantId(),
        claimValidatorsAddedByOtherRecipes: [],
      })) ?? [])
    : [];
  const validators = override ? await override(global, session) : global;
  if (validators.length === 0) return undefined;
  const startedAt = ctx.emit === undefined ? 0 : ctx.config.now();
  const { invalidClaims, payloadUpdate } = await validateClaims(
    ctx,
    { userId: session.getUserId(), recipeUserId: session.getRecipeUserId(), payload: session.getAccessTokenPayload() },
    validators,
  );
  if (payloadUpdate !== undefined) await session.mergeIntoAccessTokenPayload(withoutProtectedProps(payloadUpdate));
  const failure: InvalidClaims | undefined =
    invalidClaims.length > 0
      ? { status: "INVALID_CLAIMS", reason: "claim-invalid", claimValidationErrors: invalidClaims }
      : undefined;
  if (ctx.emit !== undefined) decided(ctx, "validateClaims", startedAt, failure ?? { status: "OK" });
  return failure;
}

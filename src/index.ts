export { createSuperTokens, SuperTokensEdge } from "./supertokens.js";
export type { RefreshSessionResult, RecipeUserIdInput } from "./supertokens.js";
export type { SuperTokensConfig, AntiCsrfMode, CookieSameSite, TokenTransferMethod } from "./config.js";
export { SuperTokensEdgeError, isSuperTokensEdgeError } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export { createMemoryJwksCache } from "./jwks/cache.js";
export type { JwksCacheStore } from "./jwks/cache.js";
export { Session } from "./session/session.js";
export type { GetSessionOptions, GetSessionResult, OptionalGetSessionResult } from "./session/get.js";
export type { SessionInformation } from "./session/core-calls.js";
export type { JsonObject } from "./token/parse.js";
export type {
  VerifySessionOptions,
  RequestSession,
  RequestSessionResult,
  SessionFailure,
} from "./http/flow.js";
export {
  SessionClaim,
  PrimitiveClaim,
  BooleanClaim,
  PrimitiveArrayClaim,
  EmailVerificationClaim,
  UserRoleClaim,
  PermissionClaim,
} from "./session/claims.js";
export type { SessionClaimValidator, ClaimValidationError, ClaimValidationResult } from "./session/claims.js";

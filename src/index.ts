export { createSuperTokens, SuperTokensEdge } from "./supertokens.js";
export type { RecipeUserIdInput } from "./supertokens.js";
export type { SuperTokensConfig, ResolvedConfig, AntiCsrfMode, CookieSameSite, TokenTransferMethod } from "./config.js";
export {
  SuperTokensEdgeError,
  CoreUnreachableError,
  CoreHttpError,
  CoreBadResponseError,
  JwksUnavailableError,
  UnauthorisedError,
  isSuperTokensEdgeError,
} from "./errors.js";
export type { ErrorCode, EdgeError } from "./errors.js";
export type { SuperTokensEvent, DecisionEvent, CoreCallEvent, JwksLoadEvent } from "./events.js";
export { createMemoryJwksCache } from "./jwks/store.js";
export type { JwksCacheStore } from "./jwks/store.js";
export { Session } from "./session/session.js";
export { SessionStatus, Reason } from "./session/outcomes.js";
export type {
  GetSessionResult,
  OptionalGetSessionResult,
  RefreshSessionResult,
  SessionFailure,
  TryRefreshToken,
  Unauthorised,
  TokenTheftDetected,
  InvalidClaims,
  CoreUnavailable,
  TryRefreshReason,
  UnauthorisedReason,
} from "./session/outcomes.js";
export type { GetSessionOptions } from "./session/get.js";
export type { SessionInformation } from "./core/calls.js";
export type { JsonObject } from "./token/json.js";
export type { VerifySessionOptions } from "./http/get-session.js";
export type { RequestSession, RequestSessionResult } from "./http/request-session.js";
export type { OverrideGlobalClaimValidators } from "./session/claim-validation.js";
export {
  SessionClaim,
  PrimitiveClaim,
  BooleanClaim,
  PrimitiveArrayClaim,
  EmailVerificationClaim,
  UserRoleClaim,
  PermissionClaim,
} from "./session/claims.js";
export type {
  SessionClaimValidator,
  ClaimValidationError,
  ClaimValidationResult,
  ClaimFetchContext,
} from "./session/claims.js";

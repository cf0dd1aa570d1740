import type { EdgeError } from "../errors.js";
import type { ClaimValidationError } from "./claims.js";
import type { Session } from "./session.js";

// Every outcome of a session decision, declared once. The statuses are supertokens-node's; each failure also
// carries a machine-readable `reason` (kebab-case) beside the SDK's `message`, which is what the SDK says.

export const SessionStatus = {
  OK: "OK",
  TRY_REFRESH_TOKEN: "TRY_REFRESH_TOKEN",
  UNAUTHORISED: "UNAUTHORISED",
  TOKEN_THEFT_DETECTED: "TOKEN_THEFT_DETECTED",
  INVALID_CLAIMS: "INVALID_CLAIMS",
  CORE_UNAVAILABLE: "CORE_UNAVAILABLE",
} as const;
export type SessionStatus = (typeof SessionStatus)[keyof typeof SessionStatus];

export const Reason = {
  /** No access (or refresh) token in the request. */
  NO_TOKEN: "no-token",
  /** Not a SuperTokens access token: grammar, JSON, version string or structure. */
  MALFORMED: "malformed",
  /** A JWS version newer than we implement: a refresh re-issues one we know. */
  UNSUPPORTED_VERSION: "unsupported-version",
  /** A header field, alg or signature encoding outside our allow-lists. */
  HEADER_NOT_ALLOWED: "header-not-allowed",
  /** No key of the core's JWKS has the token's kid (after the cooldown-gated refetch). */
  UNKNOWN_KID: "unknown-kid",
  BAD_SIGNATURE: "bad-signature",
  EXPIRED: "expired",
  NOT_YET_VALID: "not-yet-valid",
  /** The kid's `d-`/`s-` prefix does not match `useDynamicAccessTokenSigningKey`. */
  KID_MISMATCH: "kid-mismatch",
  ANTI_CSRF: "anti-csrf",
  /** The request still carries the legacy `sIdRefreshToken` cookie. */
  LEGACY_SESSION: "legacy-session",
  /** More than one access-token cookie. */
  MULTIPLE_TOKENS: "multiple-tokens",
  /** The core says the session no longer exists. */
  REVOKED: "revoked",
  /** The core asked for a refresh (its own expiry or anti-CSRF checks). */
  CORE_TRY_REFRESH: "core-try-refresh",
  /** The core refused the refresh token (expired, revoked or unknown). */
  REFRESH_TOKEN_INVALID: "refresh-token-invalid",
  TOKEN_THEFT: "token-theft",
  CLAIM_INVALID: "claim-invalid",
  CORE_UNREACHABLE: "core-unreachable",
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export type TryRefreshReason =
  | "unsupported-version"
  | "header-not-allowed"
  | "unknown-kid"
  | "bad-signature"
  | "expired"
  | "not-yet-valid"
  | "kid-mismatch"
  | "anti-csrf"
  | "legacy-session"
  | "multiple-tokens"
  | "core-try-refresh";
export type UnauthorisedReason = "no-token" | "malformed" | "revoked" | "refresh-token-invalid" | "anti-csrf";

export interface TryRefreshToken {
  status: "TRY_REFRESH_TOKEN";
  reason: TryRefreshReason;
  message: string;
}
export interface Unauthorised {
  status: "UNAUTHORISED";
  reason: UnauthorisedReason;
  message: string;
  /** Whether the answer clears the client's tokens (the core said the session is gone, or a refresh failed). */
  clearTokens: boolean;
}
export interface TokenTheftDetected {
  status: "TOKEN_THEFT_DETECTED";
  reason: "token-theft";
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
}
export interface InvalidClaims {
  status: "INVALID_CLAIMS";
  reason: "claim-invalid";
  claimValidationErrors: ClaimValidationError[];
}
export interface CoreUnavailable {
  status: "CORE_UNAVAILABLE";
  reason: "core-unreachable";
  error: EdgeError;
}

/** Why a request has no valid session; each maps to the answer supertokens-node would send (http/answers.ts). */
export type SessionFailure = TryRefreshToken | Unauthorised | TokenTheftDetected | InvalidClaims | CoreUnavailable;

/** `getSessionWithoutRequestResponse`: `S` is `Session`, or `Session | undefined` with `sessionRequired: false`. */
export type GetSessionResult<S extends Session | undefined = Session> =
  | { status: "OK"; session: S }
  | TryRefreshToken
  | Unauthorised
  | CoreUnavailable;
export type OptionalGetSessionResult = GetSessionResult<Session | undefined>;

export type RefreshSessionResult =
  | { status: "OK"; session: Session }
  | Unauthorised
  | TokenTheftDetected
  | CoreUnavailable;

export const tryRefresh = (reason: TryRefreshReason, message: string): TryRefreshToken => ({
  status: "TRY_REFRESH_TOKEN",
  reason,
  message,
});
export const unauthorised = (reason: UnauthorisedReason, message: string, clearTokens: boolean): Unauthorised => ({
  status: "UNAUTHORISED",
  reason,
  message,
  clearTokens,
});
export const coreUnavailable = (error: EdgeError): CoreUnavailable => ({
  status: "CORE_UNAVAILABLE",
  reason: "core-unreachable",
  error,
});

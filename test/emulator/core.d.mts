// Types for core.mjs — the SuperTokens core emulator (CDI 5.4 session subset, plus the user and
// email-verification endpoints EmailVerificationClaim reads) used by the tests.
//
// Core API served besides the session paths (all CDI 5.4, optional /appid-<x> and tenant prefixes):
//   GET  /user/id?userId=…                        → {status:"OK", user: CoreUserJson} | {status:"UNKNOWN_USER_ID_ERROR"}
//        (userId may be a recipe or a primary user id; the answer is the primary user with all linked login methods)
//   GET  /recipe/user/email/verify?userId=…&email=… → {status:"OK", isVerified} (about the (userId, email) pair only;
//        unknown users are simply not verified, as in the core)
//   POST /<tenant>/recipe/user/email/verify/token {userId, email} → {status:"OK", token} | {status:"EMAIL_ALREADY_VERIFIED_ERROR"}
//   POST /<tenant>/recipe/user/email/verify {method:"token", token} → {status:"OK", userId, email}
//        | {status:"EMAIL_VERIFICATION_INVALID_TOKEN_ERROR"}
//   POST /recipe/user/email/verify/remove {userId, email} → {status:"OK"}   (unverify)
//   POST /<tenant>/recipe/user/email/verify/token/remove {userId, email} → {status:"OK"}
// A missing query parameter is a 400 "Field name 'userId' is missing in GET request", as in the core.
// POST /<tenant>/recipe/session resolves the session's userId to the recipe user's primary user (account linking).
//
// Control API (/__emu/*, never counted in stats):
//   GET  /__emu/stats, POST /__emu/reset-stats, POST /__emu/rotate, POST /__emu/failure {mode, delayMs?},
//   POST /__emu/delay {ms}, POST /__emu/mint MintOptions, POST /__emu/session TestSessionOptions, POST /__emu/reset,
//   GET  /__emu/keys, GET /__emu/sessions, POST /__emu/config Partial<EmulatorConfig>,
//   POST /__emu/user UserOptions → {status:"OK", user: CoreUserJson}   (create or update one recipe user)
//   POST /__emu/user/remove {userId} → {status:"OK", didExist}
//   GET  /__emu/users → {users: StoredUser[], verifiedEmails: [userId, email][]}
import type { KeyObject } from "node:crypto";

/** Failure injected into every non-/__emu request (JWKS included). */
export type FailureMode =
  | "down" // socket reset immediately (ECONNRESET)
  | "500" // HTTP 500 text
  | "slow" // wait `delayMs`, then answer normally
  | "garbage-jwks" // JWKS answers 200 `not json` (other paths normal)
  | "empty-jwks" // JWKS answers `{"keys":[]}` (other paths normal)
  | "html"; // HTTP 200 `<html>` (text/html)

export interface CoreEmulatorOptions {
  /** 0 (default) = random free port. */
  port?: number;
  /** Ignored: the emulator always listens on 127.0.0.1. */
  host?: "127.0.0.1";
  /** When set, every core path except the JWKS requires header `api-key` (or `Authorization: Bearer`) equal to it, else 401 "Invalid API key". */
  apiKey?: string;
  /** Lifetime of minted access tokens, default 3600. */
  accessTokenValiditySec?: number;
  /** Session / refresh token lifetime, default 144000 (100 days). */
  refreshTokenValidityMin?: number;
  /** A new dynamic key is created lazily once the newest is this old, default 168. */
  dynamicKeyUpdateIntervalHours?: number;
  /** Ignored (any `/appid-<x>` prefix is accepted and shares one key set / store). */
  appIds?: string[];
}

/** RSA JWK as published in the JWKS. */
export interface EmulatorJwk {
  kty: "RSA";
  kid: string;
  n: string;
  e: string;
  alg: "RS256";
  use: "sig";
}

export interface EmulatorKey {
  /** `d-<createdAtMs>` (dynamic, also the orphan key) or `s-<uuid>` (static). */
  kid: string;
  createdAt: number;
  publicKey: KeyObject;
  privateKey: KeyObject;
  jwk: EmulatorJwk;
}

export interface EmulatorKeys {
  /** Newest first; `dynamic[0]` signs new dynamic tokens. */
  dynamic: EmulatorKey[];
  static: EmulatorKey;
  /** Never published in the JWKS and never accepted by the emulator's verify. Its kid looks dynamic (`d-…`). */
  orphan: EmulatorKey;
}

export type KeyName = "dynamic" | "static" | "orphan";

/** Options of {@link CoreEmulator.mintAccessToken} (also the body of `POST /__emu/mint`). */
export interface MintOptions {
  /** Token version, default 5. 1/2 = legacy format (fixed header, standard base64 with padding, `userData`). */
  version?: 1 | 2 | 3 | 4 | 5;
  /**
   * Key name: signs with that key and writes its kid. Any other string: written as the kid; signed with the
   * key of that kid if the emulator knows it (e.g. an older dynamic key), else with the newest dynamic key.
   */
  kid?: KeyName | (string & {});
  /** Overrides only the signing key (the written kid stays as chosen by `kid`). */
  key?: KeyName;
  sub?: string;
  rsub?: string;
  tId?: string;
  /** Default: a fresh random UUID that is not in the session store. */
  sessionHandle?: string;
  refreshTokenHash1?: string;
  /** Default null (v2: omitted when null). */
  parentRefreshTokenHash1?: string | null;
  /** Default null (v2: omitted when null). */
  antiCsrfToken?: string | null;
  /** Seconds; default now. v2: timeCreated = iat*1000 when given. */
  iat?: number;
  /** Seconds; default iat + accessTokenValiditySec. v2: expiryTime = exp*1000 when given. */
  exp?: number;
  /** v2 only, ms. */
  expiryTime?: number;
  /** v2 only, ms. */
  timeCreated?: number;
  /** Extra claims merged at top level after the standard ones (may override them); v2: becomes `userData`. */
  payload?: Record<string, unknown>;
  /** Claim names to delete from the final payload. */
  omit?: string[];
  /** Extra/overriding header fields; the header JSON is built from defaults + these. For v1/v2 it replaces the fixed legacy segment. */
  header?: Record<string, unknown>;
  /** Used verbatim as the first segment. */
  rawHeaderSegment?: string;
  /** Used verbatim as the second segment. */
  rawPayloadSegment?: string;
  /** Default "valid"; "none" = empty third segment; "garbage" = 256 random bytes. */
  signature?: "valid" | "none" | "garbage";
}

export interface TokenInfo {
  token: string;
  /** ms */
  expiry: number;
  /** ms */
  createdTime: number;
}

export interface SessionJson {
  handle: string;
  userId: string;
  recipeUserId: string;
  userDataInJWT: Record<string, unknown>;
  tenantId: string;
}

/** Body of a successful `POST /<tenant>/recipe/session` (and `/recipe/session/refresh`). */
export interface CreateSessionResponse {
  status: "OK";
  session: SessionJson;
  accessToken: TokenInfo;
  refreshToken: TokenInfo;
  /** Only when anti-CSRF was enabled. */
  antiCsrfToken?: string;
}

/** Options of {@link CoreEmulator.createSession} (also the body of `POST /__emu/session`). */
export interface TestSessionOptions {
  userId: string;
  /** Custom access-token payload (no protected claim names). */
  payload?: Record<string, unknown>;
  sessionData?: Record<string, unknown>;
  antiCsrf?: boolean;
  tenantId?: string;
  /** Default true; false = signed with the static key. */
  useDynamicSigningKey?: boolean;
}

/** Body of `POST /__emu/user` and argument of {@link CoreEmulator.upsertUser}: creates or updates one recipe user. */
export interface UserOptions {
  /** The recipe user id (the id the session's `rsub` carries). */
  userId: string;
  /**
   * The login method's email. Without one (and no `recipeId`), the user is a passwordless phone user
   * (`phoneNumber` default "+15550000000"): supertokens-node then counts the email as verified. `null` removes it.
   */
  email?: string | null;
  phoneNumber?: string | null;
  /** Default "emailpassword" with an email, else "passwordless". */
  recipeId?: "emailpassword" | "thirdparty" | "passwordless" | "webauthn";
  thirdParty?: { id: string; userId: string } | null;
  /**
   * Marks the (userId, current email) pair verified or not; omitted = unchanged (a new pair is unverified).
   * Like the core, verification belongs to the pair: changing the email makes the user unverified again.
   */
  verified?: boolean;
  /** Default ["public"]. */
  tenantIds?: string[];
  /** ms, default now (on create). */
  timeJoined?: number;
  /**
   * Links this recipe user to a stored, unlinked user, which becomes a primary user (`isPrimaryUser: true`);
   * `null` unlinks. Sessions created for this recipe user then get `sub` = the primary user id.
   */
  primaryUserId?: string | null;
}

/** A stored recipe user (the emulator's row, one login method). */
export interface StoredUser {
  userId: string;
  recipeId: "emailpassword" | "thirdparty" | "passwordless" | "webauthn";
  email: string | null;
  phoneNumber: string | null;
  thirdParty: { id: string; userId: string } | null;
  tenantIds: string[];
  timeJoined: number;
  /** Set when linked to another (primary) user. */
  primaryUserId: string | null;
  isPrimaryUser: boolean;
}

/** One login method of {@link CoreUserJson}, as the core's AuthRecipeUserInfo.toJson writes it (absent = null). */
export interface CoreLoginMethodJson {
  tenantIds: string[];
  recipeUserId: string;
  /** Whether (recipeUserId, email) is verified; false without an email. */
  verified: boolean;
  timeJoined: number;
  recipeId: "emailpassword" | "thirdparty" | "passwordless" | "webauthn";
  email?: string;
  phoneNumber?: string;
  thirdParty?: { id: string; userId: string };
}

/** `user` of `GET /user/id` (the key order is the core's). */
export interface CoreUserJson {
  /** The primary user id, or the recipe user id when not linked. */
  id: string;
  isPrimaryUser: boolean;
  tenantIds: string[];
  /** min over the login methods */
  timeJoined: number;
  emails: string[];
  phoneNumbers: string[];
  thirdParty: { id: string; userId: string }[];
  webauthn: { credentialIds: string[] };
  /** Sorted by timeJoined. */
  loginMethods: CoreLoginMethodJson[];
}

/** A session row of the emulator's store. */
export interface SessionRow {
  handle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  userDataInJWT: Record<string, unknown>;
  userDataInDatabase: Record<string, unknown>;
  /** sha256(sha256(current refresh token)) */
  refreshTokenHash2: string;
  /** ms; refresh-token / session expiry */
  expiresAt: number;
  createdAt: number;
  useStaticKey: boolean;
}

export interface RequestLogEntry {
  /** Same key as in `counts`, e.g. "POST /recipe/session/verify". */
  key: string;
  /** Raw request URL (with /appid-…, tenant and query). */
  url: string;
  tenantId: string | null;
  headers: { "cdi-version"?: string; "api-key"?: string; rid?: string };
  /** Parsed JSON body, or the raw text. */
  body: unknown;
}

export interface EmulatorStats {
  /** Per "METHOD /path" without /appid-… and tenant prefixes; /__emu calls are not counted. */
  counts: Record<string, number>;
  /** The last 200 requests (same scope as counts). */
  requests: RequestLogEntry[];
}

export interface EmulatorConfig {
  accessTokenValiditySec: number;
  refreshTokenValidityMin: number;
  dynamicKeyUpdateIntervalHours: number;
}

export interface InspectedToken {
  error?: string;
  version?: number;
  kid?: string;
  payload?: Record<string, unknown>;
  info?: {
    userId: string;
    recipeUserId: string;
    tenantId: string;
    expiryMs: number;
    userData: Record<string, unknown>;
    sessionHandle: string;
    refreshTokenHash1: string;
    parentRefreshTokenHash1: string | null;
    antiCsrfToken: string | null;
  };
}

export interface CoreEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Live object; reset in place by resetStats(). */
  stats: EmulatorStats;
  keys: EmulatorKeys;
  /** handle -> row (live). */
  sessions: Map<string, SessionRow>;
  /** recipe user id -> stored user (live; use upsertUser to change it). */
  users: Map<string, StoredUser>;
  /** refresh token -> lineage info (live). */
  refreshTokens: Map<
    string,
    { sessionHandle: string; parentRefreshTokenHash2: string | null; antiCsrfToken: string | null }
  >;
  /** Live config (see setConfig). */
  config: EmulatorConfig & { apiKey?: string };
  /** Stops listening and destroys all sockets (keep-alive included) and pending delays. */
  close(): Promise<void>;
  resetStats(): void;
  /** Forget all sessions/refresh tokens, users, verified emails and verification tokens; reset stats, failure mode and delay. Keys are kept. */
  reset(): void;
  /** Adds a new dynamic key (newest first in the JWKS, used for signing from now on); returns its kid. */
  rotateDynamicKey(): string;
  /** `opts.delayMs` sets the "slow" delay (default 5000 ms). */
  setFailure(mode: FailureMode | null, opts?: { delayMs?: number }): void;
  /** Latency added to every non-/__emu request (0 = none). */
  setDelay(ms: number): void;
  /** Change token lifetimes / rotation interval at runtime; returns the new config. */
  setConfig(config: Partial<EmulatorConfig>): EmulatorConfig;
  mintAccessToken(opts?: MintOptions): string;
  /** RS256/RSASSA-PKCS1-v1_5 SHA-256 signature of ASCII `signingInput` with a named key or any known kid. */
  signWith(key: KeyName | (string & {}), signingInput: string, encoding?: "base64url" | "base64"): string;
  /** The JWKS body currently served. */
  jwks(): { keys: EmulatorJwk[] };
  keyIds(): { dynamic: string[]; static: string; orphan: string };
  /** Same result as the create endpoint (null fields omitted). Throws on protected payload names. */
  createSession(opts: TestSessionOptions): CreateSessionResponse;
  /** Parse + verify a token like the emulator's verify does (signature, structure; not expiry). */
  inspectAccessToken(token: string): InspectedToken;
  /** Same as `POST /__emu/user`; returns the user as `GET /user/id` would. Throws on bad options. */
  upsertUser(opts: UserOptions): CoreUserJson;
  /** Deletes a recipe user with its verified pairs and tokens (users linked to it become unlinked). */
  removeUser(userId: string): boolean;
  /** What `GET /user/id?userId=` answers in `user`, or undefined (UNKNOWN_USER_ID_ERROR). */
  getUser(userId: string): CoreUserJson | undefined;
  /** Marks any (userId, email) pair verified (default) or not, whether or not the user exists. */
  setEmailVerified(userId: string, email: string, verified?: boolean): void;
  isEmailVerified(userId: string, email: string): boolean;
}

export function startCoreEmulator(options?: CoreEmulatorOptions): Promise<CoreEmulator>;

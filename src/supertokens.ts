import { resolveConfig, type ResolvedConfig, type SuperTokensConfig } from "./config.js";
import { Querier } from "./core/querier.js";
import { toEdgeError, type SuperTokensEdgeError } from "./errors.js";
import { JwksManager } from "./jwks/cache.js";
import { parseAccessToken, type JsonObject } from "./token/parse.js";
import type { EngineContext } from "./session/context.js";
import { withoutProtectedProps } from "./session/context.js";
import * as core from "./session/core-calls.js";
import { getSession, type GetSessionOptions, type GetSessionResult, type OptionalGetSessionResult } from "./session/get.js";
import { Session } from "./session/session.js";
import { VerifiedTokenCache } from "./session/verified-cache.js";
import type { SessionClaimValidator } from "./session/claims.js";
import {
  createNewSessionInRequest,
  getSessionFromRequest,
  refreshSessionInRequest,
  signOutInRequest,
  type RequestSession,
  type RequestSessionResult,
  type VerifySessionOptions,
} from "./http/flow.js";

export type RefreshSessionResult =
  | { status: "OK"; session: Session }
  | { status: "UNAUTHORISED"; message: string }
  | { status: "TOKEN_THEFT_DETECTED"; sessionHandle: string; userId: string; recipeUserId: string }
  | { status: "CORE_UNAVAILABLE"; error: SuperTokensEdgeError };

/** A user id as supertokens-node takes it (`convertToRecipeUserId(…)`) or as a plain string. */
export type RecipeUserIdInput = string | { getAsString(): string };

function userIdString(id: RecipeUserIdInput): string {
  return typeof id === "string" ? id : id.getAsString();
}

/**
 * The session engine. Build it once per isolate (module scope) with `createSuperTokens`; it keeps the JWKS,
 * the verified-token cache and the core client.
 */
export class SuperTokensEdge {
  readonly config: ResolvedConfig;
  /** @internal */
  readonly ctx: EngineContext;

  constructor(input: SuperTokensConfig) {
    const config = resolveConfig(input);
    const verified = new VerifiedTokenCache(config.verifiedTokenCacheSize);
    this.config = config;
    this.ctx = {
      config,
      verified,
      querier: new Querier({
        hosts: config.hosts,
        apiKey: config.apiKey,
        fetch: config.fetch,
        timeoutMs: config.coreTimeoutMs,
        now: config.now,
      }),
      jwks: new JwksManager({
        hosts: config.hosts,
        fetch: config.fetch,
        timeoutMs: config.coreTimeoutMs,
        refreshIntervalSec: config.jwksRefreshIntervalSec,
        cooldownMs: config.jwksCooldownMs,
        store: config.jwksCache,
        now: config.now,
        onKeysChanged: () => verified.clear(),
      }),
    };
  }

  /**
   * Verifies an access token as supertokens-node's `getSessionWithoutRequestResponse` does, and returns the
   * outcome as a value. `antiCsrfCheck` defaults to `true` (pass `false` for GET-like calls).
   */
  getSessionWithoutRequestResponse(
    accessToken: string | undefined,
    antiCsrfToken?: string,
    options?: GetSessionOptions & { sessionRequired?: true },
  ): Promise<GetSessionResult>;
  getSessionWithoutRequestResponse(
    accessToken: string | undefined,
    antiCsrfToken: string | undefined,
    options: GetSessionOptions & { sessionRequired: false },
  ): Promise<OptionalGetSessionResult>;
  getSessionWithoutRequestResponse(
    accessToken: string | undefined,
    antiCsrfToken?: string,
    options?: GetSessionOptions,
  ): Promise<OptionalGetSessionResult> {
    return getSession(this.ctx, accessToken, antiCsrfToken, options);
  }

  /**
   * Creates a session in the core (supertokens-node `createNewSessionWithoutRequestResponse`). Protected claims
   * are dropped from the payload and `iss` is set to `apiDomain + apiBasePath`. Throws SuperTokensEdgeError.
   */
  async createNewSessionWithoutRequestResponse(
    tenantId: string,
    recipeUserId: RecipeUserIdInput,
    accessTokenPayload: JsonObject = {},
    sessionDataInDatabase: JsonObject = {},
    disableAntiCsrf = false,
  ): Promise<Session> {
    const payload = withoutProtectedProps({ ...accessTokenPayload, iss: this.config.issuer });
    const res = await core.createNewSession(
      this.ctx,
      tenantId,
      userIdString(recipeUserId),
      payload,
      sessionDataInDatabase ?? {},
      !disableAntiCsrf && this.config.antiCsrf === "VIA_TOKEN",
    );
    return this.sessionFromCreateOrRefresh(res, tenantId);
  }

  /** supertokens-node `refreshSessionWithoutRequestResponse`, with the outcome as a value. */
  async refreshSessionWithoutRequestResponse(
    refreshToken: string,
    disableAntiCsrf = false,
    antiCsrfToken?: string,
  ): Promise<RefreshSessionResult> {
    if (!disableAntiCsrf && this.config.antiCsrf === "VIA_CUSTOM_HEADER") {
      throw new TypeError(
        "supertokens-edge: with antiCsrf VIA_CUSTOM_HEADER refreshSession cannot check the CSRF token: pass disableAntiCsrf: true",
      );
    }
    let res: core.RefreshResponse;
    try {
      res = await core.refreshSession(
        this.ctx,
        refreshToken,
        antiCsrfToken,
        !disableAntiCsrf && this.config.antiCsrf === "VIA_TOKEN",
      );
    } catch (e) {
      return { status: "CORE_UNAVAILABLE", error: toEdgeError(e) };
    }
    if (res.status !== "OK") return res;
    try {
      return { status: "OK", session: this.sessionFromCreateOrRefresh(res, undefined) };
    } catch (e) {
      return { status: "CORE_UNAVAILABLE", error: toEdgeError(e, "ERR_CORE_BAD_RESPONSE") };
    }
  }

  /** @internal */
  sessionFromCreateOrRefresh(res: core.CreateOrRefreshResponse, tenantId: string | undefined): Session {
    const parsed = parseAccessToken(res.accessToken.token);
    if (parsed === undefined) {
      throw toEdgeError(new Error("core returned an unparseable access token"), "ERR_CORE_BAD_RESPONSE");
    }
    const payload = parsed.version < 3 ? res.session.userDataInJWT : parsed.payload;
    const tId = typeof parsed.payload.tId === "string" ? parsed.payload.tId : undefined;
    return new Session(this.ctx, {
      accessToken: res.accessToken.token,
      accessTokenExpiry: res.accessToken.expiry,
      handle: res.session.handle,
      userId: res.session.userId,
      recipeUserId: res.session.recipeUserId,
      tenantId: tenantId ?? tId ?? res.session.tenantId ?? "public",
      payload,
      accessTokenUpdated: true,
      refreshToken: res.refreshToken,
      antiCsrfToken: res.antiCsrfToken,
    });
  }

  // --- HTTP: Request in, Response out, exactly the cookie/header protocol of the official frontend SDKs ---

  /**
   * Verifies the session of a request (supertokens-node `getSession(req, res, options)`): picks the token
   * (header or cookie), runs anti-CSRF, the engine decision and the claim validators. On failure the result
   * carries the SDK's answer in `response`; on success call `applyTo(yourResponse)` before returning it.
   */
  getSession(request: Request, options?: VerifySessionOptions): Promise<RequestSessionResult> {
    return getSessionFromRequest(this, request, options);
  }

  /** The refresh API (`POST {apiBasePath}/session/refresh`): a complete Response. */
  refreshSession(request: Request): Promise<Response> {
    return refreshSessionInRequest(this, request);
  }

  /** The sign-out API (`POST {apiBasePath}/signout`): a complete Response. */
  signOut(request: Request): Promise<Response> {
    return signOutInRequest(this, request);
  }

  /**
   * Signs a user in at the edge: creates the session in the core and returns it with `applyTo(response)`,
   * which writes the tokens the way the frontend asked (`st-auth-mode`). Throws SuperTokensEdgeError on I/O.
   */
  createNewSession(
    request: Request,
    tenantId: string,
    recipeUserId: RecipeUserIdInput,
    accessTokenPayload?: JsonObject,
    sessionDataInDatabase?: JsonObject,
  ): Promise<RequestSession> {
    return createNewSessionInRequest(this, request, tenantId, userIdString(recipeUserId), accessTokenPayload, sessionDataInDatabase);
  }

  /**
   * Answers the session APIs the SDK middleware answers — `POST {apiBasePath}/session/refresh` and
   * `POST {apiBasePath}/signout`, also with a tenant segment — and `undefined` for any other request.
   */
  async handleAuthRequest(request: Request): Promise<Response | undefined> {
    if (request.method.toUpperCase() !== "POST") return undefined;
    let path: string;
    try {
      path = new URL(request.url).pathname;
    } catch {
      return undefined;
    }
    const base = this.config.apiBasePath;
    if (!path.startsWith(`${base}/`)) return undefined;
    const rest = path.slice(base.length).replace(/\/+$/, "");
    if (/^(\/[^/]+)?\/session\/refresh$/.test(rest)) return this.refreshSession(request);
    if (/^(\/[^/]+)?\/signout$/.test(rest)) return this.signOut(request);
    return undefined;
  }

  /** @internal The validators a request's session must pass (the `getGlobalClaimValidators` hook). */
  async getGlobalClaimValidators(session: Session): Promise<SessionClaimValidator[]> {
    const hook = this.config.getGlobalClaimValidators;
    if (hook === undefined) return [];
    return hook({
      userId: session.getUserId(),
      recipeUserId: session.getRecipeUserId(),
      tenantId: session.getTenantId(),
      claimValidatorsAddedByOtherRecipes: [],
    });
  }

  /** @internal Values of `claimsAddedOnCreate`, fetched into a new session's payload. */
  async addClaimsToNewSessionPayload(payload: JsonObject, recipeUserId: string, tenantId: string): Promise<JsonObject> {
    let out = payload;
    for (const claim of this.config.claimsAddedOnCreate) {
      const value = await claim.fetchValue({ userId: recipeUserId, recipeUserId, tenantId, payload: out, core: this.ctx.querier });
      if (value !== undefined) out = claim.addToPayload(out, value);
    }
    return out;
  }

  revokeSession(sessionHandle: string): Promise<boolean> {
    return core.revokeSession(this.ctx, sessionHandle);
  }

  revokeMultipleSessions(sessionHandles: string[]): Promise<string[]> {
    return core.revokeMultipleSessions(this.ctx, sessionHandles);
  }

  /** Without `tenantId`: across all tenants (as supertokens-node). */
  revokeAllSessionsForUser(userId: string, revokeSessionsForLinkedAccounts = true, tenantId?: string): Promise<string[]> {
    return core.revokeAllSessionsForUser(this.ctx, userId, revokeSessionsForLinkedAccounts, tenantId);
  }

  getAllSessionHandlesForUser(userId: string, fetchSessionsForAllLinkedAccounts = true, tenantId?: string): Promise<string[]> {
    return core.getAllSessionHandlesForUser(this.ctx, userId, fetchSessionsForAllLinkedAccounts, tenantId);
  }

  getSessionInformation(sessionHandle: string): Promise<core.SessionInformation | undefined> {
    return core.getSessionInformation(this.ctx, sessionHandle);
  }

  updateSessionDataInDatabase(sessionHandle: string, newSessionData: JsonObject): Promise<boolean> {
    return core.updateSessionDataInDatabase(this.ctx, sessionHandle, newSessionData);
  }

  mergeIntoAccessTokenPayload(sessionHandle: string, accessTokenPayloadUpdate: JsonObject): Promise<boolean> {
    return core.mergeIntoAccessTokenPayload(this.ctx, sessionHandle, accessTokenPayloadUpdate);
  }
}

/**
 * ```ts
 * const st = createSuperTokens({ connectionURI: "http://127.0.0.1:3567", appInfo: { apiDomain: "https://api.example.com" } });
 * const r = await st.getSessionWithoutRequestResponse(accessToken, antiCsrfToken, { antiCsrfCheck: false });
 * if (r.status === "OK") console.log(r.session.getUserId());
 * ```
 * Throws a TypeError at once when the config is wrong.
 */
export function createSuperTokens(config: SuperTokensConfig): SuperTokensEdge {
  return new SuperTokensEdge(config);
}

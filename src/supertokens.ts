import { type ResolvedConfig, resolveConfig, type SuperTokensConfig } from "./config.js";
import type { SessionInformation } from "./core/calls.js";
import { createNewSessionInRequest } from "./http/create.js";
import { type VerifySessionOptions, getSessionFromRequest } from "./http/get-session.js";
import { handleAuthRequest } from "./http/handle.js";
import { refreshSessionInRequest } from "./http/refresh.js";
import type { RequestSession, RequestSessionResult } from "./http/request-session.js";
import { signOutInRequest } from "./http/sign-out.js";
import * as byHandle from "./session/by-handle.js";
import { createEngineContext, type EngineContext } from "./session/context.js";
import { createNewSession } from "./session/create.js";
import { type GetSessionOptions, getSession } from "./session/get.js";
import type { GetSessionResult, OptionalGetSessionResult, RefreshSessionResult } from "./session/outcomes.js";
import { refreshSession } from "./session/refresh.js";
import * as revoke from "./session/revoke.js";
import type { Session } from "./session/session.js";
import type { JsonObject } from "./token/json.js";

/** A user id as supertokens-node takes it (`convertToRecipeUserId(…)`) or as a plain string. */
export type RecipeUserIdInput = string | { getAsString(): string };

function userIdString(id: RecipeUserIdInput): string {
  return typeof id === "string" ? id : id.getAsString();
}

/**
 * The session engine: a thin façade over the decisions in src/session/ and the HTTP flows in src/http/. Build it
 * once per isolate (module scope) with `createSuperTokens`; it keeps the JWKS, the verified-token cache and the
 * core client.
 */
export class SuperTokensEdge {
  readonly config: ResolvedConfig;
  readonly #ctx: EngineContext;

  constructor(input: SuperTokensConfig) {
    this.config = resolveConfig(input);
    this.#ctx = createEngineContext(this.config);
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
  ): Promise<OptionalGetSessionResult>;
  getSessionWithoutRequestResponse(
    accessToken: string | undefined,
    antiCsrfToken?: string,
    options?: GetSessionOptions,
  ): Promise<OptionalGetSessionResult> {
    return getSession(this.#ctx, accessToken, antiCsrfToken, options);
  }

  /**
   * Creates a session in the core (supertokens-node `createNewSessionWithoutRequestResponse`): the values of
   * `claimsAddedOnCreate` are added, protected claims dropped and `iss` set to `apiDomain + apiBasePath`.
   * Throws the errors of errors.ts on I/O.
   */
  createNewSessionWithoutRequestResponse(
    tenantId: string,
    recipeUserId: RecipeUserIdInput,
    accessTokenPayload: JsonObject = {},
    sessionDataInDatabase: JsonObject = {},
    disableAntiCsrf = false,
  ): Promise<Session> {
    return createNewSession(
      this.#ctx,
      tenantId,
      userIdString(recipeUserId),
      accessTokenPayload,
      sessionDataInDatabase,
      disableAntiCsrf,
    );
  }

  /** supertokens-node `refreshSessionWithoutRequestResponse`, with the outcome as a value. */
  refreshSessionWithoutRequestResponse(
    refreshToken: string,
    disableAntiCsrf = false,
    antiCsrfToken?: string,
  ): Promise<RefreshSessionResult> {
    return refreshSession(this.#ctx, refreshToken, disableAntiCsrf, antiCsrfToken);
  }

  // --- HTTP: Request in, Response out, exactly the cookie/header protocol of the official frontend SDKs ---

  /**
   * Verifies the session of a request (supertokens-node `getSession(req, res, options)`): picks the token
   * (header or cookie), runs anti-CSRF, the engine decision and the claim validators. On failure the result
   * carries the SDK's answer in `response`; on success call `applyTo(yourResponse)` before returning it.
   */
  getSession(
    request: Request,
    options?: VerifySessionOptions & { sessionRequired?: true },
  ): Promise<RequestSessionResult<Session>>;
  getSession(
    request: Request,
    options: VerifySessionOptions & { sessionRequired: false },
  ): Promise<RequestSessionResult<Session | undefined>>;
  getSession(request: Request, options?: VerifySessionOptions): Promise<RequestSessionResult<Session | undefined>>;
  getSession(request: Request, options?: VerifySessionOptions): Promise<RequestSessionResult<Session | undefined>> {
    return getSessionFromRequest(this.#ctx, request, options);
  }

  /** The refresh API (`POST {apiBasePath}/session/refresh`): a complete Response. */
  refreshSession(request: Request): Promise<Response> {
    return refreshSessionInRequest(this.#ctx, request);
  }

  /** The sign-out API (`POST {apiBasePath}/signout`): a complete Response. */
  signOut(request: Request): Promise<Response> {
    return signOutInRequest(this.#ctx, request);
  }

  /**
   * Signs a user in at the edge: creates the session in the core and returns it with `applyTo(response)`,
   * which writes the tokens the way the frontend asked (`st-auth-mode`). Throws the errors of errors.ts on I/O.
   */
  createNewSession(
    request: Request,
    tenantId: string,
    recipeUserId: RecipeUserIdInput,
    accessTokenPayload?: JsonObject,
    sessionDataInDatabase?: JsonObject,
  ): Promise<RequestSession<Session>> {
    return createNewSessionInRequest(
      this.#ctx,
      request,
      tenantId,
      userIdString(recipeUserId),
      accessTokenPayload,
      sessionDataInDatabase,
    );
  }

  /**
   * Answers the session APIs the SDK middleware answers — `POST {apiBasePath}/session/refresh` and
   * `POST {apiBasePath}/signout`, also with a tenant segment — and `undefined` for any other request.
   */
  handleAuthRequest(request: Request): Promise<Response | undefined> {
    return handleAuthRequest(this.#ctx, request);
  }

  /** `true` when the core revoked it (`false`: it did not exist). */
  revokeSession(sessionHandle: string): Promise<boolean> {
    return revoke.revokeSession(this.#ctx, sessionHandle);
  }

  revokeMultipleSessions(sessionHandles: string[]): Promise<string[]> {
    return revoke.revokeMultipleSessions(this.#ctx, sessionHandles);
  }

  /** Without `tenantId`: across all tenants (as supertokens-node). */
  revokeAllSessionsForUser(
    userId: string,
    revokeSessionsForLinkedAccounts = true,
    tenantId?: string,
  ): Promise<string[]> {
    return revoke.revokeAllSessionsForUser(this.#ctx, userId, revokeSessionsForLinkedAccounts, tenantId);
  }

  /** Without `tenantId`: across all tenants (as supertokens-node). */
  getAllSessionHandlesForUser(
    userId: string,
    fetchSessionsForAllLinkedAccounts = true,
    tenantId?: string,
  ): Promise<string[]> {
    return byHandle.getAllSessionHandlesForUser(this.#ctx, userId, fetchSessionsForAllLinkedAccounts, tenantId);
  }

  getSessionInformation(sessionHandle: string): Promise<SessionInformation | undefined> {
    return byHandle.getSessionInformation(this.#ctx, sessionHandle);
  }

  updateSessionDataInDatabase(sessionHandle: string, newSessionData: JsonObject): Promise<boolean> {
    return byHandle.updateSessionDataInDatabase(this.#ctx, sessionHandle, newSessionData);
  }

  mergeIntoAccessTokenPayload(sessionHandle: string, accessTokenPayloadUpdate: JsonObject): Promise<boolean> {
    return byHandle.mergeIntoAccessTokenPayload(this.#ctx, sessionHandle, accessTokenPayloadUpdate);
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

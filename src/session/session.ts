import * as core from "../core/calls.js";
import type { CoreTokenInfo } from "../core/shapes.js";
import { CoreBadResponseError, UnauthorisedError } from "../errors.js";
import { type JsonObject, parseAccessToken } from "../token/parse.js";
import type { EngineContext } from "./context.js";
import { mergePayload } from "./payload.js";

export interface SessionInit {
  accessToken: string;
  accessTokenExpiry: number;
  handle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  payload: JsonObject;
  accessTokenUpdated: boolean;
  refreshToken?: CoreTokenInfo | undefined;
  antiCsrfToken?: string | undefined;
}

/**
 * A verified session (supertokens-node's `SessionContainer`). Getters are synchronous and free; methods that
 * need the core are async and throw the errors of errors.ts (`ERR_UNAUTHORISED` when the session is gone).
 */
export class Session {
  #ctx: EngineContext;
  #s: SessionInit;
  #revoked = false;

  constructor(ctx: EngineContext, init: SessionInit) {
    this.#ctx = ctx;
    this.#s = { ...init };
  }

  getUserId(): string {
    return this.#s.userId;
  }
  getRecipeUserId(): string {
    return this.#s.recipeUserId;
  }
  getTenantId(): string {
    return this.#s.tenantId;
  }
  getHandle(): string {
    return this.#s.handle;
  }
  getAccessTokenPayload(): JsonObject {
    return this.#s.payload;
  }
  getAccessToken(): string {
    return this.#s.accessToken;
  }
  /** Expiry of the current access token, ms (what the `front-token`'s `ate` carries). */
  getAccessTokenExpiry(): number {
    return this.#s.accessTokenExpiry;
  }
  getAntiCsrfToken(): string | undefined {
    return this.#s.antiCsrfToken;
  }
  /** True when the core issued a new access token during this request: it must reach the client. */
  get accessTokenUpdated(): boolean {
    return this.#s.accessTokenUpdated;
  }
  /** True once `revokeSession()` succeeded: the HTTP layer clears the client's tokens. */
  get revoked(): boolean {
    return this.#revoked;
  }

  getAllSessionTokensDangerously(): {
    accessToken: string;
    refreshToken: string | undefined;
    antiCsrfToken: string | undefined;
    accessAndFrontTokenUpdated: boolean;
  } {
    return {
      accessToken: this.#s.accessToken,
      refreshToken: this.#s.refreshToken?.token,
      antiCsrfToken: this.#s.antiCsrfToken,
      accessAndFrontTokenUpdated: this.#s.accessTokenUpdated,
    };
  }

  /** The refresh token the core issued with this session (create / refresh only). */
  getRefreshTokenInfo(): CoreTokenInfo | undefined {
    return this.#s.refreshToken;
  }

  /** Session expiry (ms) according to the core, like supertokens-node's `getExpiry()`. */
  async getExpiry(): Promise<number> {
    return (await this.#info()).expiry;
  }

  async getTimeCreated(): Promise<number> {
    return (await this.#info()).timeCreated;
  }

  async getSessionDataFromDatabase(): Promise<JsonObject> {
    return (await this.#info()).sessionDataInDatabase;
  }

  async updateSessionDataInDatabase(newSessionData: JsonObject): Promise<void> {
    if (!(await core.putSessionData(this.#ctx.querier, this.#s.handle, newSessionData))) this.#gone();
  }

  async revokeSession(): Promise<void> {
    await core.removeSessions(this.#ctx.querier, [this.#s.handle]);
    this.#revoked = true;
  }

  /** Merges `update` into the access-token payload through the core; `null` values remove keys. */
  async mergeIntoAccessTokenPayload(update: JsonObject): Promise<void> {
    const res = await core.regenerateAccessToken(
      this.#ctx.querier,
      this.#s.accessToken,
      mergePayload(this.#s.payload, update),
    );
    if (res === undefined) this.#gone();
    if (res.accessToken !== undefined) {
      const parsed = parseAccessToken(res.accessToken.token);
      if (parsed === undefined) throw new CoreBadResponseError("core returned an unparseable access token");
      this.#s.payload = parsed.version < 3 ? res.session.userDataInJWT : parsed.payload;
      this.#s.accessToken = res.accessToken.token;
      this.#s.accessTokenExpiry = res.accessToken.expiry;
      this.#s.accessTokenUpdated = true;
    } else {
      // The token expired meanwhile: the client gets the new payload at its next refresh.
      this.#s.payload = { ...this.#s.payload, ...res.session.userDataInJWT };
    }
  }

  async #info() {
    const info = await core.sessionInformation(this.#ctx.querier, this.#s.handle);
    if (info === undefined) this.#gone();
    return info;
  }

  #gone(): never {
    throw new UnauthorisedError("Session does not exist anymore");
  }
}

/**
 * The session a create or refresh answer describes. For v2 tokens the payload is the core's `userDataInJWT`;
 * the tenant is the one asked for, else the token's `tId`, else the core's.
 */
export function sessionFromCoreTokens(
  ctx: EngineContext,
  res: core.CreateOrRefreshResponse,
  tenantId: string | undefined,
): Session {
  const parsed = parseAccessToken(res.accessToken.token);
  if (parsed === undefined) throw new CoreBadResponseError("core returned an unparseable access token");
  const payload = parsed.version < 3 ? res.session.userDataInJWT : parsed.payload;
  const tId = typeof parsed.payload.tId === "string" ? parsed.payload.tId : undefined;
  return new Session(ctx, {
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

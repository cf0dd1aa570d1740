import { SuperTokensEdgeError } from "../errors.js";
import { parseAccessToken, type JsonObject } from "../token/parse.js";
import type { CoreTokenInfo } from "./core-shapes.js";
import { withoutProtectedProps, type EngineContext } from "./context.js";
import * as core from "./core-calls.js";

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
 * need the core are async and throw `SuperTokensEdgeError` (`ERR_UNAUTHORISED` when the session is gone).
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
    if (!(await core.updateSessionDataInDatabase(this.#ctx, this.#s.handle, newSessionData))) this.#gone();
  }

  async revokeSession(): Promise<void> {
    await core.revokeSession(this.#ctx, this.#s.handle);
    this.#revoked = true;
  }

  /** Merges `update` into the access-token payload through the core; `null` values remove keys. */
  async mergeIntoAccessTokenPayload(update: JsonObject): Promise<void> {
    const merged: JsonObject = { ...withoutProtectedProps(this.#s.payload), ...update };
    for (const [k, v] of Object.entries(update)) if (v === null) delete merged[k];
    const res = await core.regenerateAccessToken(this.#ctx, this.#s.accessToken, merged);
    if (res === undefined) this.#gone();
    if (res.accessToken !== undefined) {
      const parsed = parseAccessToken(res.accessToken.token);
      if (parsed === undefined) {
        throw new SuperTokensEdgeError("ERR_CORE_BAD_RESPONSE", "core returned an unparseable access token");
      }
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
    const info = await core.getSessionInformation(this.#ctx, this.#s.handle);
    if (info === undefined) this.#gone();
    return info;
  }

  #gone(): never {
    throw new SuperTokensEdgeError("ERR_UNAUTHORISED", "Session does not exist anymore");
  }
}

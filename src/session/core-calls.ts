import { Querier } from "../core/querier.js";
import type { JsonObject } from "../token/parse.js";
import type { EngineContext } from "./context.js";
import { withoutProtectedProps } from "./context.js";
import {
  messageOf,
  sessionOf,
  statusOf,
  stringArrayOf,
  tokenInfoOf,
  type CoreSessionInfo,
  type CoreTokenInfo,
} from "./core-shapes.js";

// One function per CDI 5.4 call of the session recipe (protocol §3.3). They return values for every answer the
// core may legitimately give and throw SuperTokensEdgeError for I/O failures and malformed answers.

export interface CreateOrRefreshResponse {
  session: CoreSessionInfo;
  accessToken: CoreTokenInfo;
  refreshToken: CoreTokenInfo;
  antiCsrfToken: string | undefined;
}

function createOrRefreshOf(json: Record<string, unknown>): CreateOrRefreshResponse {
  return {
    session: sessionOf(json),
    accessToken: tokenInfoOf(json.accessToken, "accessToken"),
    refreshToken: tokenInfoOf(json.refreshToken, "refreshToken"),
    antiCsrfToken: typeof json.antiCsrfToken === "string" ? json.antiCsrfToken : undefined,
  };
}

export async function createNewSession(
  ctx: EngineContext,
  tenantId: string,
  recipeUserId: string,
  accessTokenPayload: JsonObject,
  sessionDataInDatabase: JsonObject,
  enableAntiCsrf: boolean,
): Promise<CreateOrRefreshResponse> {
  const json = await ctx.querier.post(Querier.tenantPath("/<tenantId>/recipe/session", tenantId), {
    userId: recipeUserId,
    userDataInJWT: accessTokenPayload,
    userDataInDatabase: sessionDataInDatabase,
    useDynamicSigningKey: ctx.config.useDynamicAccessTokenSigningKey,
    enableAntiCsrf,
  });
  statusOf(json);
  return createOrRefreshOf(json);
}

export type VerifyResponse =
  | { status: "OK"; session: CoreSessionInfo; accessToken: CoreTokenInfo | undefined }
  | { status: "UNAUTHORISED"; message: string }
  | { status: "TRY_REFRESH_TOKEN"; message: string };

export async function verifySession(
  ctx: EngineContext,
  body: { accessToken: string; antiCsrfToken: string | undefined; doAntiCsrfCheck: boolean; enableAntiCsrf: boolean; checkDatabase: boolean },
): Promise<VerifyResponse> {
  const json = await ctx.querier.post("/recipe/session/verify", body);
  const status = statusOf(json);
  if (status === "OK") {
    return {
      status,
      session: sessionOf(json),
      accessToken: json.accessToken === undefined ? undefined : tokenInfoOf(json.accessToken, "accessToken"),
    };
  }
  if (status === "UNAUTHORISED") return { status, message: messageOf(json) };
  return { status: "TRY_REFRESH_TOKEN", message: messageOf(json) };
}

export type RefreshResponse =
  | ({ status: "OK" } & CreateOrRefreshResponse)
  | { status: "UNAUTHORISED"; message: string }
  | { status: "TOKEN_THEFT_DETECTED"; sessionHandle: string; userId: string; recipeUserId: string };

export async function refreshSession(
  ctx: EngineContext,
  refreshToken: string,
  antiCsrfToken: string | undefined,
  enableAntiCsrf: boolean,
): Promise<RefreshResponse> {
  const json = await ctx.querier.post("/recipe/session/refresh", {
    refreshToken,
    antiCsrfToken,
    enableAntiCsrf,
    useDynamicSigningKey: ctx.config.useDynamicAccessTokenSigningKey,
  });
  const status = statusOf(json);
  if (status === "OK") return { status, ...createOrRefreshOf(json) };
  if (status === "TOKEN_THEFT_DETECTED") {
    const s = sessionOf(json);
    return { status, sessionHandle: s.handle, userId: s.userId, recipeUserId: s.recipeUserId };
  }
  return { status: "UNAUTHORISED", message: messageOf(json) };
}

export async function revokeSession(ctx: EngineContext, sessionHandle: string): Promise<boolean> {
  return (await revokeMultipleSessions(ctx, [sessionHandle])).length === 1;
}

export async function revokeMultipleSessions(ctx: EngineContext, sessionHandles: string[]): Promise<string[]> {
  const json = await ctx.querier.post("/recipe/session/remove", { sessionHandles });
  return stringArrayOf(json.sessionHandlesRevoked, "sessionHandlesRevoked");
}

export async function revokeAllSessionsForUser(
  ctx: EngineContext,
  userId: string,
  revokeSessionsForLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  const acrossAll = tenantId === undefined;
  const path = acrossAll ? "/recipe/session/remove" : Querier.tenantPath("/<tenantId>/recipe/session/remove", tenantId);
  const json = await ctx.querier.post(path, {
    userId,
    revokeSessionsForLinkedAccounts,
    revokeAcrossAllTenants: acrossAll,
  });
  return stringArrayOf(json.sessionHandlesRevoked, "sessionHandlesRevoked");
}

export async function getAllSessionHandlesForUser(
  ctx: EngineContext,
  userId: string,
  fetchSessionsForAllLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  const acrossAll = tenantId === undefined;
  const path = acrossAll ? "/recipe/session/user" : Querier.tenantPath("/<tenantId>/recipe/session/user", tenantId);
  const json = await ctx.querier.get(path, {
    userId,
    fetchSessionsForAllLinkedAccounts,
    fetchAcrossAllTenants: acrossAll,
  });
  return stringArrayOf(json.sessionHandles, "sessionHandles");
}

export interface SessionInformation {
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  timeCreated: number;
  expiry: number;
  sessionDataInDatabase: JsonObject;
  customClaimsInAccessTokenPayload: JsonObject;
  tenantId: string;
}

export async function getSessionInformation(
  ctx: EngineContext,
  sessionHandle: string,
): Promise<SessionInformation | undefined> {
  const json = await ctx.querier.get("/recipe/session", { sessionHandle });
  if (statusOf(json) !== "OK") return undefined;
  const obj = (v: unknown): JsonObject => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : {});
  return {
    sessionHandle: typeof json.sessionHandle === "string" ? json.sessionHandle : sessionHandle,
    userId: String(json.userId ?? ""),
    recipeUserId: String(json.recipeUserId ?? json.userId ?? ""),
    timeCreated: Number(json.timeCreated),
    expiry: Number(json.expiry),
    sessionDataInDatabase: obj(json.userDataInDatabase),
    customClaimsInAccessTokenPayload: obj(json.userDataInJWT),
    tenantId: typeof json.tenantId === "string" ? json.tenantId : "public",
  };
}

export async function updateSessionDataInDatabase(
  ctx: EngineContext,
  sessionHandle: string,
  newSessionData: JsonObject,
): Promise<boolean> {
  const json = await ctx.querier.put("/recipe/session/data", { sessionHandle, userDataInDatabase: newSessionData ?? {} });
  return statusOf(json) !== "UNAUTHORISED";
}

/** By handle, as supertokens-node: read the stored payload, merge, write back (`null` removes a key). */
export async function mergeIntoAccessTokenPayload(
  ctx: EngineContext,
  sessionHandle: string,
  update: JsonObject,
): Promise<boolean> {
  const info = await getSessionInformation(ctx, sessionHandle);
  if (info === undefined) return false;
  const merged: JsonObject = { ...withoutProtectedProps(info.customClaimsInAccessTokenPayload), ...update };
  for (const [k, v] of Object.entries(update)) if (v === null) delete merged[k];
  const json = await ctx.querier.put("/recipe/jwt/data", { sessionHandle, userDataInJWT: merged });
  return statusOf(json) !== "UNAUTHORISED";
}

export async function regenerateAccessToken(
  ctx: EngineContext,
  accessToken: string,
  newAccessTokenPayload: JsonObject,
): Promise<{ session: CoreSessionInfo; accessToken: CoreTokenInfo | undefined } | undefined> {
  const json = await ctx.querier.post("/recipe/session/regenerate", {
    accessToken,
    userDataInJWT: newAccessTokenPayload,
  });
  if (statusOf(json) === "UNAUTHORISED") return undefined;
  return {
    session: sessionOf(json),
    accessToken: json.accessToken === undefined ? undefined : tokenInfoOf(json.accessToken, "accessToken"),
  };
}

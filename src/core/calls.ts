import { CoreBadResponseError } from "../errors.js";
import type { JsonObject } from "../token/json.js";
import { Querier } from "./querier.js";
import {
  type CoreSessionInfo,
  type CoreTokenInfo,
  messageOf,
  sessionOf,
  statusOf,
  stringArrayOf,
  tokenInfoOf,
} from "./shapes.js";

// The core's wire calls of the session recipe (CDI 5.4), one function each. They return values for every answer
// the core may legitimately give and throw the core errors of errors.ts for I/O failures and malformed answers.
// No decisions here: what to do with an answer is decided in src/session/.

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

/** `POST /<tenantId>/recipe/session` */
export async function createSession(
  querier: Querier,
  body: {
    tenantId: string;
    userId: string;
    userDataInJWT: JsonObject;
    userDataInDatabase: JsonObject;
    useDynamicSigningKey: boolean;
    enableAntiCsrf: boolean;
  },
): Promise<CreateOrRefreshResponse> {
  const { tenantId, ...rest } = body;
  const json = await querier.post(Querier.tenantPath("/<tenantId>/recipe/session", tenantId), rest);
  statusOf(json);
  return createOrRefreshOf(json);
}

export type VerifyResponse =
  | { status: "OK"; session: CoreSessionInfo; accessToken: CoreTokenInfo | undefined }
  | { status: "UNAUTHORISED"; message: string }
  | { status: "TRY_REFRESH_TOKEN"; message: string };

/** `POST /recipe/session/verify` */
export async function verifySession(
  querier: Querier,
  body: {
    accessToken: string;
    antiCsrfToken: string | undefined;
    doAntiCsrfCheck: boolean;
    enableAntiCsrf: boolean;
    checkDatabase: boolean;
  },
): Promise<VerifyResponse> {
  const json = await querier.post("/recipe/session/verify", body);
  const status = statusOf(json);
  if (status === "OK") {
    return {
      status,
      session: sessionOf(json),
      accessToken: json.accessToken === undefined ? undefined : tokenInfoOf(json.accessToken, "accessToken"),
    };
  }
  if (status === "UNAUTHORISED") return { status, message: messageOf(json) };
  if (status === "TRY_REFRESH_TOKEN") return { status, message: messageOf(json) };
  // A status CDI 5.4 does not define is a core we do not understand: an outage, never a reason to log out.
  throw new CoreBadResponseError(`core answered verify with status ${JSON.stringify(status)}`);
}

export type RefreshResponse =
  | ({ status: "OK" } & CreateOrRefreshResponse)
  | { status: "UNAUTHORISED"; message: string }
  | { status: "TOKEN_THEFT_DETECTED"; sessionHandle: string; userId: string; recipeUserId: string };

/** `POST /recipe/session/refresh` */
export async function refreshSession(
  querier: Querier,
  body: {
    refreshToken: string;
    antiCsrfToken: string | undefined;
    enableAntiCsrf: boolean;
    useDynamicSigningKey: boolean;
  },
): Promise<RefreshResponse> {
  const json = await querier.post("/recipe/session/refresh", body);
  const status = statusOf(json);
  if (status === "OK") return { status, ...createOrRefreshOf(json) };
  if (status === "TOKEN_THEFT_DETECTED") {
    const s = sessionOf(json);
    return { status, sessionHandle: s.handle, userId: s.userId, recipeUserId: s.recipeUserId };
  }
  if (status === "UNAUTHORISED") return { status, message: messageOf(json) };
  throw new CoreBadResponseError(`core answered refresh with status ${JSON.stringify(status)}`);
}

/** `POST /recipe/session/remove` by handles: the handles the core revoked. */
export async function removeSessions(querier: Querier, sessionHandles: string[]): Promise<string[]> {
  const json = await querier.post("/recipe/session/remove", { sessionHandles });
  return stringArrayOf(json.sessionHandlesRevoked, "sessionHandlesRevoked");
}

/** `POST [/<tenantId>]/recipe/session/remove` by user; without a tenant: across all tenants (as supertokens-node). */
export async function removeSessionsOfUser(
  querier: Querier,
  userId: string,
  revokeSessionsForLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  const acrossAll = tenantId === undefined;
  const path = acrossAll ? "/recipe/session/remove" : Querier.tenantPath("/<tenantId>/recipe/session/remove", tenantId);
  const json = await querier.post(path, { userId, revokeSessionsForLinkedAccounts, revokeAcrossAllTenants: acrossAll });
  return stringArrayOf(json.sessionHandlesRevoked, "sessionHandlesRevoked");
}

/** `GET [/<tenantId>]/recipe/session/user` */
export async function sessionHandlesOfUser(
  querier: Querier,
  userId: string,
  fetchSessionsForAllLinkedAccounts: boolean,
  tenantId: string | undefined,
): Promise<string[]> {
  const acrossAll = tenantId === undefined;
  const path = acrossAll ? "/recipe/session/user" : Querier.tenantPath("/<tenantId>/recipe/session/user", tenantId);
  const json = await querier.get(path, { userId, fetchSessionsForAllLinkedAccounts, fetchAcrossAllTenants: acrossAll });
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

/** `GET /recipe/session`: `undefined` when the core does not know the handle. */
export async function sessionInformation(
  querier: Querier,
  sessionHandle: string,
): Promise<SessionInformation | undefined> {
  const json = await querier.get("/recipe/session", { sessionHandle });
  if (statusOf(json) !== "OK") return undefined;
  const obj = (v: unknown): JsonObject =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : {};
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

/** `PUT /recipe/session/data`: `false` when the session is gone. */
export async function putSessionData(
  querier: Querier,
  sessionHandle: string,
  userDataInDatabase: JsonObject,
): Promise<boolean> {
  const json = await querier.put("/recipe/session/data", {
    sessionHandle,
    userDataInDatabase: userDataInDatabase ?? {},
  });
  return statusOf(json) !== "UNAUTHORISED";
}

/** `PUT /recipe/jwt/data`: `false` when the session is gone. */
export async function putJwtData(querier: Querier, sessionHandle: string, userDataInJWT: JsonObject): Promise<boolean> {
  const json = await querier.put("/recipe/jwt/data", { sessionHandle, userDataInJWT });
  return statusOf(json) !== "UNAUTHORISED";
}

/** `POST /recipe/session/regenerate`: `undefined` when the session is gone. */
export async function regenerateAccessToken(
  querier: Querier,
  accessToken: string,
  userDataInJWT: JsonObject,
): Promise<{ session: CoreSessionInfo; accessToken: CoreTokenInfo | undefined } | undefined> {
  const json = await querier.post("/recipe/session/regenerate", { accessToken, userDataInJWT });
  if (statusOf(json) === "UNAUTHORISED") return undefined;
  return {
    session: sessionOf(json),
    accessToken: json.accessToken === undefined ? undefined : tokenInfoOf(json.accessToken, "accessToken"),
  };
}

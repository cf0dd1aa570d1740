import { CoreBadResponseError } from "../errors.js";
import type { JsonObject } from "../token/json.js";
import type { CoreJson } from "./querier.js";

// The core is trusted for decisions but not for shapes: a reply that is not what CDI 5.4 promises becomes a
// typed error instead of an exception deep inside the HTTP layer.

export interface CoreTokenInfo {
  token: string;
  expiry: number;
  createdTime: number;
}

export interface CoreSessionInfo {
  handle: string;
  userId: string;
  recipeUserId: string;
  userDataInJWT: JsonObject;
  tenantId: string | undefined;
}

function bad(what: string): never {
  throw new CoreBadResponseError(`core answer has no valid ${what}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function tokenInfoOf(v: unknown, what: string): CoreTokenInfo {
  if (!isObj(v) || typeof v.token !== "string" || v.token === "" || typeof v.expiry !== "number") bad(what);
  return { token: v.token, expiry: v.expiry, createdTime: typeof v.createdTime === "number" ? v.createdTime : 0 };
}

export function sessionOf(json: CoreJson): CoreSessionInfo {
  const s = json.session;
  if (!isObj(s) || typeof s.handle !== "string" || typeof s.userId !== "string") bad("session");
  return {
    handle: s.handle,
    userId: s.userId,
    recipeUserId: typeof s.recipeUserId === "string" ? s.recipeUserId : s.userId,
    userDataInJWT: isObj(s.userDataInJWT) ? (s.userDataInJWT as JsonObject) : {},
    tenantId: typeof s.tenantId === "string" ? s.tenantId : undefined,
  };
}

export function statusOf(json: CoreJson): string {
  return typeof json.status === "string" ? json.status : bad("status");
}

export function messageOf(json: CoreJson): string {
  return typeof json.message === "string" ? json.message : "";
}

export function stringArrayOf(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) bad(what);
  return v as string[];
}

import type { JsonObject } from "../token/json.js";

/** Claims supertokens-node never lets a user payload set: the core owns them. */
export const PROTECTED_PROPS = [
  "sub",
  "iat",
  "exp",
  "sessionHandle",
  "parentRefreshTokenHash1",
  "refreshTokenHash1",
  "antiCsrfToken",
  "rsub",
  "tId",
  "stt",
] as const;

export function withoutProtectedProps(payload: JsonObject): JsonObject {
  const out = { ...payload };
  for (const k of PROTECTED_PROPS) delete out[k];
  return out;
}

/** supertokens-node's merge: `update` over `payload` without the protected claims; `null` removes a key. */
export function mergePayload(payload: JsonObject, update: JsonObject): JsonObject {
  const merged: JsonObject = { ...withoutProtectedProps(payload), ...update };
  for (const [k, v] of Object.entries(update)) if (v === null) delete merged[k];
  return merged;
}

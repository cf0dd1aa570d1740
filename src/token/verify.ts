import { compactVerify } from "jose";
import { decodeBase64Std, utf8Encode } from "./base64.js";
import type { JsonObject, ParsedAccessToken } from "./parse.js";

/** What a verified access token says (supertokens-node `getInfoFromAccessToken`). */
export interface AccessTokenInfo {
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  /** `public` for v2/v3; the `tId` claim for v4+. */
  tenantId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | undefined;
  antiCsrfToken: string | undefined;
  /** ms */
  expiryTime: number;
  /** ms */
  timeCreated: number;
  /** The payload the app sees: the whole JWT payload for v3+, `userData` for v2. */
  payload: JsonObject;
}

const RS256 = { name: "RSASSA-PKCS1-v1_5" } as const;

/** RS256 signature check of a v3+ token through jose (header, `b64`/`crit` rules and alg pinned to RS256). */
export async function verifyJwsSignature(token: ParsedAccessToken, key: CryptoKey): Promise<boolean> {
  try {
    await compactVerify(token.raw, key, { algorithms: ["RS256"] });
    return true;
  } catch {
    return false;
  }
}

/** v1/v2 tokens use standard base64, which jose 6 refuses: verify them with WebCrypto directly. */
export async function verifyLegacySignature(token: ParsedAccessToken, key: CryptoKey): Promise<boolean> {
  const signature = decodeBase64Std(token.signature);
  if (signature === undefined) return false;
  try {
    return await crypto.subtle.verify(RS256, key, signature as Uint8Array<ArrayBuffer>, utf8Encode(token.signingInput));
  } catch {
    return false;
  }
}

/**
 * The time-independent claim rules jose's `jwtVerify` applies (type checks of exp/nbf/iat).
 * Returns false when the claim set would make jose throw regardless of the clock.
 */
export function hasWellTypedRegisteredClaims(payload: JsonObject): boolean {
  for (const claim of ["exp", "nbf", "iat"] as const) {
    const v = payload[claim];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) return false;
  }
  return true;
}

/**
 * Time rules, exactly as supertokens-node decides them: for v3+ jose's `exp <= floor(now/1000)` (no leeway) and
 * `nbf > floor(now/1000)`, then Node's own `expiryTime < now` (ms); for v1/v2 only `expiryTime < now`.
 */
export function isCurrentlyValid(token: ParsedAccessToken, info: AccessTokenInfo, nowMs: number): boolean {
  if (token.version >= 3) {
    const nowSec = Math.floor(nowMs / 1000);
    const { exp, nbf } = token.payload;
    if (typeof exp === "number" && exp <= nowSec) return false;
    if (typeof nbf === "number" && nbf > nowSec) return false;
  }
  return !(info.expiryTime < nowMs);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v.trim() : undefined;
}

/** Fields of a structurally valid token (run `hasValidStructure` first). */
export function tokenInfo(token: ParsedAccessToken): AccessTokenInfo {
  const p = token.payload;
  const legacy = token.version < 3;
  const userId = str(legacy ? p.userId : p.sub)!;
  return {
    sessionHandle: str(p.sessionHandle)!,
    userId,
    recipeUserId: str(p.rsub) ?? userId,
    tenantId: token.version >= 4 ? str(p.tId)! : "public",
    refreshTokenHash1: str(p.refreshTokenHash1)!,
    parentRefreshTokenHash1: str(p.parentRefreshTokenHash1),
    antiCsrfToken: str(p.antiCsrfToken),
    expiryTime: legacy ? (p.expiryTime as number) : (p.exp as number) * 1000,
    timeCreated: legacy ? (p.timeCreated as number) : (p.iat as number) * 1000,
    payload: legacy ? (p.userData as JsonObject) : p,
  };
}

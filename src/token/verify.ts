import { asciiBytes, decodeBase64Std, decodeBase64UrlToBytes } from "./base64.js";
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

/**
 * A key from the JWKS cache: a WebCrypto `CryptoKey`, RSA ≥ 2048 bits, imported only for RSASSA-PKCS1-v1_5 /
 * SHA-256 verification. Named structurally so that the shipped types need no DOM lib.
 */
export interface VerifyKey {
  readonly type: string;
  readonly algorithm: { readonly name: string };
}

const RS256 = "RSASSA-PKCS1-v1_5";

/**
 * The RS256 signature of a parsed token, checked with WebCrypto on the bytes the parser already split out: the
 * header allow-list (parse.ts) has pinned alg to RS256 and refused `crit`/`b64`/`jku`…, and the key allow-list
 * (jwks/cache.ts) admits only RS256 keys, so this is jose's `compactVerify` without the second parse.
 * v1/v2 tokens sign standard base64, which jose 6 refuses: the same check on their own encoding.
 */
export function verifySignature(token: ParsedAccessToken, key: VerifyKey): Promise<boolean> {
  const signature = token.version >= 3 ? decodeBase64UrlToBytes(token.signature) : decodeBase64Std(token.signature);
  if (signature === undefined || signature.length === 0) return Promise.resolve(false); // outside the canonical grammar
  // WebCrypto's own promise, without an async wrapper around it: one hop less on the hot path.
  return crypto.subtle.verify(RS256, key as CryptoKey, signature, asciiBytes(token.signingInput)).catch(() => false);
}

/**
 * Time rules, exactly as supertokens-node decides them: for v3+ jose's `exp <= floor(now/1000)` (no leeway) and
 * `nbf > floor(now/1000)`, then Node's own `expiryTime < now` (ms); for v1/v2 only `expiryTime < now`.
 */
export function timeCheck(
  token: ParsedAccessToken,
  info: AccessTokenInfo,
  nowMs: number,
): "valid" | "expired" | "not-yet-valid" {
  if (token.version >= 3) {
    const nowSec = Math.floor(nowMs / 1000);
    const { exp, nbf } = token.payload;
    if (typeof exp === "number" && exp <= nowSec) return "expired";
    if (typeof nbf === "number" && nbf > nowSec) return "not-yet-valid";
  }
  return info.expiryTime < nowMs ? "expired" : "valid";
}

/** supertokens-node's `sanitizeStringInput`: strings trimmed. Used for the hashes and the anti-CSRF token only. */
function str(v: unknown): string | undefined {
  return typeof v === "string" ? v.trim() : undefined;
}

/** Identity fields exactly as the core wrote them (Node trims them: `" admin "` would become another user). */
function exact(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Fields of a structurally valid token (run `hasValidStructure` first). */
export function tokenInfo(token: ParsedAccessToken): AccessTokenInfo {
  const p = token.payload;
  const legacy = token.version < 3;
  const userId = exact(legacy ? p.userId : p.sub)!;
  return {
    sessionHandle: exact(p.sessionHandle)!,
    userId,
    recipeUserId: exact(p.rsub) ?? userId,
    tenantId: token.version >= 4 ? exact(p.tId)! : "public",
    refreshTokenHash1: str(p.refreshTokenHash1)!,
    parentRefreshTokenHash1: str(p.parentRefreshTokenHash1),
    antiCsrfToken: str(p.antiCsrfToken),
    expiryTime: legacy ? (p.expiryTime as number) : (p.exp as number) * 1000,
    timeCreated: legacy ? (p.timeCreated as number) : (p.iat as number) * 1000,
    payload: legacy ? (p.userData as JsonObject) : p,
  };
}

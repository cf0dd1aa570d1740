import { decodeBase64Std, decodeBase64UrlToText, utf8Decode } from "./base64.js";
import { type JsonObject, parseJsonObject } from "./json.js";

export type { JsonObject } from "./json.js";

/** Tokens longer than this are refused before any parsing (cookies cap at 4 KB; header mode allows more). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** The JWS access-token versions we implement; a higher one is a token from a newer core (try refresh). */
export const LATEST_VERSION = 5;

/** The two legacy header segments, compared as raw strings exactly as supertokens-node and the core do. */
const LEGACY_HEADERS = new Set([
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIxIn0=",
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=",
]);

/** Header fields the core emits; anything else (jku, x5u, crit, b64, …) is refused rather than interpreted. */
const ALLOWED_HEADER_KEYS = new Set(["kid", "typ", "version", "alg"]);

export interface ParsedAccessToken {
  /** 2 for v1/v2 (identical to supertokens-node), else the header's `version` (3, 4, 5, or a future one). */
  version: number;
  kid: string | undefined;
  raw: string;
  /** ASCII `header.payload`, the signed bytes. */
  signingInput: string;
  payload: JsonObject;
  signature: string;
  /**
   * `false` when the header is a SuperTokens one that cannot verify: our alg and header allow-lists, a non-string
   * kid (supertokens-node: a verification failure). The signature's grammar is judged when it is verified.
   */
  headerAcceptable: boolean;
}

interface HeaderInfo {
  version: number;
  kid: string;
  acceptable: boolean;
}

// Header segments repeat across every token signed by the same key: parse each one once.
const headerCache = new Map<string, HeaderInfo | null>();
const HEADER_CACHE_MAX = 64;

/** A version string exactly as the core writes it: a decimal integer without sign, spaces or leading zeros. */
const VERSION = /^[1-9][0-9]{0,3}$/;

function parseHeader(segment: string): HeaderInfo | null {
  const cached = headerCache.get(segment);
  if (cached !== undefined) return cached;
  let info: HeaderInfo | null = null;
  const header = parseJsonObject(decodeBase64UrlToText(segment));
  // Stricter than supertokens-node, which reads a missing version as 3 and `parseInt`s any string ("3abc" → 3):
  // a JWT without an exact version is not a session token (the JWT and OpenID recipes sign others with this JWKS).
  if (header !== undefined && typeof header.version === "string" && VERSION.test(header.version)) {
    const version = Number(header.version);
    const kid = header.kid;
    // supertokens-node only needs a kid to be present; one that is not a string can never match a key.
    if (header.typ === "JWT" && version >= 3 && kid !== undefined) {
      const acceptable =
        typeof kid === "string" &&
        header.alg === "RS256" &&
        Object.keys(header).every((k) => ALLOWED_HEADER_KEYS.has(k));
      info = { version, kid: typeof kid === "string" ? kid : "", acceptable };
    }
  }
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(segment, info);
  return info;
}

/**
 * Splits and decodes a token without verifying it (supertokens-node `parseJWTWithoutSignatureVerification`),
 * with a strict grammar: canonical base64url, strict UTF-8 JSON objects without duplicate member names.
 * Returns `undefined` for anything that is not a SuperTokens access token.
 */
export function parseAccessToken(token: string): ParsedAccessToken | undefined {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) return undefined;
  const headerSeg = token.slice(0, first);
  const payloadSeg = token.slice(first + 1, second);
  const signature = token.slice(second + 1);

  if (LEGACY_HEADERS.has(headerSeg)) {
    const bytes = decodeBase64Std(payloadSeg);
    const payload = parseJsonObject(bytes === undefined ? undefined : utf8Decode(bytes));
    if (payload === undefined) return undefined;
    return {
      version: 2,
      kid: undefined,
      raw: token,
      signingInput: token.slice(0, second),
      payload,
      signature,
      headerAcceptable: true,
    };
  }
  const header = parseHeader(headerSeg);
  if (header === null) return undefined;
  const payload = parseJsonObject(decodeBase64UrlToText(payloadSeg));
  // A missing or malformed signature is a verification failure (try refresh), as in supertokens-node, not a
  // parse failure: the token is still recognisably a SuperTokens access token.
  if (payload === undefined) return undefined;
  return {
    version: header.version,
    kid: header.kid,
    raw: token,
    signingInput: token.slice(0, second),
    payload,
    signature,
    headerAcceptable: header.acceptable,
  };
}

/** NumericDate bounds: 0 … 9999-12-31 in seconds. A timestamp in milliseconds (≈1.7e12) is out of range. */
const MAX_NUMERIC_DATE = 253402300799;

function isNumericDate(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= MAX_NUMERIC_DATE;
}

/**
 * supertokens-node `validateAccessTokenStructure`, plus: `tId` required for v4+ (Node's intended but
 * unreachable check) and `exp`/`iat`/`nbf` safe integers within NumericDate range (Node takes any number).
 * `false` means: not a usable access token (treated as absent). A future version is left to the decision.
 */
export function hasValidStructure(payload: JsonObject, version: number): boolean {
  if (payload.stt !== undefined && payload.stt !== 0) return false;
  if (version > LATEST_VERSION) return true;
  if (version >= 3) {
    if (
      typeof payload.sub !== "string" ||
      !isNumericDate(payload.exp) ||
      !isNumericDate(payload.iat) ||
      (payload.nbf !== undefined && !isNumericDate(payload.nbf)) ||
      typeof payload.sessionHandle !== "string" ||
      typeof payload.refreshTokenHash1 !== "string"
    ) {
      return false;
    }
    if (version >= 4 && typeof payload.tId !== "string") return false;
    if (version >= 5 && typeof payload.rsub !== "string") return false;
    return true;
  }
  return (
    typeof payload.sessionHandle === "string" &&
    typeof payload.userId === "string" &&
    typeof payload.refreshTokenHash1 === "string" &&
    payload.userData !== undefined &&
    typeof payload.expiryTime === "number" &&
    typeof payload.timeCreated === "number"
  );
}

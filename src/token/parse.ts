import { decodeBase64Std, decodeBase64UrlToText, isBase64Url, utf8Decode } from "./base64.js";

/** Tokens longer than this are refused before any parsing (cookies cap at 4 KB; header mode allows more). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** The two legacy header segments, compared as raw strings exactly as supertokens-node and the core do. */
const LEGACY_HEADERS = new Set([
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIxIn0=",
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=",
]);

/** Header fields the core emits; anything else (jku, x5u, crit, …) is refused rather than interpreted. */
const ALLOWED_HEADER_KEYS = new Set(["kid", "typ", "version", "alg"]);

export type JsonObject = Record<string, unknown>;

export interface ParsedAccessToken {
  /** 2 for v1/v2 (identical to supertokens-node), else the header's `version` (3 when absent). */
  version: number;
  kid: string | undefined;
  raw: string;
  /** ASCII `header.payload`, the signed bytes. */
  signingInput: string;
  payload: JsonObject;
  signature: string;
  /**
   * `false` when the header passes supertokens-node's checks but cannot verify: our alg and header allow-lists,
   * a non-string kid, a signature outside the base64url grammar.
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

function parseJsonBytes(bytes: Uint8Array | undefined): unknown {
  return parseJson(bytes === undefined ? undefined : utf8Decode(bytes));
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseHeader(segment: string): HeaderInfo | null {
  const cached = headerCache.get(segment);
  if (cached !== undefined) return cached;
  const header = parseJson(decodeBase64UrlToText(segment));
  let info: HeaderInfo | null = null;
  if (isObject(header)) {
    let version = 3; // supertokens-node's "latest" when the header has no version
    let ok = true;
    if (header.version !== undefined) {
      if (typeof header.version !== "string") ok = false;
      else version = Number.parseInt(header.version);
    }
    const kid = header.kid;
    // supertokens-node only needs a kid to be present; one that is not a string can never match a key.
    if (ok && header.typ === "JWT" && Number.isInteger(version) && version >= 3 && kid !== undefined) {
      const acceptable =
        typeof kid === "string" && header.alg === "RS256" && Object.keys(header).every((k) => ALLOWED_HEADER_KEYS.has(k));
      info = { version, kid: typeof kid === "string" ? kid : "", acceptable };
    }
  }
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(segment, info);
  return info;
}

/**
 * Splits and decodes a token without verifying it (supertokens-node `parseJWTWithoutSignatureVerification`),
 * with a strict base64url grammar. Returns `undefined` for anything that is not a SuperTokens access token.
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
    const payload = parseJsonBytes(decodeBase64Std(payloadSeg));
    if (!isObject(payload)) return undefined;
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
  const payload = parseJson(decodeBase64UrlToText(payloadSeg));
  // A missing or malformed signature is a verification failure (try refresh), as in supertokens-node, not a
  // parse failure: the token is still recognisably a SuperTokens access token.
  if (!isObject(payload)) return undefined;
  return {
    version: header.version,
    kid: header.kid,
    raw: token,
    signingInput: token.slice(0, second),
    payload,
    signature,
    headerAcceptable: header.acceptable && signature.length > 0 && isBase64Url(signature),
  };
}

/**
 * supertokens-node `validateAccessTokenStructure`, plus `tId` required for v4+ (Node's intended but unreachable
 * check). `false` means: not a usable access token (treated as absent).
 */
export function hasValidStructure(payload: JsonObject, version: number): boolean {
  if (payload.stt !== undefined && payload.stt !== 0) return false;
  if (version >= 3) {
    if (
      typeof payload.sub !== "string" ||
      typeof payload.exp !== "number" ||
      typeof payload.iat !== "number" ||
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

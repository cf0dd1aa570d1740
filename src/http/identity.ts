import type { Session } from "../session/session.js";
import { encodeBase64UrlUtf8 } from "../token/base64.js";

// How an authenticated identity is handed to code behind an adapter (the front door's origin, a Next.js app):
// request headers the adapter sets, and that a client must never be able to set itself.

export const IDENTITY_HEADERS = {
  userId: "x-supertokens-user-id",
  recipeUserId: "x-supertokens-recipe-user-id",
  tenantId: "x-supertokens-tenant-id",
  sessionHandle: "x-supertokens-session-handle",
  accessTokenPayload: "x-supertokens-access-token-payload",
} as const;

/**
 * True for headers a client could use to impersonate a verified identity: any `x-supertokens-*` (also spelt
 * with `_`, which some servers fold into `-`) and Next.js's internal `x-middleware-subrequest`.
 */
export function isSpoofableHeader(name: string): boolean {
  const n = name.toLowerCase().replace(/_/g, "-");
  return n.startsWith("x-supertokens-") || n === "x-middleware-subrequest";
}

const HEX = "0123456789ABCDEF";
const utf8 = new TextEncoder();

/**
 * An id as a header value that arrives exactly: every UTF-8 byte outside `!`…`~` (spaces, tabs, CR/LF, NUL,
 * non-ASCII) and every `%` as `%XX`. `Headers` would trim leading/trailing spaces (another user's id), CR/LF
 * would fail the request, and raw non-ASCII is read as Latin-1 by some servers. Ordinary ids (letters, digits,
 * UUIDs, e-mail addresses) are unchanged; `decodeURIComponent(value)` gives back the id byte for byte.
 */
export function encodeIdentityValue(id: string): string {
  if (/^[!-$&-~]*$/.test(id)) return id; // nothing to escape: the common case, no allocation
  let out = "";
  for (const b of utf8.encode(id)) {
    out += b > 0x20 && b < 0x7f && b !== 0x25 ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** The inverse of `encodeIdentityValue`; `undefined` for a value no front door wrote. */
export function decodeIdentityValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The five identity headers; the payload is base64url JSON so any UTF-8 survives header transport. */
export function setIdentityHeaders(headers: Headers, session: Session): void {
  headers.set(IDENTITY_HEADERS.userId, encodeIdentityValue(session.getUserId()));
  headers.set(IDENTITY_HEADERS.recipeUserId, encodeIdentityValue(session.getRecipeUserId()));
  headers.set(IDENTITY_HEADERS.tenantId, encodeIdentityValue(session.getTenantId()));
  headers.set(IDENTITY_HEADERS.sessionHandle, encodeIdentityValue(session.getHandle()));
  headers.set(
    IDENTITY_HEADERS.accessTokenPayload,
    encodeBase64UrlUtf8(JSON.stringify(session.getAccessTokenPayload())),
  );
}

import type { Session } from "../session/session.js";
import { encodeBase64UrlUtf8 } from "../token/base64.js";

// How an authenticated identity is handed to code behind an adapter (the front door's origin, a Next.js app):
// request headers the adapter sets, and that a client must never be able to set itself.

/**
 * True for headers a client could use to impersonate a verified identity: any `x-supertokens-*` (also spelt
 * with `_`, which some servers fold into `-`) and Next.js's internal `x-middleware-subrequest`.
 */
export function isSpoofableHeader(name: string): boolean {
  const n = name.toLowerCase().replace(/_/g, "-");
  return n.startsWith("x-supertokens-") || n === "x-middleware-subrequest";
}

/** The five identity headers; the payload is base64url JSON so any UTF-8 survives header transport. */
export function setIdentityHeaders(headers: Headers, session: Session): void {
  headers.set("x-supertokens-user-id", session.getUserId());
  headers.set("x-supertokens-recipe-user-id", session.getRecipeUserId());
  headers.set("x-supertokens-tenant-id", session.getTenantId());
  headers.set("x-supertokens-session-handle", session.getHandle());
  headers.set("x-supertokens-access-token-payload", encodeBase64UrlUtf8(JSON.stringify(session.getAccessTokenPayload())));
}

/** `PUBLIC_PATHS` semantics: an exact path, or a prefix when the pattern ends in `*`. */
export function matchesPathPattern(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) => (p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p));
}

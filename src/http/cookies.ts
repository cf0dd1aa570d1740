import type { CookieSameSite } from "../config.js";

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape in some other cookie must not break the request
  }
}

/** RFC 6265's whitespace around names and values: SP and HTAB only (not U+00A0, U+2000, a BOM, …). */
const trimOws = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, "");

/**
 * Every `name=value` pair of a Cookie header, in order; values percent-decoded and unquoted (as supertokens-node),
 * names exactly as sent. Stricter than the SDK, whose `trim()` reads `\u00A0sAccessToken` as `sAccessToken`.
 */
export function parseCookieHeader(header: string | null): [string, string][] {
  if (header === null || header === "") return [];
  const out: [string, string][] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = trimOws(part.slice(0, eq));
    let value = trimOws(part.slice(eq + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.push([name, safeDecode(value)]);
  }
  return out;
}

/** The value of cookie `name` (the last one wins, as supertokens-node's fetch-style helper). */
export function getCookie(header: string | null, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of parseCookieHeader(header)) if (k === name) found = v;
  return found;
}

/**
 * How many cookies some server could read as `name`: percent-decoded, Unicode-trimmed (supertokens-node's
 * duplicate check decodes names, and its reader trims with `trim()`). Reading matches exactly; refusing a
 * request with look-alike duplicates is the stricter of the two.
 */
export function countCookie(header: string | null, name: string): number {
  let n = 0;
  for (const [k] of parseCookieHeader(header)) if (readsAs(k, name)) n++;
  return n;
}

/** Whether a cookie name as sent could be read as `name` by a lenient server (decoded, trimmed, any case). */
export function readsAs(rawName: string, name: string): boolean {
  return (
    safeDecode(rawName)
      .replace(/^[\s\uFEFF]+|[\s\uFEFF]+$/g, "")
      .toLowerCase() === name.toLowerCase()
  );
}

/**
 * The Cookie header without the cookies `drop` matches (called with each name as sent); `null` when none is left.
 * For removal the match should be loose: whatever some server could read as the name.
 */
export function withoutCookies(header: string | null, drop: (name: string) => boolean): string | null {
  if (header === null) return null;
  const kept = header.split(";").filter((part) => {
    const eq = part.indexOf("=");
    return !drop(eq < 0 ? part : part.slice(0, eq));
  });
  const joined = kept
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .join("; ");
  return joined === "" ? null : joined;
}

export interface CookieAttributes {
  domain: string | undefined;
  path: string;
  /** ms since epoch; 0 clears. */
  expires: number;
  secure: boolean;
  sameSite: CookieSameSite;
}

const SAME_SITE = { lax: "Lax", strict: "Strict", none: "None" } as const;

/** `name=value; Domain=…; Path=…; Expires=…; HttpOnly; Secure; SameSite=…` — supertokens-node's exact order. */
export function serializeCookie(name: string, value: string, a: CookieAttributes): string {
  let out = `${name}=${encodeURIComponent(value)}`;
  if (a.domain) out += `; Domain=${a.domain}`;
  out += `; Path=${a.path}`;
  out += `; Expires=${new Date(a.expires).toUTCString()}`;
  out += "; HttpOnly";
  if (a.secure) out += "; Secure";
  out += `; SameSite=${SAME_SITE[a.sameSite]}`;
  return out;
}

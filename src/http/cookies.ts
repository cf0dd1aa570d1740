import type { CookieSameSite } from "../config.js";

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape in some other cookie must not break the request
  }
}

/** Every `name=value` pair of a Cookie header, in order, names and values percent-decoded. */
export function parseCookieHeader(header: string | null): [string, string][] {
  if (header === null || header === "") return [];
  const out: [string, string][] = [];
  for (const part of header.split(";")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    const name = eq < 0 ? trimmed : trimmed.slice(0, eq).trim();
    let value = eq < 0 ? "" : trimmed.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.push([safeDecode(name), safeDecode(value)]);
  }
  return out;
}

/** The value of cookie `name` (the last one wins, as supertokens-node's fetch-style helper). */
export function getCookie(header: string | null, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of parseCookieHeader(header)) if (k === name) found = v;
  return found;
}

export function countCookie(header: string | null, name: string): number {
  let n = 0;
  for (const [k] of parseCookieHeader(header)) if (k === name) n++;
  return n;
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

import type { ResolvedConfig, TokenTransferMethod } from "../config.js";
import { encodeBase64Utf8 } from "../token/base64.js";
import type { JsonObject } from "../token/json.js";
import { getCookie, serializeCookie } from "./cookies.js";

// Token transfer as the official SDKs do it: names, where tokens are read from, which transfer methods a request
// may use, and the exact headers and cookies written.

export const ACCESS_COOKIE = "sAccessToken";
export const REFRESH_COOKIE = "sRefreshToken";
export const LEGACY_ID_REFRESH_COOKIE = "sIdRefreshToken";
export const ACCESS_HEADER = "st-access-token";
export const REFRESH_HEADER = "st-refresh-token";
export const FRONT_TOKEN_HEADER = "front-token";
export const ANTI_CSRF_HEADER = "anti-csrf";
const ONE_YEAR_MS = 31536000000;
/** What supertokens-node's fetch integration sends on session API answers: a CDN must never replay tokens. */
export const NO_STORE = "no-cache, no-store, max-age=0, must-revalidate";
export const TRANSFER_METHODS: readonly TokenTransferMethod[] = ["cookie", "header"];

/** The `getTokenTransferMethod` hook, `any` by default. */
export function allowedTransferMethod(
  config: ResolvedConfig,
  req: Request,
  forCreateNewSession: boolean,
): TokenTransferMethod | "any" {
  return config.getTokenTransferMethod?.({ req, forCreateNewSession }) ?? "any";
}

export function allows(allowed: TokenTransferMethod | "any", method: TokenTransferMethod): boolean {
  return allowed === "any" || allowed === method;
}

/**
 * The value after `Bearer ` (exact, case-sensitive prefix, as supertokens-node), without HTTP whitespace around it.
 * Stricter than the SDK's `trim()`: U+00A0, U+FEFF and friends are not whitespace here, so they make the token
 * another string (which fails) rather than being silently dropped.
 */
export function bearerToken(req: Request): string | undefined {
  const value = req.headers.get("authorization");
  if (value === null || !value.startsWith("Bearer ")) return undefined;
  return value.slice(7).replace(/^[ \t]+|[ \t]+$/g, "");
}

export function readToken(req: Request, type: "access" | "refresh", method: TokenTransferMethod): string | undefined {
  if (method === "header") return bearerToken(req);
  return getCookie(req.headers.get("cookie"), type === "access" ? ACCESS_COOKIE : REFRESH_COOKIE);
}

export function buildFrontToken(userId: string, accessTokenExpiry: number, payload: JsonObject): string {
  return encodeBase64Utf8(JSON.stringify({ uid: userId, ate: accessTokenExpiry, up: payload }));
}

/**
 * The session headers and cookies one response must carry, collected in supertokens-node's order and applied
 * once. A cookie set twice keeps only its last value (a verify that renewed the token, then a sign-out).
 */
export class SessionHeaders {
  private readonly headers = new Map<string, string | null>();
  private readonly expose: string[] = [];
  private readonly cookies = new Map<string, string>();

  constructor(private readonly config: ResolvedConfig) {}

  get isEmpty(): boolean {
    return this.headers.size === 0 && this.cookies.size === 0 && this.expose.length === 0;
  }

  setHeader(name: string, value: string, exposed = true): void {
    this.headers.set(name, value);
    if (exposed && !this.expose.includes(name)) this.expose.push(name);
  }

  removeHeader(name: string): void {
    this.headers.set(name, null);
  }

  setCookie(name: string, value: string, expires: number, path: string, domain = this.config.cookieDomain): void {
    this.cookies.set(
      `${name};${domain ?? ""};${path}`,
      serializeCookie(name, value, {
        domain,
        path,
        expires,
        secure: this.config.cookieSecure,
        sameSite: this.config.cookieSameSite,
      }),
    );
  }

  setToken(
    type: "access" | "refresh",
    value: string,
    expires: number,
    method: TokenTransferMethod,
    domain?: string,
  ): void {
    if (method === "cookie") {
      const path = type === "access" ? this.config.accessTokenPath : this.config.refreshTokenPath;
      this.setCookie(
        type === "access" ? ACCESS_COOKIE : REFRESH_COOKIE,
        value,
        expires,
        path,
        domain ?? this.config.cookieDomain,
      );
    } else {
      this.setHeader(type === "access" ? ACCESS_HEADER : REFRESH_HEADER, value);
    }
  }

  /** front-token, then the access token (and `st-access-token` too when exposed in cookie mode). */
  setAccessToken(token: string, frontToken: string, method: TokenTransferMethod): void {
    this.setHeader(FRONT_TOKEN_HEADER, frontToken);
    const expires = this.config.now() + ONE_YEAR_MS;
    this.setToken("access", token, expires, method);
    if (this.config.exposeAccessTokenToFrontendInCookieBasedAuth && method === "cookie") {
      this.setToken("access", token, expires, "header");
    }
  }

  setAntiCsrf(token: string): void {
    this.setHeader(ANTI_CSRF_HEADER, token);
  }

  /** Clears one transfer method: empty tokens, no anti-csrf, `front-token: remove`. */
  clear(method: TokenTransferMethod): void {
    this.setToken("access", "", 0, method);
    this.setToken("refresh", "", 0, method);
    this.removeHeader(ANTI_CSRF_HEADER);
    this.setHeader(FRONT_TOKEN_HEADER, "remove");
  }

  clearAll(): void {
    for (const m of TRANSFER_METHODS) this.clear(m);
  }

  clearLegacyCookie(): void {
    this.setCookie(LEGACY_ID_REFRESH_COOKIE, "", 0, this.config.accessTokenPath);
  }

  /** Writes everything onto `target` (mutated in place). */
  writeTo(target: Headers): void {
    for (const [name, value] of this.headers) {
      if (value === null) target.delete(name);
      else target.set(name, value);
    }
    if (this.expose.length > 0) {
      const existing = (target.get("access-control-expose-headers") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      for (const name of this.expose) if (!existing.some((e) => e.toLowerCase() === name)) existing.push(name);
      target.set("access-control-expose-headers", existing.join(", "));
    }
    for (const cookie of this.cookies.values()) target.append("set-cookie", cookie);
  }

  /**
   * A copy of `response` with these headers. As supertokens-node's fetch integration, a response that carries
   * session changes is marked uncacheable (a CDN must never replay someone's tokens).
   */
  applyTo(response: Response): Response {
    if (this.isEmpty) return response;
    const out = new Response(response.body, response);
    this.writeTo(out.headers);
    if (!out.headers.has("cache-control")) out.headers.set("cache-control", NO_STORE);
    return out;
  }
}

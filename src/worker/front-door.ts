import type { AntiCsrfMode, CookieSameSite, SuperTokensConfig } from "../config.js";
import type { JwksCacheStore } from "../jwks/cache.js";
import { jsonResponse } from "../http/transfer.js";
import { isSpoofableHeader, matchesPathPattern, setIdentityHeaders } from "../http/identity.js";
import type { Session } from "../session/session.js";
import { SuperTokensEdge } from "../supertokens.js";

/** The front door's deployment contract (wrangler vars, secrets and the KV binding). */
export interface FrontDoorEnv {
  SUPERTOKENS_CONNECTION_URI?: string;
  SUPERTOKENS_API_KEY?: string;
  API_DOMAIN?: string;
  WEBSITE_DOMAIN?: string;
  API_BASE_PATH?: string;
  ORIGIN_URL?: string;
  AUTH_ORIGIN_URL?: string;
  PUBLIC_PATHS?: string;
  JWKS_REFRESH_INTERVAL_SEC?: string;
  COOKIE_SAME_SITE?: string;
  COOKIE_SECURE?: string;
  COOKIE_DOMAIN?: string;
  ANTI_CSRF?: string;
  ORIGIN_SECRET?: string;
  /** Local demos only: enables `POST {apiBasePath}/demo/signin {"userId"}`. Never set it in production. */
  DEMO_SIGN_IN?: string;
  SUPERTOKENS_JWKS?: JwksCacheStore;
}

export interface FrontDoorOptions {
  supertokens: SuperTokensConfig;
  /** Where authenticated (and public) requests go. */
  originURL: string;
  /** Where the other `{apiBasePath}/*` routes (sign-in, sign-up, …) go. Default `originURL`. */
  authOriginURL?: string;
  /** Exact paths, or prefixes ending in `*`, forwarded without requiring a session. */
  publicPaths?: string[];
  /** Sent as `x-supertokens-origin-secret` so the origin can refuse traffic that bypassed the front door. */
  originSecret?: string;
  demoSignIn?: boolean;
  fetch?: typeof fetch;
}

const HOP_BY_HOP = [
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
  "te", "trailer", "transfer-encoding", "upgrade", "host",
];
const CORS_ALLOW_HEADERS = "content-type, rid, fdi-version, anti-csrf, authorization, st-auth-mode";

function fail(message: string): never {
  throw new TypeError(`supertokens-edge front door: ${message}`);
}

function parseOrigin(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${what} is not a valid URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`${what} must be http(s)`);
  return url;
}

/** Removes everything a client could use to impersonate the front door or smuggle a request. */
function cleanRequestHeaders(incoming: Headers): Headers {
  const out = new Headers();
  const connectionListed = new Set(
    (incoming.get("connection") ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean),
  );
  for (const [name, value] of incoming) {
    const lower = name.toLowerCase();
    if (isSpoofableHeader(lower)) continue;
    if (HOP_BY_HOP.includes(lower) || connectionListed.has(lower)) continue;
    out.append(name, value);
  }
  return out;
}

/**
 * A Worker that authenticates every request with SuperTokens and forwards it to an origin that has no
 * SuperTokens code. Build it once per isolate; `fetch` never throws.
 */
export class FrontDoor {
  readonly st: SuperTokensEdge;
  private readonly origin: URL;
  private readonly authOrigin: URL;
  private readonly publicPaths: string[];
  private readonly originSecret: string | undefined;
  private readonly demoSignIn: boolean;
  private readonly fetchImpl: typeof fetch;

  constructor(options: FrontDoorOptions) {
    this.st = new SuperTokensEdge(options.supertokens);
    this.origin = parseOrigin(options.originURL, "ORIGIN_URL");
    this.authOrigin = parseOrigin(options.authOriginURL ?? options.originURL, "AUTH_ORIGIN_URL");
    this.publicPaths = options.publicPaths ?? [];
    for (const p of this.publicPaths) if (!p.startsWith("/")) fail(`PUBLIC_PATHS entries must start with "/": ${p}`);
    this.originSecret = options.originSecret;
    this.demoSignIn = options.demoSignIn === true;
    const f = options.fetch;
    this.fetchImpl = f ? (r, i) => f(r, i) : (r, i) => globalThis.fetch(r, i);
  }

  async fetch(request: Request): Promise<Response> {
    try {
      return await this.handle(request);
    } catch (e) {
      // Never a stack trace to the client; the reason goes to the Worker's logs.
      console.error("supertokens-edge front door:", e);
      return jsonResponse(500, { message: "internal error" });
    }
  }

  private cors(request: Request, response: Response): Response {
    const origin = request.headers.get("origin");
    if (origin === null || origin !== this.st.config.websiteDomain || origin === this.st.config.apiDomain) return response;
    const out = new Response(response.body, response);
    out.headers.set("access-control-allow-origin", origin);
    out.headers.set("access-control-allow-credentials", "true");
    out.headers.append("vary", "Origin");
    return out;
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const base = this.st.config.apiBasePath;
    const method = request.method.toUpperCase();
    const isAuthPath = path === base || path.startsWith(`${base}/`);
    const ownRoute = isAuthPath && (/\/session\/refresh\/?$/.test(path) || /\/signout\/?$/.test(path));

    if (ownRoute && method === "OPTIONS" && request.headers.get("origin") === this.st.config.websiteDomain) {
      const pre = new Response(null, { status: 204 });
      pre.headers.set("access-control-allow-methods", "POST, OPTIONS");
      pre.headers.set("access-control-allow-headers", CORS_ALLOW_HEADERS);
      pre.headers.set("access-control-max-age", "600");
      return this.cors(request, pre);
    }
    const own = await this.st.handleAuthRequest(request);
    if (own !== undefined) return this.cors(request, own);
    if (this.demoSignIn && method === "POST" && path === `${base}/demo/signin`) {
      return this.cors(request, await this.demoSignInResponse(request));
    }
    if (isAuthPath) return this.forward(request, this.authOrigin, undefined);

    const isPublic = method === "OPTIONS" || matchesPathPattern(this.publicPaths, path);
    const result = await this.st.getSession(request, { sessionRequired: !isPublic });
    if (result.status !== "OK") {
      if (isPublic) return this.forward(request, this.origin, undefined); // a public page never fails on a stale token
      return this.cors(request, result.response);
    }
    const upstream = await this.forward(request, this.origin, result.session);
    if (result.session === undefined) return upstream;
    const out = new Response(upstream.body, upstream);
    out.headers.set("cache-control", "private, no-store");
    return result.applyTo(out);
  }

  private async forward(request: Request, origin: URL, session: Session | undefined): Promise<Response> {
    const incoming = new URL(request.url);
    // Path and query are set on the configured origin; never `new URL(path, origin)`, which would send
    // `//evil.example/x` to another host.
    const target = new URL(origin.href);
    const basePath = target.pathname.replace(/\/+$/, "");
    target.pathname = basePath + incoming.pathname;
    target.search = incoming.search;
    target.hash = "";
    const headers = cleanRequestHeaders(request.headers);
    if (session !== undefined) setIdentityHeaders(headers, session);
    if (this.originSecret !== undefined) headers.set("x-supertokens-origin-secret", this.originSecret);
    const method = request.method.toUpperCase();
    let upstream: Response;
    try {
      upstream = await this.fetchImpl(target.toString(), {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? null : request.body,
        redirect: "manual",
      });
    } catch (e) {
      console.error("supertokens-edge front door: origin unreachable:", e);
      return jsonResponse(502, { message: "origin unreachable" });
    }
    return new Response(upstream.body, upstream);
  }

  private async demoSignInResponse(request: Request): Promise<Response> {
    let userId: unknown;
    try {
      userId = ((await request.json()) as { userId?: unknown }).userId;
    } catch {
      userId = undefined;
    }
    if (typeof userId !== "string" || userId === "" || userId.length > 200) {
      return jsonResponse(400, { message: 'body must be {"userId": "<non-empty string>"}' });
    }
    try {
      const created = await this.st.createNewSession(request, "public", userId);
      return created.applyTo(jsonResponse(200, { status: "OK", userId }));
    } catch (e) {
      console.error("supertokens-edge front door: demo sign-in failed:", e);
      return jsonResponse(503, { message: "SuperTokens core unavailable" });
    }
  }
}

function bool(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  fail(`${what} must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** Reads the wrangler vars; a misconfiguration is a TypeError naming the variable. */
export function frontDoorOptionsFromEnv(env: FrontDoorEnv, requestOrigin: string): FrontDoorOptions {
  if (!env.SUPERTOKENS_CONNECTION_URI) fail("SUPERTOKENS_CONNECTION_URI is required");
  if (!env.ORIGIN_URL) fail("ORIGIN_URL is required");
  const interval = env.JWKS_REFRESH_INTERVAL_SEC ? Number(env.JWKS_REFRESH_INTERVAL_SEC) : undefined;
  if (interval !== undefined && !(Number.isFinite(interval) && interval > 0)) {
    fail(`JWKS_REFRESH_INTERVAL_SEC must be a positive number, got ${JSON.stringify(env.JWKS_REFRESH_INTERVAL_SEC)}`);
  }
  const sameSite = env.COOKIE_SAME_SITE ? (env.COOKIE_SAME_SITE.toLowerCase() as CookieSameSite) : undefined;
  const antiCsrf = env.ANTI_CSRF ? (env.ANTI_CSRF as AntiCsrfMode) : undefined;
  return {
    supertokens: {
      connectionURI: env.SUPERTOKENS_CONNECTION_URI,
      apiKey: env.SUPERTOKENS_API_KEY || undefined,
      appInfo: {
        apiDomain: env.API_DOMAIN || requestOrigin,
        websiteDomain: env.WEBSITE_DOMAIN || undefined,
        apiBasePath: env.API_BASE_PATH || "/auth",
      },
      jwksRefreshIntervalSec: interval,
      cookieSameSite: sameSite,
      cookieSecure: bool(env.COOKIE_SECURE, "COOKIE_SECURE"),
      cookieDomain: env.COOKIE_DOMAIN || undefined,
      antiCsrf,
      jwksCache: env.SUPERTOKENS_JWKS,
    },
    originURL: env.ORIGIN_URL,
    authOriginURL: env.AUTH_ORIGIN_URL || undefined,
    publicPaths: (env.PUBLIC_PATHS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    originSecret: env.ORIGIN_SECRET || undefined,
    demoSignIn: bool(env.DEMO_SIGN_IN, "DEMO_SIGN_IN") === true,
  };
}

const cache = new Map<string, FrontDoor>();

/**
 * The deployable Worker: `export default frontDoorWorker`. One FrontDoor per isolate and configuration
 * (vars never change within an isolate; API_DOMAIN defaults to the request's own origin).
 */
export const frontDoorWorker = {
  async fetch(request: Request, env: FrontDoorEnv): Promise<Response> {
    let origin: string;
    try {
      origin = new URL(request.url).origin;
    } catch {
      return jsonResponse(400, { message: "bad request URL" });
    }
    const vars = Object.entries(env).filter(([, v]) => typeof v === "string");
    const key = JSON.stringify([env.API_DOMAIN ? "" : origin, vars]);
    let door = cache.get(key);
    if (door === undefined) {
      try {
        door = new FrontDoor(frontDoorOptionsFromEnv(env, origin));
      } catch (e) {
        console.error(e);
        return jsonResponse(500, { message: `front door misconfigured: ${e instanceof Error ? e.message : String(e)}` });
      }
      if (cache.size > 16) cache.clear();
      cache.set(key, door);
    }
    return door.fetch(request);
  },
};

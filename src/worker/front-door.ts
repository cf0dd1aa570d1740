import { type ResolvedConfig, resolveConfig } from "../config.js";
import { isSuperTokensEdgeError } from "../errors.js";
import { badPathResponse, jsonResponse } from "../http/answers.js";
import { createNewSessionInRequest } from "../http/create.js";
import { getSessionFromRequest } from "../http/get-session.js";
import { canonicalPath } from "../http/path.js";
import { refreshSessionInRequest } from "../http/refresh.js";
import { matchesPathPattern, matchRoute } from "../http/routes.js";
import { signOutInRequest } from "../http/sign-out.js";
import { createEngineContext, type EngineContext } from "../session/context.js";
import type { Session } from "../session/session.js";
import { FrontDoorConfigError, type FrontDoorEnv, type FrontDoorOptions, frontDoorOptionsFromEnv } from "./env.js";
import { fetchOrigin, upstreamHeaders, upstreamUrl } from "./forward.js";

export { FrontDoorConfigError, frontDoorOptionsFromEnv } from "./env.js";
export type { FrontDoorEnv, FrontDoorOptions } from "./env.js";

const CORS_ALLOW_HEADERS = "content-type, rid, fdi-version, anti-csrf, authorization, st-auth-mode";
const DEFAULT_ORIGIN_TIMEOUT_MS = 30_000;

function fail(message: string): never {
  throw new FrontDoorConfigError(`supertokens-edge front door: ${message}`);
}

function parseOrigin(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${what} is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`${what} must be http(s)`);
  return url;
}

/**
 * PUBLIC_PATHS entries must be canonical paths (else they could never match what the front door decides on),
 * and an entry that makes every path public (`*`, `/*`) must be meant: `ALLOW_PUBLIC_SITE=true`.
 */
function checkPublicPaths(patterns: readonly string[], allowPublicSite: boolean): void {
  for (const p of patterns) {
    const star = p.endsWith("*");
    const prefix = star ? p.slice(0, -1) : p;
    if (star && (prefix === "" || prefix === "/")) {
      if (!allowPublicSite)
        fail(`PUBLIC_PATHS entry "${p}" makes every path public: set ALLOW_PUBLIC_SITE=true if that is meant`);
      continue;
    }
    if (!prefix.startsWith("/")) fail(`PUBLIC_PATHS entries must start with "/": ${p}`);
    if (prefix.includes("*")) fail(`PUBLIC_PATHS entries may only end in "*": ${p}`);
    const probe = prefix.endsWith("/") && prefix !== "/" ? `${prefix}x` : prefix;
    const canonical = canonicalPath(probe);
    if (!canonical.ok || canonical.path !== probe) fail(`PUBLIC_PATHS entry is not a canonical path: ${p}`);
  }
}

/** A real CORS preflight: `Origin` and `Access-Control-Request-Method`, and no body. */
function isPreflight(request: Request, method: string): boolean {
  return (
    method === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method") &&
    (request.body === null || request.headers.get("content-length") === "0")
  );
}

/**
 * A Worker that authenticates every request with SuperTokens and forwards it to an origin that has no
 * SuperTokens code. Build it once per isolate; `fetch` never throws. Configuration mistakes throw
 * `FrontDoorConfigError` here, at construction.
 */
export class FrontDoor {
  /** The engine's resolved configuration (the front door uses the HTTP layer directly, not the façade). */
  readonly config: ResolvedConfig;
  readonly #ctx: EngineContext;
  private readonly origin: URL;
  private readonly authOrigin: URL;
  private readonly publicPaths: string[];
  private readonly allowEncodedSlashes: boolean;
  private readonly originSecret: string | undefined;
  private readonly originTimeoutMs: number;
  private readonly demoSignIn: boolean;
  private readonly fetchImpl: typeof fetch;

  constructor(options: FrontDoorOptions) {
    try {
      this.config = resolveConfig(options.supertokens);
    } catch (e) {
      throw e instanceof TypeError ? new FrontDoorConfigError(e.message) : e;
    }
    this.#ctx = createEngineContext(this.config);
    // Every path would be an auth path, forwarded without a session: fail closed instead.
    if (this.config.apiBasePath === "") fail('API_BASE_PATH must not be "/" or empty');
    this.origin = parseOrigin(options.originURL, "ORIGIN_URL");
    this.authOrigin = parseOrigin(options.authOriginURL ?? options.originURL, "AUTH_ORIGIN_URL");
    this.publicPaths = options.publicPaths ?? [];
    checkPublicPaths(this.publicPaths, options.allowPublicSite === true);
    this.allowEncodedSlashes = options.allowEncodedSlashes === true;
    this.originSecret = options.originSecret;
    this.originTimeoutMs = options.originTimeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS;
    if (!(this.originTimeoutMs > 0)) fail("ORIGIN_TIMEOUT_MS must be a positive number");
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
      return jsonResponse(500, { message: "internal error", code: "ERR_INTERNAL" });
    }
  }

  private cors(request: Request, response: Response): Response {
    const origin = request.headers.get("origin");
    if (origin === null || origin !== this.config.websiteDomain || origin === this.config.apiDomain) return response;
    const out = new Response(response.body, response);
    out.headers.set("access-control-allow-origin", origin);
    out.headers.set("access-control-allow-credentials", "true");
    out.headers.append("vary", "Origin");
    return out;
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const canonical = canonicalPath(url.pathname, { allowEncodedSlashes: this.allowEncodedSlashes });
    if (!canonical.ok) {
      return this.cors(request, badPathResponse(canonical.reason));
    }
    const path = canonical.path;
    const method = request.method.toUpperCase();
    const base = this.config.apiBasePath;
    const route = matchRoute(base, path);

    if (route.kind === "session-api") {
      if (isPreflight(request, method)) {
        const pre = new Response(null, { status: 204 });
        pre.headers.set("access-control-allow-methods", "POST, OPTIONS");
        pre.headers.set("access-control-allow-headers", CORS_ALLOW_HEADERS);
        pre.headers.set("access-control-max-age", "600");
        return this.cors(request, pre);
      }
      // The refresh token is sent to these paths: no other method may carry it on to an origin.
      if (method !== route.method) {
        const res = jsonResponse(405, { message: "method not allowed", code: "ERR_METHOD_NOT_ALLOWED" });
        res.headers.set("allow", `${route.method}, OPTIONS`);
        return this.cors(request, res);
      }
      const answer =
        route.api === "refresh" ? refreshSessionInRequest(this.#ctx, request) : signOutInRequest(this.#ctx, request);
      return this.cors(request, await answer);
    }
    if (this.demoSignIn && method === "POST" && path === `${base}/demo/signin`) {
      return this.cors(request, await this.demoSignInResponse(request));
    }
    // The rest of the auth subtree (sign-in, sign-up, …) is the auth origin's, open by design.
    if (route.kind === "auth") return this.forward(request, url, path, this.authOrigin, undefined);

    // A real preflight carries no credentials: the origin answers it. Any other OPTIONS is like any other method.
    if (isPreflight(request, method)) return this.forward(request, url, path, this.origin, undefined);
    const isPublic = matchesPathPattern(this.publicPaths, path);
    const result = await getSessionFromRequest(this.#ctx, request, { sessionRequired: !isPublic });
    if (result.status !== "OK") {
      if (isPublic) return this.forward(request, url, path, this.origin, undefined); // a public page never fails on a stale token
      return this.cors(request, result.response);
    }
    const upstream = await this.forward(request, url, path, this.origin, result.session);
    if (result.session === undefined) return upstream;
    // `forward` built this Response (mutable headers): an answer for one user must never be cached for others.
    upstream.headers.set("cache-control", "private, no-store");
    return result.applyTo(upstream);
  }

  private forward(
    request: Request,
    url: URL,
    path: string,
    origin: URL,
    session: Session | undefined,
  ): Promise<Response> | Response {
    const target = upstreamUrl(origin, path, url.search);
    if (target === undefined) return badPathResponse("unforwardable");
    const headers = upstreamHeaders(request.headers, {
      url,
      clientIp: request.headers.get("cf-connecting-ip") ?? undefined,
      session,
      originSecret: this.originSecret,
    });
    const method = request.method.toUpperCase();
    return fetchOrigin(
      this.fetchImpl,
      target,
      { method, headers, body: method === "GET" || method === "HEAD" ? null : request.body },
      this.originTimeoutMs,
    );
  }

  private async demoSignInResponse(request: Request): Promise<Response> {
    let userId: unknown;
    try {
      userId = ((await request.json()) as { userId?: unknown }).userId;
    } catch {
      userId = undefined;
    }
    if (typeof userId !== "string" || userId === "" || userId.length > 200) {
      return jsonResponse(400, { message: 'body must be {"userId": "<non-empty string>"}', code: "ERR_BAD_REQUEST" });
    }
    try {
      const created = await createNewSessionInRequest(this.#ctx, request, "public", userId);
      return created.applyTo(jsonResponse(200, { status: "OK", userId }));
    } catch (e) {
      if (!isSuperTokensEdgeError(e)) throw e;
      console.error("supertokens-edge front door: demo sign-in failed:", e);
      return jsonResponse(503, { message: "SuperTokens core unavailable", code: e.code });
    }
  }
}

const MISCONFIGURED = () =>
  jsonResponse(500, { message: "front door misconfigured", code: "ERR_FRONT_DOOR_MISCONFIGURED" });
const doors = new Map<string, FrontDoor | FrontDoorConfigError>();

/**
 * The deployable Worker: `export default frontDoorWorker`. One FrontDoor per isolate and configuration
 * (vars never change within an isolate; API_DOMAIN defaults to the request's own origin). A configuration that
 * would fail open is refused on the isolate's first request: 500 with a stable code, the reason in the logs.
 */
export const frontDoorWorker = {
  async fetch(request: Request, env: FrontDoorEnv): Promise<Response> {
    let origin: string;
    try {
      origin = new URL(request.url).origin;
    } catch {
      return jsonResponse(400, { message: "bad request URL", code: "ERR_BAD_PATH" });
    }
    const vars = Object.entries(env).filter(([, v]) => typeof v === "string");
    const key = JSON.stringify([env.API_DOMAIN ? "" : origin, vars]);
    let door = doors.get(key);
    if (door === undefined) {
      try {
        door = new FrontDoor(frontDoorOptionsFromEnv(env, origin));
      } catch (e) {
        if (!(e instanceof FrontDoorConfigError)) {
          console.error("supertokens-edge front door:", e); // a bug: not cached, not a misconfiguration
          return jsonResponse(500, { message: "internal error", code: "ERR_INTERNAL" });
        }
        console.error(e.message); // once per isolate and configuration
        door = e;
      }
      if (doors.size > 16) doors.clear();
      doors.set(key, door);
    }
    if (door instanceof FrontDoorConfigError) return MISCONFIGURED();
    return door.fetch(request);
  },
};

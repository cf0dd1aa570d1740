import type { SuperTokensConfig } from "../config.js";
import { type EdgeError, isSuperTokensEdgeError } from "../errors.js";
import { badPathResponse, failureFromError, failureResponse } from "../http/answers.js";
import type { VerifySessionOptions } from "../http/get-session.js";
import { decodeIdentityValue, IDENTITY_HEADERS, isSpoofableHeader, setIdentityHeaders } from "../http/identity.js";
import { canonicalPath } from "../http/path.js";
import { matchesPathPattern, matchRoute } from "../http/routes.js";
import { readToken } from "../http/transfer.js";
import type { ClaimValidationError } from "../session/claims.js";
import type { Session } from "../session/session.js";
import { SuperTokensEdge } from "../supertokens.js";
import { decodeBase64UrlToText } from "../token/base64.js";
import type { JsonObject } from "../token/json.js";

export type { VerifySessionOptions } from "../http/get-session.js";
export type { Session } from "../session/session.js";
export { IDENTITY_HEADERS } from "../http/identity.js";

// Next.js adapters with no import of `next`: the same code runs in `middleware.ts` (Edge) and `proxy.ts` (Node).
// "Continue to the app" is what `NextResponse.next({ request: { headers } })` produces: `x-middleware-next: 1`
// plus the request-header overrides Next reads from `x-middleware-override-headers` / `x-middleware-request-*`.

/**
 * An engine, its config, or a function returning either. Configs and functions are turned into an engine on the
 * first request and cached (per source object), so `next build` — which evaluates route modules with no env —
 * never sees a missing `SUPERTOKENS_CONNECTION_URI`; a bad config is a TypeError at the first request.
 */
export type SuperTokensSource = SuperTokensEdge | SuperTokensConfig | (() => SuperTokensEdge | SuperTokensConfig);

const engines = new WeakMap<object, SuperTokensEdge>();

function checkSource(source: unknown, who: string): void {
  if ((typeof source !== "object" && typeof source !== "function") || source === null) {
    throw new TypeError(
      `supertokens-edge/next: ${who} needs createSuperTokens(...), a config, or a function () => config`,
    );
  }
}

function engineOf(source: SuperTokensSource): SuperTokensEdge {
  if (source instanceof SuperTokensEdge) return source;
  let st = engines.get(source);
  if (st === undefined) {
    const made = typeof source === "function" ? source() : source;
    st = made instanceof SuperTokensEdge ? made : new SuperTokensEdge(made);
    engines.set(source, st);
  }
  return st;
}

function continueWith(request: Request, session: Session | undefined): Response {
  const headers = new Headers(request.headers);
  // Never let a client-sent identity (or Next's own subrequest marker) reach the app.
  for (const name of [...headers.keys()]) if (isSpoofableHeader(name)) headers.delete(name);
  if (session !== undefined) setIdentityHeaders(headers, session);
  const res = new Response(null, { headers: { "x-middleware-next": "1" } });
  res.headers.set("x-middleware-override-headers", [...headers.keys()].join(","));
  for (const [k, v] of headers) res.headers.set(`x-middleware-request-${k}`, v);
  return res;
}

/**
 * A person navigating (GET/HEAD of a document), as opposed to an API call by code. Navigations are redirected;
 * API calls get the SDK's JSON, which the frontend SDK's fetch interception acts on (refresh, sign-out).
 */
export function isPageNavigation(request: Request): boolean {
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return false;
  if (request.headers.get("sec-fetch-dest") === "document") return true;
  return (request.headers.get("accept") ?? "").toLowerCase().includes("text/html");
}

/** `307` to `target?redirectToPath=<path+query>` (SuperTokens' convention), keeping the SDK's token clearing. */
function redirectTo(target: string, url: URL, failure: Response): Response {
  const location = new URL(target, url);
  location.search = `?redirectToPath=${encodeURIComponent(url.pathname + url.search)}`;
  const res = new Response(null, { status: 307, headers: { location: location.href, "cache-control": "no-store" } });
  for (const cookie of failure.headers.getSetCookie()) res.headers.append("set-cookie", cookie);
  return res;
}

function checkPath(value: string, what: string): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[?#]/.test(value)) {
    throw new TypeError(
      `supertokens-edge/next: ${what} must be a path starting with "/", got ${JSON.stringify(value)}`,
    );
  }
  return value.length > 1 ? value.replace(/\/+$/, "") : value;
}

export interface SessionMiddlewareOptions extends VerifySessionOptions {
  /** Exact paths, or prefixes ending in `*`, that do not require a session. Default none. */
  publicPaths?: string[];
  /** Where a page navigation without a session is sent (`?redirectToPath=…`). Public. Default `/auth`. */
  signInPath?: string;
  /**
   * Where a page navigation with an expired access token is sent (`?redirectToPath=…`): a page that calls
   * supertokens-web-js `Session.attemptRefreshingSession()` and goes back. Public. Default `/auth/refresh`.
   */
  refreshPath?: string;
}

/**
 * For `middleware.ts` (Edge) / `proxy.ts` (Node): answers the refresh and sign-out APIs, requires a session
 * elsewhere except on public paths (`publicPaths`, `signInPath`, `refreshPath` and their sub-paths, and the other
 * `{apiBasePath}/*` routes such as sign-in), and hands the app the identity as `x-supertokens-*` request headers
 * (client-sent ones are removed on every path the matcher covers). Without a session, page navigations are
 * redirected to `signInPath`, or to `refreshPath` when the access token only expired; API calls get the SDK's
 * 401/403 JSON.
 *
 * ```ts
 * // middleware.ts: export const middleware = …   proxy.ts: export const proxy = …   (or export default)
 * export const middleware = sessionMiddleware(() => ({ connectionURI: process.env.SUPERTOKENS_CONNECTION_URI!, appInfo: { apiDomain: "https://example.com", apiBasePath: "/api/auth" } }), { publicPaths: ["/"] });
 * export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
 * ```
 */
export function sessionMiddleware(source: SuperTokensSource, options: SessionMiddlewareOptions = {}) {
  checkSource(source, "sessionMiddleware()");
  const { publicPaths = [], signInPath: signIn = "/auth", refreshPath: refresh = "/auth/refresh", ...verify } = options;
  for (const p of publicPaths) checkPath(p.replace(/\*$/, "") || "/", "publicPaths entry");
  const signInPath = checkPath(signIn, "signInPath");
  const refreshPath = checkPath(refresh, "refreshPath");
  const alwaysPublic = [signInPath, `${signInPath}/*`, refreshPath, `${refreshPath}/*`];
  return async (request: Request): Promise<Response> => {
    const st = engineOf(source);
    const url = new URL(request.url);
    // Decide on the one canonical path (http/path.ts); a path whose meaning depends on the decoder is refused.
    const canonical = canonicalPath(url.pathname);
    if (!canonical.ok) return badPathResponse(canonical.reason);
    const path = canonical.path;
    const route = matchRoute(st.config.apiBasePath, path);
    // The session APIs, matched once here (as st.handleAuthRequest would, on the same canonical path).
    if (route.kind === "session-api" && request.method.toUpperCase() === route.method) {
      return route.api === "refresh" ? st.refreshSession(request) : st.signOut(request);
    }
    const underApi = route.kind !== "app";
    const optional =
      request.method.toUpperCase() === "OPTIONS" ||
      underApi ||
      matchesPathPattern(alwaysPublic, path) ||
      matchesPathPattern(publicPaths, path);
    const result = await st.getSession(request, {
      ...verify,
      sessionRequired: optional ? false : verify.sessionRequired,
    });
    if (result.status === "OK") return result.applyTo(continueWith(request, result.session));
    if (optional) return continueWith(request, undefined); // a public page never fails on a stale token
    if (isPageNavigation(request)) {
      if (result.status === "TRY_REFRESH_TOKEN") return redirectTo(refreshPath, url, result.response);
      if (result.status === "UNAUTHORISED") return redirectTo(signInPath, url, result.response);
    }
    return result.response;
  };
}

/**
 * For route handlers (`app/**\/route.ts`): runs `handler` with the verified session, or answers as the SDK
 * (401 try refresh / unauthorised, 403 invalid claims, 503 core unavailable). A `SuperTokensEdgeError` thrown by
 * the handler (e.g. `session.revokeSession()` when the core is down) is answered too; other errors propagate.
 *
 * ```ts
 * export const GET = withSession(getSuperTokensConfig, async (session) => Response.json({ userId: session.getUserId() }));
 * ```
 */
export function withSession<Context = unknown>(
  source: SuperTokensSource,
  handler: (session: Session, request: Request, context: Context) => Response | Promise<Response>,
  options: VerifySessionOptions & { sessionRequired?: true } = {},
) {
  checkSource(source, "withSession()");
  // `context` is Next's second argument (`{ params }`); optional so the handler can be called in tests.
  return async (request: Request, context?: Context): Promise<Response> => {
    const st = engineOf(source);
    const result = await st.getSession(request, options);
    if (result.status !== "OK") return result.response;
    let response: Response;
    try {
      response = await handler(result.session, request, context as Context);
    } catch (e) {
      // A session method found the session gone (401, cleared) or the core unreachable (503); a bug propagates.
      if (!isSuperTokensEdgeError(e)) throw e;
      return failureResponse(st.config, failureFromError(e));
    }
    return result.applyTo(response);
  };
}

/** Anything with `get(name)`: `await headers()` from `next/headers`, `request.headers`, a `Headers`. */
export interface HeadersLike {
  get(name: string): string | null;
}

export interface SSRSession {
  /**
   * `OK` (with `session`, or without when there was no usable token), else why not: `TRY_REFRESH_TOKEN` (send
   * the user through the refresh page), `UNAUTHORISED`, `INVALID_CLAIMS`, `CORE_UNAVAILABLE`.
   */
  status: "OK" | "TRY_REFRESH_TOKEN" | "UNAUTHORISED" | "INVALID_CLAIMS" | "CORE_UNAVAILABLE";
  session: Session | undefined;
  /** Whether the request carried an access token at all (cookie or `Authorization: Bearer`). */
  hasToken: boolean;
  accessTokenPayload: JsonObject | undefined;
  /** With `INVALID_CLAIMS`. */
  claimValidationErrors?: ClaimValidationError[];
  /** With `CORE_UNAVAILABLE`. */
  error?: EdgeError;
}

function asRequest(from: HeadersLike | Request): Request {
  if (from instanceof Request) return from;
  // `headers()` from next/headers is a Headers: copy all (a getTokenTransferMethod hook may read any of them).
  const headers = from instanceof Headers ? new Headers(from) : new Headers();
  for (const name of ["cookie", "authorization"]) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  let url = "http://localhost/";
  try {
    const host = from.get("host");
    if (host !== null) url = new URL(`http://${host}/`).href;
  } catch {
    // keep localhost: only a getTokenTransferMethod hook could look at it
  }
  return new Request(url, { headers });
}

/**
 * For server components (and route handlers): verifies the request's access token again — cookie or
 * `Authorization` header, locally against the JWKS, the configured claim validators, no anti-CSRF (reads only) —
 * as supertokens-node's `getSSRSession` (`supertokens-node/nextjs`) does. It cannot write cookies: a server
 * component that gets `TRY_REFRESH_TOKEN` should redirect to the refresh page.
 *
 * ```ts
 * const { session, status } = await getSSRSession(getSuperTokensConfig, await headers());
 * ```
 */
export async function getSSRSession(
  source: SuperTokensSource,
  from: HeadersLike | Request,
  options: Omit<VerifySessionOptions, "sessionRequired" | "antiCsrfCheck"> = {},
): Promise<SSRSession> {
  checkSource(source, "getSSRSession()");
  const st = engineOf(source);
  const request = asRequest(from);
  const hasToken =
    readToken(request, "access", "cookie") !== undefined || readToken(request, "access", "header") !== undefined;
  const result = await st.getSession(request, { ...options, sessionRequired: false, antiCsrfCheck: false });
  if (result.status === "OK") {
    return {
      status: "OK",
      session: result.session,
      hasToken,
      accessTokenPayload: result.session?.getAccessTokenPayload(),
    };
  }
  const status = result.status === "TOKEN_THEFT_DETECTED" ? "UNAUTHORISED" : result.status; // (refresh only)
  const out: SSRSession = { status, session: undefined, hasToken, accessTokenPayload: undefined };
  if (result.status === "INVALID_CLAIMS") out.claimValidationErrors = result.claimValidationErrors;
  if (result.status === "CORE_UNAVAILABLE") out.error = result.error;
  return out;
}

export interface ForwardedIdentity {
  userId: string;
  recipeUserId: string;
  tenantId: string;
  sessionHandle: string;
  accessTokenPayload: JsonObject;
}

/**
 * The identity `sessionMiddleware` verified and forwarded for this request, without verifying again; `undefined`
 * when there is none (signed out, public path) or it is malformed. Only trust it on paths the middleware's
 * matcher covers: elsewhere a client can send these headers itself — use `getSSRSession` there.
 *
 * ```ts
 * const identity = getForwardedIdentity(await headers());
 * ```
 */
export function getForwardedIdentity(from: HeadersLike | Request): ForwardedIdentity | undefined {
  const headers = from instanceof Request ? from.headers : from;
  const values: string[] = [];
  for (const name of [
    IDENTITY_HEADERS.userId,
    IDENTITY_HEADERS.recipeUserId,
    IDENTITY_HEADERS.tenantId,
    IDENTITY_HEADERS.sessionHandle,
  ]) {
    const value = headers.get(name);
    if (value === null) return undefined;
    values.push(value);
  }
  const encodedPayload = headers.get(IDENTITY_HEADERS.accessTokenPayload);
  if (encodedPayload === null) return undefined;
  // Percent-encoded (every byte outside 0x21–0x7E, and `%`) so any id survives header transport exactly.
  const decoded = values.map(decodeIdentityValue);
  if (decoded.some((v) => v === undefined)) return undefined;
  const [userId, recipeUserId, tenantId, sessionHandle] = decoded as [string, string, string, string];
  const text = decodeBase64UrlToText(encodedPayload);
  let payload: unknown;
  try {
    payload = text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
  return { userId, recipeUserId, tenantId, sessionHandle, accessTokenPayload: payload as JsonObject };
}

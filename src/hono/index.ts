import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SuperTokensConfig } from "../config.js";
import { isSuperTokensEdgeError } from "../errors.js";
import { failureFromError, failureResponse } from "../http/answers.js";
import type { VerifySessionOptions } from "../http/get-session.js";
import { canonicalPath } from "../http/path.js";
import { matchRoute } from "../http/routes.js";
import type { Session } from "../session/session.js";
import { SuperTokensEdge } from "../supertokens.js";

export type { VerifySessionOptions } from "../http/get-session.js";
export type { Session } from "../session/session.js";

/** Hono's `c.res` setter merges the old response's headers over a new one; start from a clean slate. */
function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}

/** An engine, or a factory called once per isolate with the first request's context (for `c.env` bindings). */
export type SuperTokensSource =
  | SuperTokensEdge
  // biome-ignore lint/suspicious/noExplicitAny: any Hono env
  | ((c: Context<any>) => SuperTokensEdge | SuperTokensConfig);

const ENGINE_KEY = "supertokens-edge";

function resolver(source: SuperTokensSource, who: string): (c: Context) => SuperTokensEdge {
  if (source instanceof SuperTokensEdge) return () => source;
  if (typeof source !== "function") {
    throw new TypeError(`supertokens-edge/hono: ${who} needs createSuperTokens(...) or a function (c) => config`);
  }
  let engine: SuperTokensEdge | undefined;
  return (c) => {
    if (engine === undefined) {
      const made = source(c);
      engine = made instanceof SuperTokensEdge ? made : new SuperTokensEdge(made);
    }
    return engine;
  };
}

/**
 * The engine `supertokens(...)` mounted for this request.
 *
 * ```ts
 * app.post("/sign-in", async (c) => (await getSupertokens(c).createNewSession(c.req.raw, "public", userId)).applyTo(c.json({ ok: true })));
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono env
export function getSupertokens(c: Context<any>): SuperTokensEdge {
  const st = c.get(ENGINE_KEY as never) as SuperTokensEdge | undefined;
  if (st === undefined) throw new TypeError("supertokens-edge/hono: mount supertokens(...) before using the engine");
  return st;
}

/**
 * Mounts the session APIs the official frontend SDKs call — `POST {apiBasePath}/session/refresh` and
 * `POST {apiBasePath}/signout` (tenant-prefixed too) — and makes the engine available to `verifySession()` and
 * `getSupertokens(c)`. Every other request goes on to the next handler.
 *
 * ```ts
 * app.use("*", supertokens((c) => ({ connectionURI: c.env.SUPERTOKENS_CONNECTION_URI, appInfo: { apiDomain: "https://api.example.com" }, jwksCache: c.env.SUPERTOKENS_JWKS })));
 * ```
 */
export function supertokens(source: SuperTokensSource): MiddlewareHandler {
  const engineFor = resolver(source, "supertokens()");
  return async (c, next) => {
    const st = engineFor(c);
    c.set(ENGINE_KEY as never, st as never);
    const res = await st.handleAuthRequest(c.req.raw);
    if (res !== undefined) return res;
    await next();
  };
}

/**
 * Requires (or, with `sessionRequired: false`, optionally reads) a session and puts it on `c.var.session`.
 * Failures throw `HTTPException` carrying the SDK's exact answer (401 try refresh / unauthorised, 403 invalid
 * claims, 503 when the core is unreachable). Tokens the core renews during the request are written to the
 * response after the handler; `session.revokeSession()` in a handler clears them. As the SDK's verifySession,
 * `OPTIONS` and `TRACE` carry no session: an optional route gets `undefined`; a required one never runs its
 * handler without a session (`OPTIONS` → 204 here, `TRACE` is verified like any other method).
 *
 * ```ts
 * app.get("/me", verifySession(), (c) => c.json({ userId: c.var.session.getUserId() }));
 * ```
 */
export function verifySession(
  options?: VerifySessionOptions & { sessionRequired?: true },
): MiddlewareHandler<{ Variables: { session: Session } }>;
export function verifySession(
  options: VerifySessionOptions & { sessionRequired: false },
): MiddlewareHandler<{ Variables: { session: Session | undefined } }>;
export function verifySession(
  st: SuperTokensSource,
  options?: VerifySessionOptions & { sessionRequired?: true },
): MiddlewareHandler<{ Variables: { session: Session } }>;
export function verifySession(
  st: SuperTokensSource,
  options: VerifySessionOptions & { sessionRequired: false },
): MiddlewareHandler<{ Variables: { session: Session | undefined } }>;
export function verifySession(
  first?: SuperTokensSource | VerifySessionOptions,
  second?: VerifySessionOptions,
  // biome-ignore lint/suspicious/noExplicitAny: the overloads above carry the types
): MiddlewareHandler<any> {
  const explicit = first instanceof SuperTokensEdge || typeof first === "function";
  const options: VerifySessionOptions = (explicit ? second : (first as VerifySessionOptions | undefined)) ?? {};
  if (typeof options !== "object" || options === null) {
    throw new TypeError("supertokens-edge/hono: verifySession(options) takes an options object");
  }
  const required = options.sessionRequired !== false;
  const engineFor = explicit ? resolver(first as SuperTokensSource, "verifySession()") : undefined;
  return async (c, next) => {
    const st = engineFor?.(c) ?? (c.get(ENGINE_KEY as never) as SuperTokensEdge | undefined);
    if (st === undefined) {
      throw new TypeError("supertokens-edge/hono: mount supertokens(...) before verifySession(), or pass the engine");
    }
    const method = c.req.method.toUpperCase();
    if ((method === "OPTIONS" || method === "TRACE") && !required) {
      c.set("session", undefined);
      await next();
      return;
    }
    // A route typed `Session` never sees `undefined`: a preflight (no credentials) is answered here, a TRACE
    // is verified like any other method.
    if (method === "OPTIONS") return c.body(null, 204);
    // As the SDK's verifySession: a POST to the refresh API is a refresh.
    if (method === "POST") {
      const path = canonicalPath(new URL(c.req.url).pathname);
      const route = path.ok ? matchRoute(st.config.apiBasePath, path.path) : undefined;
      if (route?.kind === "session-api" && route.api === "refresh") return st.refreshSession(c.req.raw);
    }
    const result = await st.getSession(c.req.raw, options);
    if (result.status !== "OK") {
      throw new HTTPException(result.response.status as ContentfulStatusCode, { res: result.response, cause: result });
    }
    c.set("session", result.session);
    await next();
    if (isSuperTokensEdgeError(c.error)) {
      // A session method failed inside the handler: answer as the SDK's error handler would. Other errors are
      // left to Hono's error handler (a bug is a 500, not an outage).
      const failure = failureFromError(c.error);
      c.error = undefined;
      replaceResponse(c, failureResponse(st.config, failure));
      return;
    }
    replaceResponse(c, result.applyTo(c.res));
  };
}

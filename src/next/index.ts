import type { VerifySessionOptions } from "../http/get-session.js";
import type { Session } from "../session/session.js";
import type { SuperTokensEdge } from "../supertokens.js";
import { isSpoofableHeader, matchesPathPattern, setIdentityHeaders } from "../http/identity.js";

export type { VerifySessionOptions } from "../http/get-session.js";
export type { Session } from "../session/session.js";

// Next.js adapters with no import of `next`: the same code runs in `middleware.ts` (Edge) and `proxy.ts` (Node).
// "Continue to the app" is what `NextResponse.next({ request: { headers } })` produces: `x-middleware-next: 1`
// plus the request-header overrides Next reads from `x-middleware-override-headers` / `x-middleware-request-*`.

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

export interface SessionMiddlewareOptions extends VerifySessionOptions {
  /** Exact paths, or prefixes ending in `*`, that do not require a session. Default none. */
  publicPaths?: string[];
}

/**
 * For `middleware.ts` / `proxy.ts`: answers the refresh and sign-out APIs, requires a session elsewhere
 * (except `publicPaths`), and hands the app the identity as `x-supertokens-*` request headers.
 *
 * ```ts
 * // middleware.ts (or proxy.ts)
 * const st = createSuperTokens({ connectionURI: process.env.SUPERTOKENS_CONNECTION_URI!, appInfo: { apiDomain: "https://example.com" } });
 * export const middleware = sessionMiddleware(st, { publicPaths: ["/", "/auth/*"] });
 * ```
 */
export function sessionMiddleware(st: SuperTokensEdge, options: SessionMiddlewareOptions = {}) {
  const publicPaths = options.publicPaths ?? [];
  return async (request: Request): Promise<Response> => {
    const own = await st.handleAuthRequest(request);
    if (own !== undefined) return own;
    const optional = request.method.toUpperCase() === "OPTIONS" || matchesPathPattern(publicPaths, new URL(request.url).pathname);
    const result = await st.getSession(request, { ...options, sessionRequired: optional ? false : options.sessionRequired });
    if (result.status !== "OK") return optional ? continueWith(request, undefined) : result.response;
    return result.applyTo(continueWith(request, result.session));
  };
}

/**
 * For route handlers (`app/**\/route.ts`): runs `handler` with the verified session, or answers as the SDK.
 *
 * ```ts
 * export const GET = withSession(st, async (session) => Response.json({ userId: session.getUserId() }));
 * ```
 */
export function withSession(
  st: SuperTokensEdge,
  handler: (session: Session, request: Request) => Response | Promise<Response>,
  options: VerifySessionOptions & { sessionRequired?: true } = {},
) {
  return async (request: Request): Promise<Response> => {
    const result = await st.getSession(request, options);
    if (result.status !== "OK") return result.response;
    return result.applyTo(await handler(result.session!, request));
  };
}

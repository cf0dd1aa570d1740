// The one route table: which requests are the session APIs the official frontend SDKs call, and which paths
// belong to the auth subtree. The engine (`handleAuthRequest`), Hono, Next.js and the front door all match
// here, on the canonical path (http/path.ts).

/** The session recipe's APIs (supertokens-node's `getAPIsHandled`), relative to `apiBasePath`. */
export const SESSION_APIS = [
  { api: "refresh", path: "/session/refresh", method: "POST" },
  { api: "signout", path: "/signout", method: "POST" },
] as const;
export type SessionApi = (typeof SESSION_APIS)[number]["api"];

export type Route =
  /** `POST {apiBasePath}[/{tenantId}]/session/refresh` or `…/signout` (only POST is the API; see `method`). */
  | { kind: "session-api"; api: SessionApi; method: "POST"; tenantId: string | undefined }
  /** Any other path under `{apiBasePath}/` (sign-in, sign-up, …: another recipe's, the auth origin's). */
  | { kind: "auth" }
  | { kind: "app" };

/** supertokens-node's tenant segment (`recipeModule.returnAPIIdIfCanHandleRequest`). */
const TENANT_AND_REST = /^\/([a-zA-Z0-9-]+)(\/.*)$/;

/**
 * The route of a canonical path, as supertokens-node matches it: case-sensitive, one trailing slash ignored, the
 * API path exactly or after one tenant segment (the exact match first). `apiBasePath` is the normalised one
 * (`/auth`; `` for `/`). An API gateway strips `apiGatewayPath` before the request gets here, as the SDK assumes.
 */
export function matchRoute(apiBasePath: string, path: string): Route {
  const p = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  if (apiBasePath !== "" && p !== apiBasePath && !p.startsWith(`${apiBasePath}/`)) return { kind: "app" };
  const rest = p.slice(apiBasePath.length);
  const tenant = TENANT_AND_REST.exec(rest);
  for (const { api, path: apiPath, method } of SESSION_APIS) {
    if (rest === apiPath) return { kind: "session-api", api, method, tenantId: undefined };
  }
  for (const { api, path: apiPath, method } of SESSION_APIS) {
    if (tenant !== null && tenant[2] === apiPath) return { kind: "session-api", api, method, tenantId: tenant[1] };
  }
  return { kind: "auth" };
}

/** `PUBLIC_PATHS` (and `publicPaths`) semantics, on canonical paths: an exact path, or a prefix when it ends in `*`. */
export function matchesPathPattern(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) => (p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p));
}

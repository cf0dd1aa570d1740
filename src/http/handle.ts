import type { EngineContext } from "../session/context.js";
import { canonicalPath } from "./path.js";
import { refreshSessionInRequest } from "./refresh.js";
import { matchRoute } from "./routes.js";
import { signOutInRequest } from "./sign-out.js";

/**
 * The session APIs the SDK middleware answers (`POST {apiBasePath}/session/refresh` and `/signout`, also with a
 * tenant segment), matched in the route table on the canonical path; `undefined` for any other request.
 */
export async function handleAuthRequest(ctx: EngineContext, request: Request): Promise<Response | undefined> {
  if (request.method.toUpperCase() !== "POST") return undefined;
  let pathname: string;
  try {
    pathname = new URL(request.url).pathname;
  } catch {
    return undefined;
  }
  const canonical = canonicalPath(pathname);
  if (!canonical.ok) return undefined;
  const route = matchRoute(ctx.config.apiBasePath, canonical.path);
  if (route.kind !== "session-api") return undefined;
  return route.api === "refresh" ? refreshSessionInRequest(ctx, request) : signOutInRequest(ctx, request);
}

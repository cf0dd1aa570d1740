import type { AntiCsrfMode, CookieSameSite, SuperTokensConfig } from "../config.js";
import type { JwksCacheStore } from "../jwks/store.js";

/** The front door's deployment contract (wrangler vars, secrets and the KV binding). README: "Front door". */
export interface FrontDoorEnv {
  SUPERTOKENS_CONNECTION_URI?: string;
  SUPERTOKENS_API_KEY?: string;
  API_DOMAIN?: string;
  WEBSITE_DOMAIN?: string;
  API_BASE_PATH?: string;
  ORIGIN_URL?: string;
  AUTH_ORIGIN_URL?: string;
  PUBLIC_PATHS?: string;
  /** `true` when a whole-site `PUBLIC_PATHS` entry (`/*`) is meant: every path public, identity when signed in. */
  ALLOW_PUBLIC_SITE?: string;
  /** `true` keeps `%2F`/`%5C` in paths (for origins that need them) instead of refusing them. */
  ALLOW_ENCODED_SLASHES?: string;
  ORIGIN_TIMEOUT_MS?: string;
  JWKS_REFRESH_INTERVAL_SEC?: string;
  COOKIE_SAME_SITE?: string;
  COOKIE_SECURE?: string;
  COOKIE_DOMAIN?: string;
  ANTI_CSRF?: string;
  ORIGIN_SECRET?: string;
  /** `true` (or `com.supertokens`, as supertokens-node) logs every decision, core call and JWKS load. */
  DEBUG?: string;
  /** Local demos only: enables `POST {apiBasePath}/demo/signin {"userId"}`. Never set it in production. */
  DEMO_SIGN_IN?: string;
  SUPERTOKENS_JWKS?: JwksCacheStore;
}

/** What `new FrontDoor(...)` takes; `frontDoorOptionsFromEnv` builds it from the vars. */
export interface FrontDoorOptions {
  supertokens: SuperTokensConfig;
  /** Where authenticated (and public) requests go. */
  originURL: string;
  /** Where the other `{apiBasePath}/*` routes (sign-in, sign-up, …) go. Default `originURL`. */
  authOriginURL?: string | undefined;
  /** Canonical paths, exact or prefixes ending in `*`, forwarded without requiring a session. */
  publicPaths?: string[] | undefined;
  /** Allow a `publicPaths` entry that covers every path (`/*`). Default `false`: such an entry is refused. */
  allowPublicSite?: boolean | undefined;
  /** Keep encoded slashes (`%2F`, `%5C`) instead of refusing them. Default `false`. */
  allowEncodedSlashes?: boolean | undefined;
  /** Sent as `x-supertokens-origin-secret` so the origin can refuse traffic that bypassed the front door. */
  originSecret?: string | undefined;
  /** Deadline for the origin's answer (its headers), ms. Default 30000. */
  originTimeoutMs?: number | undefined;
  demoSignIn?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

/** A misconfiguration: the message names the variable and goes to the logs only, never to a client. */
export class FrontDoorConfigError extends TypeError {
  override readonly name = "FrontDoorConfigError";
}

function fail(message: string): never {
  throw new FrontDoorConfigError(`supertokens-edge front door: ${message}`);
}

function bool(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  fail(`${what} must be "true" or "false"`);
}

function positive(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) fail(`${what} must be a positive number`);
  return n;
}

/** Reads the wrangler vars; a misconfiguration is a `FrontDoorConfigError` naming the variable (not its value). */
export function frontDoorOptionsFromEnv(env: FrontDoorEnv, requestOrigin: string): FrontDoorOptions {
  if (!env.SUPERTOKENS_CONNECTION_URI) fail("SUPERTOKENS_CONNECTION_URI is required");
  if (!env.ORIGIN_URL) fail("ORIGIN_URL is required");
  // An empty API_BASE_PATH is a choice, not an absence: it would make every path an auth path (refused later).
  const apiBasePath = env.API_BASE_PATH ?? "/auth";
  const sameSite = env.COOKIE_SAME_SITE ? (env.COOKIE_SAME_SITE.toLowerCase() as CookieSameSite) : undefined;
  const debug =
    env.DEBUG === undefined || env.DEBUG === ""
      ? undefined
      : env.DEBUG === "true" || /com\.supertokens/.test(env.DEBUG);
  return {
    supertokens: {
      connectionURI: env.SUPERTOKENS_CONNECTION_URI,
      apiKey: env.SUPERTOKENS_API_KEY || undefined,
      appInfo: {
        apiDomain: env.API_DOMAIN || requestOrigin,
        websiteDomain: env.WEBSITE_DOMAIN || undefined,
        apiBasePath,
      },
      jwksRefreshIntervalSec: positive(env.JWKS_REFRESH_INTERVAL_SEC, "JWKS_REFRESH_INTERVAL_SEC"),
      cookieSameSite: sameSite,
      cookieSecure: bool(env.COOKIE_SECURE, "COOKIE_SECURE"),
      cookieDomain: env.COOKIE_DOMAIN || undefined,
      antiCsrf: env.ANTI_CSRF ? (env.ANTI_CSRF as AntiCsrfMode) : undefined,
      jwksCache: env.SUPERTOKENS_JWKS,
      debug,
    },
    originURL: env.ORIGIN_URL,
    authOriginURL: env.AUTH_ORIGIN_URL || undefined,
    publicPaths: (env.PUBLIC_PATHS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    allowPublicSite: bool(env.ALLOW_PUBLIC_SITE, "ALLOW_PUBLIC_SITE") === true,
    allowEncodedSlashes: bool(env.ALLOW_ENCODED_SLASHES, "ALLOW_ENCODED_SLASHES") === true,
    originSecret: env.ORIGIN_SECRET || undefined,
    originTimeoutMs: positive(env.ORIGIN_TIMEOUT_MS, "ORIGIN_TIMEOUT_MS"),
    demoSignIn: bool(env.DEMO_SIGN_IN, "DEMO_SIGN_IN") === true,
  };
}

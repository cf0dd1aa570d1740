import type { JwksCacheStore } from "./jwks/cache.js";
import type { SessionClaim, SessionClaimValidator } from "./session/claims.js";

export type AntiCsrfMode = "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE";
export type CookieSameSite = "strict" | "lax" | "none";
export type TokenTransferMethod = "cookie" | "header";

/** What `createSuperTokens` accepts. Every option has the name it has in supertokens-node. */
export interface SuperTokensConfig {
  /** One or more core URLs, `;`-separated (all must share one database), e.g. `http://127.0.0.1:3567`. */
  connectionURI: string;
  /** The core's API key, sent as the `api-key` header. */
  apiKey?: string;
  appInfo: {
    /** Where the backend API (this Worker) is served, e.g. `https://api.example.com`. */
    apiDomain: string;
    /** Where the website is served; default: `apiDomain`. Decides the default SameSite and anti-CSRF mode. */
    websiteDomain?: string;
    /** Default `/auth`. */
    apiBasePath?: string;
    /** A path prefix added by an API gateway in front of this Worker. Default ``. */
    apiGatewayPath?: string;
  };
  /** How long the core's JWKS is trusted before refetching, in seconds. Default 14400 (4 h). Also the KV TTL. */
  jwksRefreshIntervalSec?: number;
  /** Must match how the core signs tokens: `d-` (dynamic) vs `s-` (static) key ids. Default `true`. */
  useDynamicAccessTokenSigningKey?: boolean;
  /** Default: `VIA_CUSTOM_HEADER` when the resolved SameSite is `none`, else `NONE` (decided per request). */
  antiCsrf?: AntiCsrfMode;
  /** A Workers KV namespace (or any object with `get`/`put`) shared by all isolates; default: memory only. */
  jwksCache?: JwksCacheStore;
  /** Injected fetch (tests, custom transports). Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per core call deadline in ms, across all hosts and retries. Default 5000. */
  coreTimeoutMs?: number;
  /** Minimum time between two JWKS refetches caused by an unknown `kid`, in ms. Default 500 (as supertokens-node). */
  jwksCooldownMs?: number;
  /** How many verified tokens to remember until their `exp` (0 disables). Default 1000. */
  verifiedTokenCacheSize?: number;

  // --- HTTP layer (cookies, headers, error answers) ---
  /** Default 401. */
  sessionExpiredStatusCode?: number;
  /** Default 403. */
  invalidClaimStatusCode?: number;
  /** Default: `none` when apiDomain and websiteDomain are on different sites or protocols, else `lax`. */
  cookieSameSite?: CookieSameSite;
  /** Default: `true` when apiDomain is https. */
  cookieSecure?: boolean;
  /** Domain attribute of session cookies, e.g. `.example.com`. Default: none (host-only). */
  cookieDomain?: string;
  /** A domain that previous deployments set cookies on; duplicates there are cleared on refresh. */
  olderCookieDomain?: string;
  /** Path of the access-token cookie. Default `/`. */
  accessTokenPath?: string;
  /** Also send `st-access-token` in cookie mode. Default `false`. */
  exposeAccessTokenToFrontendInCookieBasedAuth?: boolean;
  /** Which transfer methods to accept/emit. Default: `any` (and `st-auth-mode` decides on create). */
  getTokenTransferMethod?: (input: {
    req: Request;
    forCreateNewSession: boolean;
  }) => TokenTransferMethod | "any";
  /** Clock, in ms (tests). Default `Date.now`. */
  now?: () => number;

  // --- Claims (protocol §7) ---
  /**
   * Claims whose values go into every new session's payload, as supertokens-node's recipes add theirs
   * (e.g. `[EmailVerificationClaim]`, `[UserRoleClaim, PermissionClaim]`). Default none.
   */
  claimsAddedOnCreate?: SessionClaim<unknown>[];
  /**
   * The validators every `getSession`/`verifySession` runs, e.g.
   * `() => [EmailVerificationClaim.validators.isVerified()]`. Default none.
   */
  getGlobalClaimValidators?: (input: {
    userId: string;
    recipeUserId: string;
    tenantId: string;
    claimValidatorsAddedByOtherRecipes: SessionClaimValidator[];
  }) => SessionClaimValidator[] | Promise<SessionClaimValidator[]>;
}

export interface ResolvedConfig {
  hosts: { origin: string; basePath: string }[];
  apiKey: string | undefined;
  apiDomain: string;
  websiteDomain: string;
  apiBasePath: string;
  apiGatewayPath: string;
  refreshTokenPath: string;
  issuer: string;
  jwksRefreshIntervalSec: number;
  useDynamicAccessTokenSigningKey: boolean;
  antiCsrf: AntiCsrfMode | undefined;
  jwksCache: JwksCacheStore | undefined;
  fetch: typeof fetch;
  coreTimeoutMs: number;
  jwksCooldownMs: number;
  verifiedTokenCacheSize: number;
  sessionExpiredStatusCode: number;
  invalidClaimStatusCode: number;
  cookieSameSite: CookieSameSite;
  cookieSecure: boolean;
  cookieDomain: string | undefined;
  olderCookieDomain: string | undefined;
  accessTokenPath: string;
  exposeAccessTokenToFrontendInCookieBasedAuth: boolean;
  getTokenTransferMethod: NonNullable<SuperTokensConfig["getTokenTransferMethod"]> | undefined;
  now: () => number;
  claimsAddedOnCreate: SessionClaim<unknown>[];
  getGlobalClaimValidators: SuperTokensConfig["getGlobalClaimValidators"];
}

export const DEFAULTS = {
  apiBasePath: "/auth",
  jwksRefreshIntervalSec: 14400,
  coreTimeoutMs: 5000,
  jwksCooldownMs: 500,
  verifiedTokenCacheSize: 1000,
  sessionExpiredStatusCode: 401,
  invalidClaimStatusCode: 403,
  accessTokenPath: "/",
} as const;

function fail(message: string): never {
  throw new TypeError(`supertokens-edge: ${message}`);
}

function isLocalHostname(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ||
    hostname.startsWith("[")
  );
}

/** `api.example.com` → `https://api.example.com`; keeps only scheme, host and port (as supertokens-node). */
export function normaliseDomain(input: string, what: string): string {
  const trimmed = input.trim();
  if (trimmed === "") fail(`${what} must not be empty`);
  let candidate = trimmed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    const host = candidate.split("/")[0]!.split(":")[0]!;
    candidate = (isLocalHostname(host.toLowerCase()) ? "http://" : "https://") + candidate;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    fail(`${what} is not a valid URL: ${JSON.stringify(input)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`${what} must be http(s): ${input}`);
  return url.origin;
}

/** `auth/` → `/auth`, `/` → `` (as supertokens-node's NormalisedURLPath). */
export function normalisePath(input: string, what: string): string {
  const trimmed = input.trim();
  if (/[?#]/.test(trimmed) || /\s/.test(trimmed)) fail(`${what} must be a plain path: ${JSON.stringify(input)}`);
  const withSlash = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  const noTrailing = withSlash.replace(/\/+$/, "");
  return noTrailing;
}

function normaliseCookieDomain(input: string, what: string): string {
  const trimmed = input.trim().toLowerCase();
  if (trimmed === "") return "";
  const dotted = trimmed.startsWith(".");
  let host = dotted ? trimmed.slice(1) : trimmed;
  host = host.replace(/^[a-z]+:\/\//, "").split("/")[0]!.split(":")[0]!;
  if (!/^[a-z0-9.-]+$/.test(host)) fail(`${what} is not a valid domain: ${JSON.stringify(input)}`);
  return dotted ? `.${host}` : host;
}

function parseHosts(connectionURI: string): ResolvedConfig["hosts"] {
  if (typeof connectionURI !== "string" || connectionURI.trim() === "") fail("connectionURI is required");
  const hosts = connectionURI
    .split(";")
    .map((h) => h.trim())
    .filter((h) => h !== "")
    .map((h) => {
      let url: URL;
      try {
        url = new URL(h);
      } catch {
        fail(`connectionURI entry is not a valid URL: ${JSON.stringify(h)}`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") fail(`connectionURI must be http(s): ${h}`);
      return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
    });
  if (hosts.length === 0) fail("connectionURI is required");
  return hosts;
}

function positiveInt(value: unknown, what: string, min: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    fail(`${what} must be a number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

// A registrable-domain heuristic without shipping the public-suffix list (jose is our only dependency):
// two labels, three under common ccTLD second levels, and the hosting suffixes edge apps live on.
const SECOND_LEVELS = new Set(["co", "com", "net", "org", "ac", "gov", "edu", "or", "ne", "go", "ltd", "plc", "sch"]);
const PRIVATE_SUFFIXES = [
  "workers.dev", "pages.dev", "vercel.app", "netlify.app", "github.io", "herokuapp.com", "fly.dev",
  "onrender.com", "azurewebsites.net", "cloudfront.net", "appspot.com", "web.app", "firebaseapp.com",
  "deno.dev", "up.railway.app",
];

/** The "site" of a URL for SameSite purposes: `localhost` for local hosts, else the registrable domain. */
export function siteOf(origin: string): string {
  const hostname = new URL(origin).hostname.toLowerCase();
  if (isLocalHostname(hostname)) return "localhost";
  for (const suffix of PRIVATE_SUFFIXES) {
    if (hostname.endsWith(`.${suffix}`)) {
      const rest = hostname.slice(0, -suffix.length - 1).split(".");
      return `${rest[rest.length - 1]}.${suffix}`;
    }
  }
  const labels = hostname.split(".");
  if (labels.length <= 2) return hostname;
  const tld = labels[labels.length - 1]!;
  const second = labels[labels.length - 2]!;
  const take = tld.length === 2 && SECOND_LEVELS.has(second) ? 3 : 2;
  return labels.slice(-take).join(".");
}

export function resolveConfig(input: SuperTokensConfig): ResolvedConfig {
  if (input === null || typeof input !== "object") fail("createSuperTokens needs a config object");
  const hosts = parseHosts(input.connectionURI);
  if (input.appInfo === null || typeof input.appInfo !== "object") fail("appInfo is required ({ apiDomain, … })");
  if (typeof input.appInfo.apiDomain !== "string") fail("appInfo.apiDomain is required");
  const apiDomain = normaliseDomain(input.appInfo.apiDomain, "appInfo.apiDomain");
  const websiteDomain =
    input.appInfo.websiteDomain === undefined
      ? apiDomain
      : normaliseDomain(input.appInfo.websiteDomain, "appInfo.websiteDomain");
  const apiBasePath = normalisePath(input.appInfo.apiBasePath ?? DEFAULTS.apiBasePath, "appInfo.apiBasePath");
  const apiGatewayPath = normalisePath(input.appInfo.apiGatewayPath ?? "", "appInfo.apiGatewayPath");

  if (input.antiCsrf !== undefined && !["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"].includes(input.antiCsrf)) {
    fail(`antiCsrf must be "VIA_TOKEN", "VIA_CUSTOM_HEADER" or "NONE", got ${JSON.stringify(input.antiCsrf)}`);
  }
  if (input.cookieSameSite !== undefined && !["strict", "lax", "none"].includes(input.cookieSameSite)) {
    fail(`cookieSameSite must be "strict", "lax" or "none", got ${JSON.stringify(input.cookieSameSite)}`);
  }
  const jwksRefreshIntervalSec = positiveInt(
    input.jwksRefreshIntervalSec ?? DEFAULTS.jwksRefreshIntervalSec,
    "jwksRefreshIntervalSec",
    1,
  );
  const sessionExpiredStatusCode = positiveInt(
    input.sessionExpiredStatusCode ?? DEFAULTS.sessionExpiredStatusCode,
    "sessionExpiredStatusCode",
    400,
  );
  const invalidClaimStatusCode = positiveInt(
    input.invalidClaimStatusCode ?? DEFAULTS.invalidClaimStatusCode,
    "invalidClaimStatusCode",
    400,
  );
  if (sessionExpiredStatusCode === invalidClaimStatusCode) {
    fail("sessionExpiredStatusCode and invalidClaimStatusCode must differ");
  }
  const jwksCache = input.jwksCache;
  if (jwksCache !== undefined && (typeof jwksCache?.get !== "function" || typeof jwksCache?.put !== "function")) {
    fail("jwksCache must be a Workers KV namespace or an object with get(key) and put(key, value, { expirationTtl })");
  }
  const userFetch = input.fetch;
  if (userFetch !== undefined && typeof userFetch !== "function") fail("fetch must be a function");
  const cookieSecure = input.cookieSecure ?? apiDomain.startsWith("https:");
  const sameSiteDefault: CookieSameSite =
    siteOf(apiDomain) !== siteOf(websiteDomain) ||
    new URL(apiDomain).protocol !== new URL(websiteDomain).protocol
      ? "none"
      : "lax";
  const cookieSameSite = input.cookieSameSite ?? sameSiteDefault;
  if (
    input.claimsAddedOnCreate !== undefined &&
    (!Array.isArray(input.claimsAddedOnCreate) || input.claimsAddedOnCreate.some((c) => typeof c?.fetchValue !== "function"))
  ) {
    fail("claimsAddedOnCreate must be an array of claims (e.g. [UserRoleClaim])");
  }
  if (input.getGlobalClaimValidators !== undefined && typeof input.getGlobalClaimValidators !== "function") {
    fail("getGlobalClaimValidators must be a function");
  }
  if (input.getTokenTransferMethod !== undefined && typeof input.getTokenTransferMethod !== "function") {
    fail("getTokenTransferMethod must be a function");
  }

  const refreshTokenPath = `${apiGatewayPath}${apiBasePath}/session/refresh`;
  return {
    hosts,
    apiKey: input.apiKey === undefined || input.apiKey === "" ? undefined : String(input.apiKey),
    apiDomain,
    websiteDomain,
    apiBasePath,
    apiGatewayPath,
    refreshTokenPath,
    issuer: `${apiDomain}${apiGatewayPath}${apiBasePath}`,
    jwksRefreshIntervalSec,
    useDynamicAccessTokenSigningKey: input.useDynamicAccessTokenSigningKey ?? true,
    antiCsrf: input.antiCsrf,
    jwksCache,
    // Workers throw "Illegal invocation" when fetch is called unbound.
    fetch: userFetch ? (req, init) => userFetch(req, init) : (req, init) => globalThis.fetch(req, init),
    coreTimeoutMs: positiveInt(input.coreTimeoutMs ?? DEFAULTS.coreTimeoutMs, "coreTimeoutMs", 1),
    jwksCooldownMs: positiveInt(input.jwksCooldownMs ?? DEFAULTS.jwksCooldownMs, "jwksCooldownMs", 0),
    verifiedTokenCacheSize: positiveInt(
      input.verifiedTokenCacheSize ?? DEFAULTS.verifiedTokenCacheSize,
      "verifiedTokenCacheSize",
      0,
    ),
    sessionExpiredStatusCode,
    invalidClaimStatusCode,
    cookieSameSite,
    cookieSecure,
    cookieDomain: input.cookieDomain === undefined ? undefined : normaliseCookieDomain(input.cookieDomain, "cookieDomain"),
    olderCookieDomain:
      input.olderCookieDomain === undefined
        ? undefined
        : input.olderCookieDomain === ""
          ? ""
          : normaliseCookieDomain(input.olderCookieDomain, "olderCookieDomain"),
    accessTokenPath: normalisePath(input.accessTokenPath ?? DEFAULTS.accessTokenPath, "accessTokenPath") || "/",
    exposeAccessTokenToFrontendInCookieBasedAuth: input.exposeAccessTokenToFrontendInCookieBasedAuth === true,
    getTokenTransferMethod: input.getTokenTransferMethod,
    now: input.now ?? (() => Date.now()),
    claimsAddedOnCreate: input.claimsAddedOnCreate ?? [],
    getGlobalClaimValidators: input.getGlobalClaimValidators,
  };
}

import type { SuperTokensEvent } from "./events.js";
import { isLocalHostname } from "./hosts.js";
import type { JwksCacheStore } from "./jwks/store.js";
import type { SessionClaim, SessionClaimValidator } from "./session/claims.js";

export type AntiCsrfMode = "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE";
export type CookieSameSite = "strict" | "lax" | "none";
export type TokenTransferMethod = "cookie" | "header";

/** What `createSuperTokens` accepts. Every option has the name it has in supertokens-node. */
export interface SuperTokensConfig {
  /** One or more core URLs, `;`-separated (all must share one database), e.g. `http://127.0.0.1:3567`. */
  connectionURI: string;
  /** The core's API key, sent as the `api-key` header. */
  apiKey?: string | undefined;
  appInfo: {
    /** Where the backend API (this Worker) is served, e.g. `https://api.example.com`. */
    apiDomain: string;
    /** Where the website is served; default: `apiDomain`. Decides the default SameSite and anti-CSRF mode. */
    websiteDomain?: string | undefined;
    /** Default `/auth`. */
    apiBasePath?: string | undefined;
    /** A path prefix added by an API gateway in front of this Worker (which strips it). Default ``. */
    apiGatewayPath?: string | undefined;
  };
  /** How long the core's JWKS is trusted before refetching, in seconds. Default 14400 (4 h). Also the KV TTL. */
  jwksRefreshIntervalSec?: number | undefined;
  /** Must match how the core signs tokens: `d-` (dynamic) vs `s-` (static) key ids. Default `true`. */
  useDynamicAccessTokenSigningKey?: boolean | undefined;
  /** Default: `VIA_CUSTOM_HEADER` when the resolved SameSite is `none`, else `NONE`. */
  antiCsrf?: AntiCsrfMode | undefined;
  /** A Workers KV namespace (or any object with `get`/`put`) shared by all isolates; default: memory only. */
  jwksCache?: JwksCacheStore | undefined;
  /** Injected fetch (tests, custom transports). Default: `globalThis.fetch`. */
  fetch?: typeof fetch | undefined;
  /** Per core call deadline in ms, across all hosts and retries. Default 5000. */
  coreTimeoutMs?: number | undefined;
  /** Minimum time between two JWKS refetches caused by an unknown `kid`, in ms. Default 500 (as supertokens-node). */
  jwksCooldownMs?: number | undefined;
  /** How many verified tokens to remember until their `exp` (0 disables). Default 1000. */
  verifiedTokenCacheSize?: number | undefined;

  // --- HTTP layer (cookies, headers, error answers) ---
  /** Status of try-refresh and unauthorised answers, an integer 400–599. Default 401. */
  sessionExpiredStatusCode?: number | undefined;
  /** Status of invalid-claim answers, an integer 400–599. Default 403. */
  invalidClaimStatusCode?: number | undefined;
  /** Default: `none` when apiDomain and websiteDomain are on different sites or protocols, else `lax`. */
  cookieSameSite?: CookieSameSite | undefined;
  /** Default: `true` when apiDomain is https. */
  cookieSecure?: boolean | undefined;
  /** Domain attribute of session cookies, e.g. `.example.com`. Default: none (host-only). */
  cookieDomain?: string | undefined;
  /** A domain that previous deployments set cookies on; duplicates there are cleared on refresh. */
  olderCookieDomain?: string | undefined;
  /** Path of the access-token cookie. Default `/`. */
  accessTokenPath?: string | undefined;
  /** Also send `st-access-token` in cookie mode. Default `false`. */
  exposeAccessTokenToFrontendInCookieBasedAuth?: boolean | undefined;
  /** Which transfer methods to accept/emit. Default: `any` (and `st-auth-mode` decides on create). */
  getTokenTransferMethod?:
    | ((input: { req: Request; forCreateNewSession: boolean }) => TokenTransferMethod | "any")
    | undefined;
  /** Clock, in ms (tests). Default `Date.now`. */
  now?: (() => number) | undefined;

  // --- Claims ---
  /**
   * Claims whose values go into every new session's payload, as supertokens-node's recipes add theirs
   * (e.g. `[EmailVerificationClaim]`, `[UserRoleClaim, PermissionClaim]`). Default none.
   */
  claimsAddedOnCreate?: SessionClaim<unknown>[] | undefined;
  /**
   * The validators every `getSession`/`verifySession` runs, e.g.
   * `() => [EmailVerificationClaim.validators.isVerified()]`. Default none.
   */
  getGlobalClaimValidators?:
    | ((input: {
        userId: string;
        recipeUserId: string;
        tenantId: string;
        claimValidatorsAddedByOtherRecipes: SessionClaimValidator[];
      }) => SessionClaimValidator[] | Promise<SessionClaimValidator[]>)
    | undefined;

  // --- Observability ---
  /** Receives every decision (with its reason), every core call and every JWKS load. Default none (zero cost). */
  onEvent?: ((event: SuperTokensEvent) => void) | undefined;
  /** Logs every event with `console.debug` (supertokens-node's `DEBUG=com.supertokens` also turns it on). */
  debug?: boolean | undefined;
}

export interface ResolvedConfig {
  readonly hosts: readonly { origin: string; basePath: string }[];
  readonly apiKey: string | undefined;
  readonly apiDomain: string;
  readonly websiteDomain: string;
  /** Normalised: a leading `/`, no trailing `/`; `` for `/`. */
  readonly apiBasePath: string;
  readonly apiGatewayPath: string;
  /** The refresh cookie's path: `apiGatewayPath + apiBasePath + /session/refresh`. */
  readonly refreshTokenPath: string;
  readonly issuer: string;
  readonly jwksRefreshIntervalSec: number;
  readonly useDynamicAccessTokenSigningKey: boolean;
  /** The configured mode; `undefined` means "decided by SameSite" (see session/anti-csrf.ts). */
  readonly antiCsrf: AntiCsrfMode | undefined;
  readonly jwksCache: JwksCacheStore | undefined;
  readonly fetch: typeof fetch;
  readonly coreTimeoutMs: number;
  readonly jwksCooldownMs: number;
  readonly verifiedTokenCacheSize: number;
  readonly sessionExpiredStatusCode: number;
  readonly invalidClaimStatusCode: number;
  readonly cookieSameSite: CookieSameSite;
  readonly cookieSecure: boolean;
  readonly cookieDomain: string | undefined;
  readonly olderCookieDomain: string | undefined;
  readonly accessTokenPath: string;
  readonly exposeAccessTokenToFrontendInCookieBasedAuth: boolean;
  readonly getTokenTransferMethod: SuperTokensConfig["getTokenTransferMethod"];
  readonly now: () => number;
  readonly claimsAddedOnCreate: readonly SessionClaim<unknown>[];
  readonly getGlobalClaimValidators: SuperTokensConfig["getGlobalClaimValidators"];
  readonly onEvent: SuperTokensConfig["onEvent"];
  readonly debug: boolean | undefined;
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

/** A value for an error message: short, never throwing (BigInt, cycles), NaN as NaN. */
function show(v: unknown): string {
  if (typeof v === "function") return "a function";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" || v === undefined || v === null) {
    return typeof v === "bigint" ? `${v}n` : String(v);
  }
  if (typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) {
    return `a ${(v as object).constructor?.name ?? "object"} object`;
  }
  try {
    const text = JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  } catch {
    return `a ${typeof v}`;
  }
}

/** Options whose values are secrets: named in messages, never shown. */
const SECRET = new Set(["apiKey"]);

function optionalOf<T>(value: T | undefined, what: string, type: "string" | "boolean" | "function"): T | undefined {
  if (value !== undefined && typeof value !== type) {
    fail(
      `${what} must be a ${type}, got ${SECRET.has(what) ? `a ${Array.isArray(value) ? "array" : typeof value}` : show(value)}`,
    );
  }
  return value;
}

function numberIn(value: unknown, what: string, min: number, max: number, integer: boolean): number {
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `from ${min} to ${max}`;
    fail(`${what} must be ${integer ? "an integer" : "a number"} ${range}, got ${show(value)}`);
  }
  return value;
}

function oneOf<T extends string>(
  value: unknown,
  what: string,
  allowed: readonly T[],
  caseInsensitive = false,
): T | undefined {
  if (value === undefined) return undefined;
  const v = caseInsensitive && typeof value === "string" ? value.toLowerCase() : value;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    const list = allowed.map((a) => `"${a}"`);
    fail(`${what} must be one of ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}, got ${show(value)}`);
  }
  return v as T;
}

/** `api.example.com` → `https://api.example.com`; keeps only scheme, host and port (as supertokens-node). */
export function normaliseDomain(input: unknown, what: string): string {
  if (typeof input !== "string") fail(`${what} must be a string, got ${show(input)}`);
  const trimmed = input.trim();
  if (trimmed === "") fail(`${what} must not be empty`);
  let candidate = trimmed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) {
    const host = candidate.split("/")[0]!.split(":")[0]!;
    candidate = (isLocalHostname(host) ? "http://" : "https://") + candidate;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    fail(`${what} is not a valid URL: ${show(input)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") fail(`${what} must be http(s), got ${show(input)}`);
  return url.origin;
}

/** `auth/` → `/auth`, `/` → `` (as supertokens-node's NormalisedURLPath). */
export function normalisePath(input: unknown, what: string): string {
  if (typeof input !== "string") fail(`${what} must be a string, got ${show(input)}`);
  const trimmed = input.trim();
  if (/[?#%\\]/.test(trimmed) || /\s/.test(trimmed)) fail(`${what} must be a plain path, got ${show(input)}`);
  const withSlash = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  if (withSlash.split("/").some((s) => s === "." || s === ".."))
    fail(`${what} must not contain dot segments, got ${show(input)}`);
  return withSlash.replace(/\/+$/, "");
}

function normaliseCookieDomain(input: unknown, what: string): string {
  if (typeof input !== "string") fail(`${what} must be a string, got ${show(input)}`);
  const trimmed = input.trim().toLowerCase();
  if (trimmed === "") return "";
  const dotted = trimmed.startsWith(".");
  let host = dotted ? trimmed.slice(1) : trimmed;
  host = host
    .replace(/^[a-z]+:\/\//, "")
    .split("/")[0]!
    .split(":")[0]!;
  if (!/^[a-z0-9.-]+$/.test(host)) fail(`${what} is not a valid domain, got ${show(input)}`);
  return dotted ? `.${host}` : host;
}

function parseHosts(connectionURI: unknown): ResolvedConfig["hosts"] {
  if (typeof connectionURI !== "string" || connectionURI.trim() === "") fail("connectionURI is required (a string)");
  const hosts = connectionURI
    .split(";")
    .map((h) => h.trim())
    .filter((h) => h !== "")
    .map((h) => {
      let url: URL;
      try {
        url = new URL(h);
      } catch {
        // Never echo the entry: a connection URI can carry credentials.
        fail("connectionURI has an entry that is not a valid URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") fail("connectionURI entries must be http(s) URLs");
      return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, "") };
    });
  if (hosts.length === 0) fail("connectionURI is required (a string)");
  return hosts;
}

// A registrable-domain heuristic without shipping the public-suffix list (jose is our only dependency):
// two labels, three under common ccTLD second levels, and the hosting suffixes edge apps live on.
const SECOND_LEVELS = new Set(["co", "com", "net", "org", "ac", "gov", "edu", "or", "ne", "go", "ltd", "plc", "sch"]);
const PRIVATE_SUFFIXES = [
  "a.run.app",
  "azurestaticapps.net",
  "amplifyapp.com",
  "cloudfunctions.net",
  "workers.dev",
  "pages.dev",
  "vercel.app",
  "netlify.app",
  "github.io",
  "herokuapp.com",
  "fly.dev",
  "onrender.com",
  "azurewebsites.net",
  "cloudfront.net",
  "appspot.com",
  "web.app",
  "firebaseapp.com",
  "deno.dev",
  "up.railway.app",
];

/** The "site" of a URL for SameSite purposes: `localhost` for local hosts, else the registrable domain. */
export function siteOf(origin: string): string {
  const hostname = new URL(origin).hostname.toLowerCase();
  if (isLocalHostname(hostname)) return "localhost";
  // Every AWS service host is its own site (the public-suffix list has one entry per service and region).
  if (hostname.endsWith(".amazonaws.com")) return hostname;
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

/** Validates every option once (a `TypeError` naming the option) and fills in the defaults. */
export function resolveConfig(input: SuperTokensConfig): ResolvedConfig {
  if (input === null || typeof input !== "object") fail("createSuperTokens needs a config object");
  const hosts = parseHosts(input.connectionURI);
  const apiKey = optionalOf(input.apiKey, "apiKey", "string");
  const appInfo = input.appInfo;
  if (appInfo === null || typeof appInfo !== "object") fail("appInfo is required ({ apiDomain, … })");
  if (appInfo.apiDomain === undefined) fail("appInfo.apiDomain is required");
  const apiDomain = normaliseDomain(appInfo.apiDomain, "appInfo.apiDomain");
  const websiteDomain =
    appInfo.websiteDomain === undefined ? apiDomain : normaliseDomain(appInfo.websiteDomain, "appInfo.websiteDomain");
  const apiBasePath = normalisePath(appInfo.apiBasePath ?? DEFAULTS.apiBasePath, "appInfo.apiBasePath");
  const apiGatewayPath = normalisePath(appInfo.apiGatewayPath ?? "", "appInfo.apiGatewayPath");

  const antiCsrf = oneOf(input.antiCsrf, "antiCsrf", ["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"] as const);
  // Case-insensitive, as supertokens-node (`"Lax"` works).
  const sameSite = oneOf(input.cookieSameSite, "cookieSameSite", ["strict", "lax", "none"] as const, true);
  const jwksRefreshIntervalSec = numberIn(
    input.jwksRefreshIntervalSec ?? DEFAULTS.jwksRefreshIntervalSec,
    "jwksRefreshIntervalSec",
    1,
    Number.POSITIVE_INFINITY,
    false,
  );
  const sessionExpiredStatusCode = numberIn(
    input.sessionExpiredStatusCode ?? DEFAULTS.sessionExpiredStatusCode,
    "sessionExpiredStatusCode",
    400,
    599,
    true,
  );
  const invalidClaimStatusCode = numberIn(
    input.invalidClaimStatusCode ?? DEFAULTS.invalidClaimStatusCode,
    "invalidClaimStatusCode",
    400,
    599,
    true,
  );
  if (sessionExpiredStatusCode === invalidClaimStatusCode) {
    fail("sessionExpiredStatusCode and invalidClaimStatusCode must differ");
  }
  const jwksCache = input.jwksCache;
  if (jwksCache !== undefined && (typeof jwksCache?.get !== "function" || typeof jwksCache?.put !== "function")) {
    fail("jwksCache must be a Workers KV namespace or an object with get(key) and put(key, value, { expirationTtl })");
  }
  const userFetch = optionalOf(input.fetch, "fetch", "function");
  const useDynamic = optionalOf(input.useDynamicAccessTokenSigningKey, "useDynamicAccessTokenSigningKey", "boolean");
  const cookieSecure = optionalOf(input.cookieSecure, "cookieSecure", "boolean") ?? apiDomain.startsWith("https:");
  const expose = optionalOf(
    input.exposeAccessTokenToFrontendInCookieBasedAuth,
    "exposeAccessTokenToFrontendInCookieBasedAuth",
    "boolean",
  );
  const sameSiteDefault: CookieSameSite =
    siteOf(apiDomain) !== siteOf(websiteDomain) || new URL(apiDomain).protocol !== new URL(websiteDomain).protocol
      ? "none"
      : "lax";
  const claims = input.claimsAddedOnCreate;
  if (
    claims !== undefined &&
    (!Array.isArray(claims) ||
      claims.some((c) => typeof c?.fetchValue !== "function" || typeof c?.addToPayload !== "function"))
  ) {
    fail("claimsAddedOnCreate must be an array of claims (e.g. [UserRoleClaim])");
  }
  const now = optionalOf(input.now, "now", "function");

  return {
    hosts,
    apiKey: apiKey === "" ? undefined : apiKey,
    apiDomain,
    websiteDomain,
    apiBasePath,
    apiGatewayPath,
    refreshTokenPath: `${apiGatewayPath}${apiBasePath}/session/refresh`,
    issuer: `${apiDomain}${apiGatewayPath}${apiBasePath}`,
    jwksRefreshIntervalSec,
    useDynamicAccessTokenSigningKey: useDynamic ?? true,
    antiCsrf,
    jwksCache,
    // Workers throw "Illegal invocation" when fetch is called unbound.
    fetch: userFetch ? (req, init) => userFetch(req, init) : (req, init) => globalThis.fetch(req, init),
    coreTimeoutMs: numberIn(
      input.coreTimeoutMs ?? DEFAULTS.coreTimeoutMs,
      "coreTimeoutMs",
      1,
      Number.POSITIVE_INFINITY,
      false,
    ),
    jwksCooldownMs: numberIn(
      input.jwksCooldownMs ?? DEFAULTS.jwksCooldownMs,
      "jwksCooldownMs",
      0,
      Number.POSITIVE_INFINITY,
      false,
    ),
    verifiedTokenCacheSize: numberIn(
      input.verifiedTokenCacheSize ?? DEFAULTS.verifiedTokenCacheSize,
      "verifiedTokenCacheSize",
      0,
      Number.POSITIVE_INFINITY,
      true,
    ),
    sessionExpiredStatusCode,
    invalidClaimStatusCode,
    cookieSameSite: sameSite ?? sameSiteDefault,
    cookieSecure,
    cookieDomain:
      input.cookieDomain === undefined ? undefined : normaliseCookieDomain(input.cookieDomain, "cookieDomain"),
    olderCookieDomain:
      input.olderCookieDomain === undefined
        ? undefined
        : normaliseCookieDomain(input.olderCookieDomain, "olderCookieDomain"),
    accessTokenPath: normalisePath(input.accessTokenPath ?? DEFAULTS.accessTokenPath, "accessTokenPath") || "/",
    exposeAccessTokenToFrontendInCookieBasedAuth: expose === true,
    getTokenTransferMethod: optionalOf(input.getTokenTransferMethod, "getTokenTransferMethod", "function"),
    now: now ? () => now() : () => Date.now(),
    claimsAddedOnCreate: claims ?? [],
    getGlobalClaimValidators: optionalOf(input.getGlobalClaimValidators, "getGlobalClaimValidators", "function"),
    onEvent: optionalOf(input.onEvent, "onEvent", "function"),
    debug: optionalOf(input.debug, "debug", "boolean"),
  };
}

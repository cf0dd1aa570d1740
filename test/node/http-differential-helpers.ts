// HTTP-level differential testing: the official supertokens-node 24.0.3 (through its fetch-style integration,
// `supertokens-node/custom`) and our engine answer the same requests against the same core emulator, and their
// Responses are reduced to what the frontend SDKs see (status, JSON body, Set-Cookie lines, session headers).
//
// supertokens-node (test/node/helpers/supertokens-node.ts) is a CommonJS singleton: each test file (own process,
// see vitest.node.config.ts) runs `describeDifferential(…)` once. HTTP_DIFF_DUMP=1 prints the SDK's observed steps
// of every scenario.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSuperTokens,
  EmailVerificationClaim,
  type JsonObject,
  type SessionClaimValidator,
  type SuperTokensEdge,
} from "../../src/index.js";
import { startCoreEmulator, type CoreEmulator, type UserOptions } from "../emulator/core.mjs";
import * as sdk from "./helpers/supertokens-node.js";
import { jwtPayload } from "./helpers/tokens.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const supertokens: any = sdk.supertokens;
const NodeSession: any = sdk.NodeSessionApi;
const nodeCustom: any = sdk.nodeCustom;
const NodeEmailVerification: any = sdk.NodeEmailVerification;

export const API = sdk.API_DOMAIN;
export const ONE_YEAR_MS = 31536000000;
export const EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT";
/** Tolerance for expiry dates (cookie dates have 1 s resolution; the two sides run a few ms apart). */
const DATE_TOLERANCE_MS = 5000;
/** Tolerance for the age of a claim value (`now - t`) in the front token: enough to tell a refetch from a kept value. */
const CLAIM_AGE_TOLERANCE_MS = 2000;

// ------------------------------------------------------------------ configs

export interface DiffConfig {
  websiteDomain: string;
  antiCsrf?: "VIA_TOKEN" | "NONE" | "VIA_CUSTOM_HEADER";
  /** Adds the global claim validator `not-blocked` on both sides (403 for sessions whose payload has blocked: true). */
  blockedValidator?: boolean;
  /**
   * Email verification required: supertokens-node gets `EmailVerification.init({ mode: "REQUIRED" })` (its claim goes
   * into every new session and `isVerified()` becomes a global validator); ours gets the same claim on create and
   * `getGlobalClaimValidators: () => [EmailVerificationClaim.validators.isVerified()]`. Signing in then needs the
   * user in the emulator (`Run.user`).
   */
  emailVerification?: true;
}

/**
 * One validator object both engines accept: supertokens-node's `SessionClaimValidator` shape without a claim
 * (never refetched) is also ours.
 */
export const notBlocked: SessionClaimValidator = {
  id: "not-blocked",
  shouldRefetch: () => false,
  validate: async (payload) =>
    payload.blocked === true
      ? { isValid: false, reason: { message: "blocked", actualValue: true } }
      : { isValid: true },
};

// ------------------------------------------------------------------ drivers: same calls, two engines

export interface VerifyOptions {
  sessionRequired?: boolean;
  antiCsrfCheck?: boolean;
  checkDatabase?: boolean;
  /**
   * Replaces the global validators of this route by `EmailVerificationClaim.validators.isVerified(
   * refetchTimeOnFalseInSeconds, maxAgeInSeconds)`, each side with its own claim.
   */
  isVerified?: { refetchTimeOnFalseInSeconds?: number; maxAgeInSeconds?: number };
}

function isVerifiedOverride(
  claim: { validators: { isVerified(a?: number, b?: number): unknown } },
  options: VerifyOptions | undefined,
) {
  const v = options?.isVerified;
  if (v === undefined) return {};
  return {
    overrideGlobalClaimValidators: () => [
      claim.validators.isVerified(v.refetchTimeOnFalseInSeconds, v.maxAgeInSeconds),
    ],
  };
}

function withoutTestOptions(options: VerifyOptions | undefined) {
  if (options === undefined) return undefined;
  const { isVerified: _, ...rest } = options;
  return rest;
}

export type Engine = "sdk" | "ours";

/** The three things an app does with a request; each side answers with a complete fetch Response. */
export interface Driver {
  readonly name: Engine;
  /** Sign-in: creates a session for `userId` and returns `200 {"userId"}` carrying the tokens. */
  create(req: Request, userId: string, payload?: Record<string, unknown>): Promise<Response>;
  /** A protected API: `200 {"userId","tenantId"}` (or `{"session":null}` when optional), else the SDK's error answer. */
  verify(req: Request, options?: VerifyOptions): Promise<Response>;
  /** The auth middleware (`/auth/session/refresh`, `/auth/signout`); 404 when not handled. */
  auth(req: Request): Promise<Response>;
}

const sessionBody = (s: { getUserId(): string; getTenantId(): string } | undefined) =>
  s === undefined ? { session: null } : { userId: s.getUserId(), tenantId: s.getTenantId() };

function sdkDriver(): Driver {
  const handleAuth: (req: Request) => Promise<Response> = nodeCustom.handleAuthAPIRequest();
  return {
    name: "sdk",
    create: (req, userId, payload) =>
      nodeCustom.withPreParsedRequestResponse(req, async (baseReq: unknown, baseRes: unknown) => {
        const s = await NodeSession.createNewSession(
          baseReq,
          baseRes,
          "public",
          supertokens.convertToRecipeUserId(userId),
          payload,
        );
        return Response.json({ userId: s.getUserId() });
      }),
    verify: (req, options) =>
      nodeCustom.withSession(
        req,
        async (err: unknown, s: any) => {
          // withSession answers session errors itself; `err` is only what its error handler could not answer.
          if (err !== undefined) return Response.json({ thrown: String(err) }, { status: 500 });
          return Response.json(sessionBody(s));
        },
        options === undefined
          ? undefined
          : {
              ...withoutTestOptions(options),
              ...isVerifiedOverride(NodeEmailVerification.EmailVerificationClaim, options),
            },
      ),
    auth: (req) => handleAuth(req),
  };
}

function oursDriver(st: SuperTokensEdge): Driver {
  return {
    name: "ours",
    create: async (req, userId, payload) => {
      const created = await st.createNewSession(req, "public", userId, payload as JsonObject | undefined);
      return created.applyTo(Response.json({ userId: created.session!.getUserId() }));
    },
    verify: async (req, options) => {
      let r: Awaited<ReturnType<SuperTokensEdge["getSession"]>>;
      try {
        r = await st.getSession(
          req,
          options === undefined
            ? undefined
            : ({ ...withoutTestOptions(options), ...isVerifiedOverride(EmailVerificationClaim, options) } as Parameters<
                SuperTokensEdge["getSession"]
              >[1]),
        );
      } catch (err) {
        // What the SDK's withSession hands its callback: an error that is not a session outcome (a bug, or a
        // claim fetch that threw) is the app's to answer; the SDK side answers it 500 the same way.
        return Response.json({ thrown: String(err) }, { status: 500 });
      }
      if (r.status !== "OK") return r.response;
      return r.applyTo(Response.json(sessionBody(r.session)));
    },
    auth: async (req) => (await st.handleAuthRequest(req)) ?? new Response("Not found", { status: 404 }),
  };
}

/**
 * What a framework does with an exception the session layer does not answer (the SDK throws plain Errors, e.g.
 * for duplicate cookies without olderCookieDomain): a 500 carrying the message. Applied to both sides alike.
 */
function framework(d: Driver): Driver {
  const guard =
    <A extends unknown[]>(f: (...a: A) => Promise<Response>) =>
    async (...a: A): Promise<Response> => {
      try {
        return await f(...a);
      } catch (e) {
        return Response.json({ message: String((e as Error)?.message ?? e) }, { status: 500 });
      }
    };
  return { name: d.name, create: guard(d.create), verify: guard(d.verify), auth: guard(d.auth) };
}

export interface DiffEnv {
  emu: CoreEmulator;
  st: SuperTokensEdge;
  drivers: Record<Engine, Driver>;
  close(): Promise<void>;
}

/** Starts the emulator and initialises supertokens-node and our engine with the same settings. */
export async function setupDifferential(config: DiffConfig): Promise<DiffEnv> {
  const emu = await startCoreEmulator();
  sdk.bootNodeSdk({
    framework: "custom",
    connectionURI: emu.url,
    websiteDomain: config.websiteDomain,
    recipeList: [
      NodeSession.init({
        ...(config.antiCsrf === undefined ? {} : { antiCsrf: config.antiCsrf }),
        override: {
          functions: (oi: any) => ({
            ...oi,
            getGlobalClaimValidators: (input: any) =>
              config.blockedValidator
                ? [...input.claimValidatorsAddedByOtherRecipes, notBlocked]
                : input.claimValidatorsAddedByOtherRecipes,
          }),
        },
      }),
      ...(config.emailVerification ? [NodeEmailVerification.init({ mode: "REQUIRED" })] : []),
    ],
  });
  const ours: SessionClaimValidator[] = [
    ...(config.emailVerification ? [EmailVerificationClaim.validators.isVerified()] : []),
    ...(config.blockedValidator ? [notBlocked] : []),
  ];
  const st = createSuperTokens({
    connectionURI: emu.url,
    appInfo: { apiDomain: API, websiteDomain: config.websiteDomain, apiBasePath: "/auth" },
    ...(config.antiCsrf === undefined ? {} : { antiCsrf: config.antiCsrf }),
    ...(config.emailVerification ? { claimsAddedOnCreate: [EmailVerificationClaim] } : {}),
    ...(ours.length > 0
      ? {
          getGlobalClaimValidators: ({ claimValidatorsAddedByOtherRecipes }) => [
            ...claimValidatorsAddedByOtherRecipes,
            ...ours,
          ],
        }
      : {}),
  });
  return {
    emu,
    st,
    drivers: { sdk: framework(sdkDriver()), ours: framework(oursDriver(st)) },
    close: () => emu.close(),
  };
}

// ------------------------------------------------------------------ the browser + frontend SDK

export type Carrier = "cookie" | "header";

export interface ReqOpts {
  method?: string;
  /** Where the session token goes: the client's mode (default), both, or nowhere. */
  send?: Carrier | "both" | "none";
  /** Send the stored anti-csrf token (default true, as supertokens-website), a literal value, or nothing. */
  antiCsrf?: boolean | string;
  /** `rid` header; default as supertokens-website (`anti-csrf` on API calls, `session` on refresh/sign-out); null = none. */
  rid?: string | null;
  /** `st-auth-mode` header. */
  authMode?: string;
  /** Raw Cookie header instead of the jar's cookies. */
  cookie?: string;
  /** Appended to the Cookie header. */
  extraCookies?: string;
  /** Raw Authorization header instead of `Bearer <stored token>`. */
  authorization?: string;
}

/**
 * What supertokens-website + the browser keep for one user: the cookie jar (with cookie paths), the stored
 * header-mode tokens, the anti-CSRF token and the front token.
 */
export class Client {
  jar = new Map<string, { value: string; path: string }>();
  accessToken: string | undefined;
  refreshToken: string | undefined;
  antiCsrf: string | undefined;
  frontToken: string | undefined;

  constructor(readonly mode: Carrier) {}

  clone(): Client {
    const c = new Client(this.mode);
    c.jar = new Map(this.jar);
    Object.assign(c, {
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      antiCsrf: this.antiCsrf,
      frontToken: this.frontToken,
    });
    return c;
  }

  absorb(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(/;\s*/);
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      if (value === "" || line.includes(EPOCH)) this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
    const at = res.headers.get("st-access-token");
    if (at !== null) this.accessToken = at === "" ? undefined : at;
    const rt = res.headers.get("st-refresh-token");
    if (rt !== null) this.refreshToken = rt === "" ? undefined : rt;
    const ac = res.headers.get("anti-csrf");
    if (ac !== null) this.antiCsrf = ac;
    const ft = res.headers.get("front-token");
    if (ft === "remove") {
      this.frontToken = this.accessToken = this.refreshToken = this.antiCsrf = undefined;
    } else if (ft !== null) {
      this.frontToken = ft;
    }
  }

  /** The current access token (header-stored, else the cookie). */
  currentAccessToken(): string | undefined {
    const c = this.jar.get("sAccessToken")?.value;
    return this.accessToken ?? (c === undefined ? undefined : decodeURIComponent(c));
  }

  /** Puts `token` where this client keeps its access token (cookie jar or header storage). */
  setAccessToken(token: string): void {
    if (this.mode === "cookie") this.jar.set("sAccessToken", { value: token, path: "/" });
    else this.accessToken = token;
  }

  /** The payload of the current access token. */
  payload(): Record<string, unknown> {
    const token = this.currentAccessToken();
    if (token === undefined) throw new Error("client has no access token");
    return jwtPayload(token);
  }

  /** The session handle in the current access token's payload. */
  handle(): string {
    return this.payload().sessionHandle as string;
  }

  request(path: string, o: ReqOpts = {}): Request {
    const isRefresh = path.endsWith("/session/refresh");
    const isAuthApi = path.startsWith("/auth/");
    const send = o.send ?? this.mode;
    const h = new Headers();
    const cookies: string[] = [];
    if (o.cookie !== undefined) cookies.push(o.cookie);
    else if (send === "cookie" || send === "both") {
      for (const [name, c] of this.jar) if (path.startsWith(c.path)) cookies.push(`${name}=${c.value}`);
    }
    if (o.extraCookies !== undefined) cookies.push(o.extraCookies);
    if (cookies.length > 0) h.set("cookie", cookies.join("; "));
    if (o.authorization !== undefined) h.set("authorization", o.authorization);
    else if (send === "header" || send === "both") {
      const token = isRefresh ? this.refreshToken : this.accessToken;
      if (token !== undefined) h.set("authorization", `Bearer ${token}`);
    }
    const anti = o.antiCsrf ?? true;
    if (typeof anti === "string") h.set("anti-csrf", anti);
    else if (anti && this.antiCsrf !== undefined) h.set("anti-csrf", this.antiCsrf);
    const rid = o.rid === undefined ? (isAuthApi ? "session" : "anti-csrf") : o.rid;
    if (rid !== null) h.set("rid", rid);
    if (o.authMode !== undefined) h.set("st-auth-mode", o.authMode);
    return new Request(`${API}${path}`, { method: o.method ?? "POST", headers: h });
  }
}

// ------------------------------------------------------------------ what is compared

export interface Observed {
  label: string;
  status: number;
  contentType: string | null;
  body: unknown;
  /** Set-Cookie lines with token values → `<token>` and non-epoch dates → `<date>`. */
  setCookie: string[];
  /** `null` (absent), `"remove"`, or the decoded token with volatile values replaced by their type. */
  frontToken: null | "remove" | { uid: string; up: Record<string, unknown>; base64: boolean };
  /** absent | echo (same as the request's anti-csrf) | new */
  antiCsrf: "absent" | "echo" | "new";
  stAccessToken: "absent" | "empty" | "set";
  stRefreshToken: "absent" | "empty" | "set";
  exposeHeaders: string | null;
  /** Facts a scenario asserts about the core (e.g. session revoked). */
  facts?: Record<string, unknown>;
}

/** Compared with tolerance, not exactly. */
interface Approx {
  /** When the response was observed (ms). */
  at: number;
  /** The raw Set-Cookie lines (their non-epoch Expires dates are compared with tolerance). */
  rawSetCookie: string[];
  ate: number | undefined;
  cacheControl: string | null;
  /** `at - t` of each claim value (`{v, t}`) in the front token's payload, by claim key. */
  claimAges: Record<string, number>;
}

export interface Trace {
  engine: Engine;
  steps: Observed[];
  approx: Approx[];
}

const VOLATILE_UP = new Set([
  "exp",
  "iat",
  "sessionHandle",
  "refreshTokenHash1",
  "parentRefreshTokenHash1",
  "antiCsrfToken",
]);
const typeOf = (v: unknown) => (v === null ? "<null>" : `<${typeof v}>`);

/** A session claim's payload entry (`{ v: value, t: fetchedAtMs }`, as src/session/claims.ts writes it). */
function isClaimEntry(x: unknown): x is { v: unknown; t: number } {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x).sort();
  return keys.length === 2 && keys[0] === "t" && keys[1] === "v" && typeof (x as { t: unknown }).t === "number";
}

function headerState(v: string | null): "absent" | "empty" | "set" {
  return v === null ? "absent" : v === "" ? "empty" : "set";
}

export async function observe(
  label: string,
  req: Request,
  res: Response,
): Promise<{ observed: Observed; approx: Approx }> {
  const text = await res.clone().text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  const setCookie = res.headers.getSetCookie().map((line) => {
    const eq = line.indexOf("=");
    const name = line.slice(0, eq);
    const semi = line.indexOf(";");
    const value = line.slice(eq + 1, semi < 0 ? undefined : semi);
    let rest = semi < 0 ? "" : line.slice(semi);
    rest = rest.replace(/Expires=([^;]+)/, (_m, d: string) => {
      if (d === EPOCH) return `Expires=${EPOCH}`;
      return "Expires=<date>";
    });
    // The value itself differs per session; its encoding must be the SDK's (cookie.serialize → encodeURIComponent).
    let canonical = false;
    try {
      canonical = encodeURIComponent(decodeURIComponent(value)) === value;
    } catch {
      // malformed escape
    }
    return `${name}=${value === "" ? "" : canonical ? "<token>" : "<non-canonical token>"}${rest}`;
  });
  const ft = res.headers.get("front-token");
  let frontToken: Observed["frontToken"] = null;
  let ate: number | undefined;
  const at = Date.now();
  const claimAges: Record<string, number> = {};
  if (ft === "remove") frontToken = "remove";
  else if (ft !== null) {
    const decoded = JSON.parse(Buffer.from(ft, "base64").toString("utf8")) as {
      uid: string;
      ate: number;
      up: Record<string, unknown>;
    };
    expect(Object.keys(decoded), `${label}: front-token key order`).toEqual(["uid", "ate", "up"]);
    ate = decoded.ate;
    const up: Record<string, unknown> = {};
    for (const k of Object.keys(decoded.up).sort()) {
      const v = decoded.up[k];
      if (isClaimEntry(v)) {
        // The fetch time differs per run; its age (compared with tolerance) tells whether the value was refetched.
        claimAges[k] = at - v.t;
        up[k] = { v: v.v, t: "<number>" };
      } else up[k] = VOLATILE_UP.has(k) ? typeOf(v) : v;
    }
    // standard base64 alphabet with padding, as the SDK (frontends decode it with atob)
    frontToken = { uid: decoded.uid, up, base64: /^[A-Za-z0-9+/]*={0,2}$/.test(ft) && ft.length % 4 === 0 };
  }
  const ac = res.headers.get("anti-csrf");
  return {
    observed: {
      label,
      status: res.status,
      contentType: res.headers.get("content-type"),
      body,
      setCookie,
      frontToken,
      antiCsrf: ac === null ? "absent" : ac === req.headers.get("anti-csrf") ? "echo" : "new",
      stAccessToken: headerState(res.headers.get("st-access-token")),
      stRefreshToken: headerState(res.headers.get("st-refresh-token")),
      exposeHeaders: res.headers.get("access-control-expose-headers"),
    },
    approx: {
      at,
      rawSetCookie: res.headers.getSetCookie(),
      ate,
      cacheControl: res.headers.get("cache-control"),
      claimAges,
    },
  };
}

// ------------------------------------------------------------------ scenarios

/** One engine's run of a scenario: calls the driver, records what came back, and keeps the client in sync. */
export class Run {
  readonly trace: Trace;
  constructor(
    readonly d: Driver,
    readonly env: DiffEnv,
  ) {
    this.trace = { engine: d.name, steps: [], approx: [] };
  }

  private async record(label: string, req: Request, res: Response, client?: Client): Promise<Response> {
    const { observed, approx } = await observe(label, req, res);
    this.trace.steps.push(observed);
    this.trace.approx.push(approx);
    client?.absorb(res);
    return res;
  }

  /** Sign-in; `authMode` undefined = no `st-auth-mode` header. */
  async create(
    label: string,
    c: Client,
    o: { authMode?: string; userId?: string; payload?: Record<string, unknown>; req?: ReqOpts } = {},
  ) {
    const req = c.request("/signin", { send: "none", ...o.req, authMode: o.authMode });
    return this.record(label, req, await this.d.create(req, o.userId ?? "user-1", o.payload), c);
  }

  async verify(label: string, c: Client, o: ReqOpts = {}, options?: VerifyOptions) {
    const req = c.request("/me", { method: "POST", ...o });
    return this.record(label, req, await this.d.verify(req, options), c);
  }

  async refresh(label: string, c: Client, o: ReqOpts = {}) {
    const req = c.request("/auth/session/refresh", o);
    return this.record(label, req, await this.d.auth(req), c);
  }

  /** Any path through the auth middleware. */
  async auth(label: string, c: Client, path: string, o: ReqOpts = {}) {
    const req = c.request(path, o);
    return this.record(label, req, await this.d.auth(req), c);
  }

  async signOut(label: string, c: Client, o: ReqOpts = {}) {
    const req = c.request("/auth/signout", o);
    return this.record(label, req, await this.d.auth(req), c);
  }

  /** Records a fact both engines must agree on (e.g. whether the core still has the session). */
  fact(label: string, facts: Record<string, unknown>): void {
    this.trace.steps.push({
      label,
      status: 0,
      contentType: null,
      body: null,
      setCookie: [],
      frontToken: null,
      antiCsrf: "absent",
      stAccessToken: "absent",
      stRefreshToken: "absent",
      exposeHeaders: null,
      facts,
    });
    this.trace.approx.push({ at: Date.now(), rawSetCookie: [], ate: undefined, cacheControl: null, claimAges: {} });
  }

  /** Whether the core still has the client's session. */
  coreHas(c: Client, handle = c.handle()): boolean {
    return this.env.emu.sessions.has(handle);
  }

  /** Revokes the client's session in the core behind the backend's back. */
  revokeInCore(c: Client): void {
    this.env.emu.sessions.delete(c.handle());
  }

  /** Creates or updates a user in the core (email verification state included). */
  user(o: UserOptions): void {
    this.env.emu.upsertUser(o);
  }

  /**
   * Replaces the client's access token by one for the same session whose payload has `patch` applied
   * (`undefined` deletes a key), signed by the core's current key: a token the core issued earlier, e.g. before
   * a claim value was added or while it was fresh.
   */
  patchAccessToken(c: Client, patch: Record<string, unknown>): void {
    const payload = { ...c.payload(), ...patch };
    const omit = Object.keys(patch).filter((k) => patch[k] === undefined);
    for (const k of omit) delete payload[k];
    c.setAccessToken(this.env.emu.mintAccessToken({ payload, omit }));
  }
}

export interface Scenario {
  name: string;
  run(r: Run): Promise<void>;
  /** Set when ours is known to differ from the SDK (the case is then `it.fails`): why, and where. */
  knownBug?: string;
  /**
   * A documented, deliberate divergence (README "Deliberate differences"): when one response first sets and then clears a cookie,
   * the SDK's fetch helper emits both Set-Cookie lines and we emit only the last. The browser ends in the same
   * state, so for this scenario both sides' Set-Cookie lists are compared as the browser applies them (last line
   * per name+path+domain wins); the raw difference is recorded in `divergenceNotes`.
   */
  browserEffectiveCookies?: true;
  /**
   * Documented, deliberate divergences (README "Deliberate differences", DIVERGENCES in differential-corpus.ts)
   * at single steps: there each side must match its own expectation (status and body), everything else must still
   * be equal. Recorded in `divergenceNotes`.
   */
  deliberate?: {
    label: string;
    sdk: Pick<Observed, "status" | "body">;
    ours: Pick<Observed, "status" | "body">;
    why: string;
  }[];
}

/** Set-Cookie lines as the browser applies them: only the last line per cookie (name, Path, Domain), in order. */
export function browserEffective(lines: string[]): string[] {
  const key = (l: string) =>
    `${l.slice(0, l.indexOf("="))}|${/; Path=([^;]*)/.exec(l)?.[1] ?? ""}|${/; Domain=([^;]*)/.exec(l)?.[1] ?? ""}`;
  return lines.filter((l, i) => !lines.slice(i + 1).some((later) => key(later) === key(l)));
}

/** Raw differences accepted under `browserEffectiveCookies`, for the report. */
export const divergenceNotes: string[] = [];

interface CookieDate {
  name: string;
  ms: number;
}

/** The non-epoch `Expires` dates of Set-Cookie lines. */
function cookieDates(lines: string[]): CookieDate[] {
  const out: CookieDate[] = [];
  for (const line of lines) {
    const d = /; Expires=([^;]+)/.exec(line)?.[1];
    if (d !== undefined && d !== EPOCH) out.push({ name: line.slice(0, line.indexOf("=")), ms: Date.parse(d) });
  }
  return out;
}

/** cache-control differences: not part of the protocol, reported rather than asserted. */
export const cacheControlNotes: string[] = [];

/** Runs `s` once per engine (SDK first) on equivalent sessions and asserts equal answers at every step. */
export async function runDifferential(env: DiffEnv, s: Scenario): Promise<{ sdk: Trace; ours: Trace }> {
  const traces = {} as Record<Engine, Trace>;
  for (const name of ["sdk", "ours"] as const) {
    const r = new Run(env.drivers[name], env);
    await s.run(r);
    traces[name] = r.trace;
  }
  const { sdk, ours } = traces;
  if (process.env.HTTP_DIFF_DUMP) console.info(JSON.stringify({ scenario: s.name, sdk: sdk.steps }, null, 1));
  expect(ours.steps.map((x) => x.label)).toEqual(sdk.steps.map((x) => x.label));
  for (let i = 0; i < sdk.steps.length; i++) {
    const label = sdk.steps[i]!.label;
    if (s.browserEffectiveCookies) {
      for (const t of [sdk, ours]) {
        const raw = t.steps[i]!.setCookie;
        const eff = browserEffective(raw);
        if (eff.length !== raw.length)
          divergenceNotes.push(`${s.name} / ${label}: ${t.engine} raw Set-Cookie ${JSON.stringify(raw)}`);
        t.steps[i] = { ...t.steps[i]!, setCookie: eff };
      }
    }
    const deliberate = s.deliberate?.find((d) => d.label === label);
    if (deliberate !== undefined) {
      expect(sdk.steps[i], `${s.name} / ${label}: the SDK's side of a deliberate divergence`).toMatchObject(
        deliberate.sdk,
      );
      expect(ours.steps[i], `${s.name} / ${label}: our side of a deliberate divergence`).toMatchObject(deliberate.ours);
      const rest = (o: Observed) => ({ ...o, status: 0, body: null, contentType: null });
      expect(rest(ours.steps[i]!), `${s.name} / ${label}`).toEqual(rest(sdk.steps[i]!));
      divergenceNotes.push(
        `${s.name} / ${label}: sdk ${sdk.steps[i]!.status}, ours ${ours.steps[i]!.status} (${deliberate.why})`,
      );
      continue;
    }
    expect(ours.steps[i], `${s.name} / ${label}`).toEqual(sdk.steps[i]);
    const a = sdk.approx[i]!;
    const b = ours.approx[i]!;
    const [da, db] = [a, b].map((x) => {
      const dates = cookieDates(s.browserEffectiveCookies ? browserEffective(x.rawSetCookie) : x.rawSetCookie);
      for (const cd of dates) {
        if (cd.name === "sAccessToken") {
          expect(
            Math.abs(cd.ms - (x.at + ONE_YEAR_MS)),
            `${s.name} / ${label}: access cookie expiry ≈ now+1y`,
          ).toBeLessThanOrEqual(DATE_TOLERANCE_MS);
        }
      }
      return dates;
    }) as [CookieDate[], CookieDate[]];
    expect(
      db.map((x) => x.name),
      `${s.name} / ${label}: dated cookies`,
    ).toEqual(da.map((x) => x.name));
    da.forEach((cd, j) => {
      expect(Math.abs(cd.ms - db[j]!.ms), `${s.name} / ${label}: ${cd.name} Expires`).toBeLessThanOrEqual(
        DATE_TOLERANCE_MS,
      );
    });
    for (const [k, age] of Object.entries(a.claimAges)) {
      expect(
        Math.abs(age - (b.claimAges[k] ?? Number.NaN)),
        `${s.name} / ${label}: age of claim ${k}`,
      ).toBeLessThanOrEqual(CLAIM_AGE_TOLERANCE_MS);
    }
    expect(b.ate === undefined, `${s.name} / ${label}: front-token ate presence`).toBe(a.ate === undefined);
    if (a.ate !== undefined)
      expect(Math.abs(a.ate - b.ate!), `${s.name} / ${label}: front-token ate`).toBeLessThanOrEqual(DATE_TOLERANCE_MS);
    if (a.cacheControl !== b.cacheControl) {
      cacheControlNotes.push(
        `${s.name} / ${label}: sdk ${JSON.stringify(a.cacheControl)} vs ours ${JSON.stringify(b.cacheControl)}`,
      );
    }
  }
  return traces;
}

/**
 * One test file's differential: an emulator and both engines set up with `config` before the scenarios, one test
 * per scenario (`it.fails` for a `knownBug`), and the notes of what was accepted but not asserted printed after.
 */
export function describeDifferential(
  title: string,
  config: DiffConfig,
  scenarios: Scenario[],
  divergenceHeading = 'accepted divergences (set-then-clear cookies, README "Deliberate differences"):',
): void {
  let env: DiffEnv;
  beforeAll(async () => {
    env = await setupDifferential(config);
  });
  afterAll(async () => {
    if (cacheControlNotes.length > 0)
      console.info(`cache-control differences (not asserted):\n  ${cacheControlNotes.join("\n  ")}`);
    if (divergenceNotes.length > 0) console.info(`${divergenceHeading}\n  ${divergenceNotes.join("\n  ")}`);
    await env?.close();
  });
  describe(title, () => {
    for (const s of scenarios) (s.knownBug ? it.fails : it)(s.name, async () => void (await runDifferential(env, s)));
  });
}

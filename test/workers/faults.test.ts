// The front door through every fault of its dependencies (core, JWKS, KV, origin), inside workerd.
//
// One `fetch` is injected into both the FrontDoor (origin) and its engine (core, JWKS): it routes core calls to
// the shared core emulator (`inject("coreUrl")`) or to a fault, and origin calls to an in-process recording stub
// or to a fault. Faults therefore stay local to this file's FrontDoors (the shared emulator is never switched
// into a failure mode); each row uses its own fake core host, hence its own JWKS key in KV. The engine's clock is
// injected too (`now` = wall clock + skew), so "the cached JWKS went stale" and "the unknown-kid cooldown passed"
// are steps of the test, not waits.
//
// For each fault (row of FAULTS) and each session case (column, CASES) the test asserts the outcome and, for
// every answer: (1) valid tokens keep verifying from the cached JWKS, (2) nothing clears a user's tokens except a
// real sign-out, an UNAUTHORISED from the core or token theft, (3) an error answer is JSON with a stable code
// (5xx: `ERR_*`), never a 500, never a 401 caused by the fault. After the fault is healed, the same tokens work
// again without a new sign-in.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createSuperTokens, isSuperTokensEdgeError } from "../../src/index.js";
import type { JwksCacheStore } from "../../src/jwks/store.js";
import { FrontDoor, type FrontDoorEnv, frontDoorOptionsFromEnv } from "../../src/worker/index.js";
import { cookieHeader, cookieJar } from "./helpers/index.js";

const coreUrl = inject("coreUrl");
const realKv = (env as unknown as { SUPERTOKENS_JWKS: KVNamespace }).SUPERTOKENS_JWKS;
const FRONT = "http://front.test";
const ORIGIN = "http://origin.test";
/** Nothing listens on port 1: a real "connection refused" (never a port anyone binds). */
const REFUSED = "http://127.0.0.1:1";
// (workerd logs every refused connection as "uncaught exception … Network connection lost" even when the
// rejection is handled, as the engine does: that log line is the platform's, not a leak of ours.)
/** Per core call; the engine also bounds KV reads and writes by min(1000, coreTimeoutMs). */
const CORE_TIMEOUT_MS = 300;
/** KV's minimum TTL; the injected clock steps past it to make the cached JWKS stale. */
const JWKS_REFRESH_INTERVAL_SEC = 60;

// ---------------------------------------------------------------------------------------------------- faults
type CorePath = "verify" | "refresh" | "remove" | "create" | "jwks";
/** What a faulty dependency does instead of answering normally. */
type Misbehaviour = "refuse" | "hang" | "stall-body" | { status: number; body: string; contentType?: string };

interface Fault {
  name: string;
  /** Core (including its JWKS) misbehaving on `paths` (default: every core path). */
  core?: { paths?: CorePath[]; does: Misbehaviour };
  /** The JWKS answers 200 with this body, built from the real set. */
  jwks?: (real: { keys: Jwk[] }) => string;
  kv?: "get-throws" | "get-rejects" | "get-hangs" | "put-throws" | "put-hangs" | "corrupt-text" | "corrupt-shape";
  origin?: "refuse" | "hang" | "status-600";
  /** Outcomes that differ from HEALTHY (see `Case`). */
  expect: Partial<Record<Case, string>>;
}

interface Jwk {
  kty: string;
  kid: string;
  n: string;
  e: string;
}

function corePathOf(path: string, method: string): CorePath | undefined {
  if (path === "/.well-known/jwks.json") return "jwks";
  if (path === "/recipe/session/verify") return "verify";
  if (path === "/recipe/session/refresh") return "refresh";
  if (/^(?:\/[^/]+)?\/recipe\/session\/remove$/.test(path)) return "remove";
  if (method === "POST" && /^\/[^/]+\/recipe\/session$/.test(path)) return "create";
  return undefined;
}

const hang = (): Promise<never> => new Promise<never>(() => {});
/** A hanging peer as a real fetch sees it: nothing, until the caller aborts. */
function hangUntilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason ?? new DOMException("aborted", "AbortError")));
  });
}

/** Everything one row needs: its fake core host, clock, KV wrapper, origin stub, and the fault switch. */
class Bench {
  readonly coreHost: string;
  skew = 0;
  fault: Fault | undefined;
  active = false;
  readonly originSeen: { path: string; userId: string | null }[] = [];
  readonly kvKeys = new Set<string>();
  readonly fetch: typeof fetch;
  readonly kv: JwksCacheStore;

  constructor(id: string) {
    this.coreHost = `http://core-${id}.test`;
    this.fetch = ((input: RequestInfo | URL, init?: RequestInit) => this.route(input, init)) as typeof fetch;
    this.kv = {
      get: (key) => {
        this.kvKeys.add(key);
        const f = this.active ? this.fault?.kv : undefined;
        if (f === "get-throws") throw new Error("KV get failed (injected)");
        if (f === "get-rejects") return Promise.reject(new Error("KV get failed (injected)"));
        if (f === "get-hangs") return hang();
        return realKv.get(key);
      },
      put: (key, value, options) => {
        this.kvKeys.add(key);
        if (this.active && this.fault?.kv === "put-throws") throw new Error("KV put failed (injected)");
        if (this.active && this.fault?.kv === "put-hangs") return hang();
        return realKv.put(key, value, options);
      },
    };
  }

  now = () => Date.now() + this.skew;

  async enable(fault: Fault): Promise<void> {
    this.fault = fault;
    this.active = true;
    if (fault.kv === "corrupt-text" || fault.kv === "corrupt-shape") {
      expect(this.kvKeys.size).toBeGreaterThan(0); // the warm-up stored the set
      const corrupt =
        fault.kv === "corrupt-text"
          ? "{not json"
          : JSON.stringify({ fetchedAt: this.now(), keys: [{ kty: "RSA", kid: "d-1", n: "short", e: "AQAB" }] });
      for (const key of this.kvKeys) await realKv.put(key, corrupt, { expirationTtl: 60 });
    }
  }

  heal(): void {
    this.active = false;
  }

  door(): FrontDoor {
    const vars: FrontDoorEnv = {
      SUPERTOKENS_CONNECTION_URI: this.coreHost,
      ORIGIN_URL: ORIGIN,
      DEMO_SIGN_IN: "true",
      JWKS_REFRESH_INTERVAL_SEC: String(JWKS_REFRESH_INTERVAL_SEC),
      ORIGIN_TIMEOUT_MS: "200",
      SUPERTOKENS_JWKS: this.kv,
    };
    const options = frontDoorOptionsFromEnv(vars, FRONT);
    return new FrontDoor({
      ...options,
      supertokens: { ...options.supertokens, fetch: this.fetch, now: this.now, coreTimeoutMs: CORE_TIMEOUT_MS },
      fetch: this.fetch,
    });
  }

  private async route(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const fault = this.active ? this.fault : undefined;
    if (url.startsWith(this.coreHost)) {
      const rest = url.slice(this.coreHost.length);
      const path = rest.split("?")[0]!;
      const which = corePathOf(path, (init.method ?? "GET").toUpperCase());
      const core = fault?.core;
      if (core !== undefined && (core.paths === undefined || (which !== undefined && core.paths.includes(which)))) {
        return misbehave(core.does, `${REFUSED}${rest}`, init, false);
      }
      if (which === "jwks" && fault?.jwks !== undefined) {
        const real = (await (await fetch(`${coreUrl}${rest}`)).json()) as { keys: Jwk[] };
        return new Response(fault.jwks(real), { status: 200, headers: { "content-type": "application/json" } });
      }
      return fetch(`${coreUrl}${rest}`, init);
    }
    if (url.startsWith(ORIGIN)) {
      const o = fault?.origin;
      if (o === "refuse") return misbehave("refuse", `${REFUSED}/`, init, true);
      if (o === "hang") return misbehave("hang", url, init, true);
      const path = new URL(url).pathname;
      const userId = new Headers(init.headers).get("x-supertokens-user-id");
      this.originSeen.push({ path, userId });
      const body = new Response(JSON.stringify({ ok: true, path })).body;
      // workerd cannot build a Response with status 600; a fetch stub can still hand one over.
      if (o === "status-600")
        return { status: 600, statusText: "", headers: new Headers(), body, ok: false } as unknown as Response;
      return new Response(body, { status: 200, headers: { "content-type": "application/json", "x-origin": "1" } });
    }
    throw new Error(`unexpected fetch in the fault bench: ${url}`);
  }
}

function misbehave(does: Misbehaviour, refusedUrl: string, init: RequestInit, honourAbort: boolean): Promise<Response> {
  if (does === "refuse") return fetch(refusedUrl, { method: init.method ?? "GET", signal: init.signal ?? null });
  // The core's deadline is ours to enforce (fetchCapped races it): this peer ignores the abort. The origin's
  // deadline is the abort signal (fetchOrigin), which a real fetch honours.
  if (does === "hang") return honourAbort ? hangUntilAborted(init.signal) : hang();
  if (does === "stall-body") {
    // 200 and the first byte of a JSON body, then nothing: the deadline must cover the body too.
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode("{")) });
    return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
  }
  return Promise.resolve(
    new Response(does.body, { status: does.status, headers: { "content-type": does.contentType ?? "text/plain" } }),
  );
}

// ---------------------------------------------------------------------------------------------------- answers
/** A response that clears tokens: an epoch-expiry cookie, `front-token: remove`, or an emptied token header. */
function clearsTokens(res: Response): boolean {
  return (
    res.headers.getSetCookie().some((l) => /Expires=Thu, 01 Jan 1970/i.test(l) || /Max-Age=0/i.test(l)) ||
    res.headers.get("front-token") === "remove" ||
    res.headers.get("st-access-token") === "" ||
    res.headers.get("st-refresh-token") === ""
  );
}

/**
 * The outcome of one answer as `"<status>"` (2xx) or `"<status> <code | message>"`, after checking what every
 * answer must satisfy: no 500, errors are JSON (5xx with a stable `ERR_*` code, 503 with the engine's message,
 * no stack trace), and no clearing unless `mayClear`.
 */
async function outcome(res: Response, cell: string, mayClear = false): Promise<string> {
  const text = await res.text();
  expect(res.status, `${cell}: never a 500`).not.toBe(500);
  if (!mayClear) expect(clearsTokens(res), `${cell}: nothing cleared`).toBe(false);
  if (res.status < 400) return String(res.status);
  expect(res.headers.get("content-type"), `${cell}: JSON error`).toMatch(/^application\/json/);
  expect(text, `${cell}: no stack trace`).not.toMatch(/\n\s+at |Error:/);
  const body = JSON.parse(text) as { message?: unknown; code?: unknown };
  expect(typeof body.message, `${cell}: message`).toBe("string");
  if (res.status >= 500) expect(body.code, `${cell}: stable code`).toMatch(/^ERR_[A-Z_]+$/);
  if (res.status === 503) expect(body.message, cell).toBe("SuperTokens core unavailable");
  return `${res.status} ${String(body.code ?? body.message)}`;
}

// ---------------------------------------------------------------------------------------------------- sessions
const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const call = (door: FrontDoor, path: string, init?: RequestInit) => door.fetch(new Request(FRONT + path, init));

async function emuMint(opts: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${coreUrl}/__emu/mint`, { method: "POST", body: JSON.stringify(opts) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function signInCookie(door: FrontDoor, userId: string): Promise<Record<string, string>> {
  const res = await call(door, "/auth/demo/signin", jsonPost({ userId }, { "st-auth-mode": "cookie" }));
  expect(res.status).toBe(200);
  const jar = cookieJar(res);
  expect(Object.keys(jar).sort()).toEqual(["sAccessToken", "sRefreshToken"]);
  return jar;
}

async function signInHeader(door: FrontDoor, userId: string): Promise<{ access: string; refresh: string }> {
  const res = await call(door, "/auth/demo/signin", jsonPost({ userId }));
  expect(res.status).toBe(200);
  return { access: res.headers.get("st-access-token")!, refresh: res.headers.get("st-refresh-token")! };
}

const kidOf = (token: string) =>
  (JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as { kid: string }).kid;
const withCookies = (jar: Record<string, string>, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string> | undefined), cookie: cookieHeader(jar) },
});
const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
const POST: RequestInit = { method: "POST" };

// ---------------------------------------------------------------------------------------------------- the matrix
const CASES = [
  "cookie", //       valid cookie session (the warm-up's own token)
  "header", //       valid header session, token never seen before (fresh cached JWKS)
  "expired", //      expired access token: a local decision, the client must refresh
  "afterRefresh", // first request with the token a refresh issued: needs the core's verify
  "refresh", //      POST /auth/session/refresh (cookie)
  "signOut", //      POST /auth/signout (cookie)
  "stillSignedIn", // the signed-out user's next request (200 = still signed in, 401 unauthorised = signed out)
  "create", //       POST /auth/demo/signin (the core's create)
  "cold", //         a new isolate (cold memory) with the KV the warm one filled
  // — the JWKS goes stale (clock + 61 s): every row below makes the engine try to reload it —
  "stale", //        a never-seen valid token while the cached JWKS is stale
  "unknownKid", //   a token whose kid the core never published (forces a reload)
  "forged", //       signed with another key of the core under a known kid
  "coldStale", //    a new isolate whose KV copy is stale too: it must ask the core
] as const;
type Case = (typeof CASES)[number];

const TRY = "401 try refresh token";
const HEALTHY: Record<Case, string> = {
  cookie: "200",
  header: "200",
  expired: TRY,
  afterRefresh: "200",
  refresh: "200",
  signOut: "200",
  stillSignedIn: "401 unauthorised",
  create: "200",
  cold: "200",
  stale: "200",
  unknownKid: TRY,
  forged: TRY,
  coldStale: "200",
};

/** What a core that is unreachable in some way (code) does to the cases that need it. */
const coreOutage = (code: string, jwksCode = "ERR_JWKS_UNAVAILABLE"): Partial<Record<Case, string>> => ({
  afterRefresh: `503 ${code}`,
  refresh: `503 ${code}`,
  signOut: `503 ${code}`,
  stillSignedIn: "200",
  create: `503 ${code}`,
  unknownKid: `503 ${jwksCode}`,
  coldStale: `503 ${jwksCode}`,
});
const originFault = (answer: string): Partial<Record<Case, string>> => ({
  cookie: answer,
  header: answer,
  afterRefresh: answer,
  cold: answer,
  stale: answer,
  coldStale: answer,
});
const BAD = "503 ERR_CORE_BAD_RESPONSE";
const NOT_JSON: Misbehaviour = { status: 200, body: "<html>oops</html>", contentType: "text/html" };
const jsonAnswer = (body: unknown): Misbehaviour => ({
  status: 200,
  body: JSON.stringify(body),
  contentType: "application/json",
});
const WRONG_SHAPE = jsonAnswer({ status: "OK" });

/** The JWKS with every dynamic key's modulus replaced by the static key's: same kids, different keys. */
function swapKeys(real: { keys: Jwk[] }): string {
  const other = real.keys.find((k) => k.kid.startsWith("s-"))!;
  return JSON.stringify({
    keys: real.keys.map((k) => (k.kid.startsWith("d-") ? { ...k, n: other.n, e: other.e } : k)),
  });
}

const FAULTS: Fault[] = [
  { name: "core down (connection refused)", core: { does: "refuse" }, expect: coreOutage("ERR_CORE_UNREACHABLE") },
  {
    name: `core hangs (past coreTimeoutMs ${CORE_TIMEOUT_MS})`,
    core: { does: "hang" },
    expect: coreOutage("ERR_CORE_UNREACHABLE"),
  },
  {
    name: "core answers 200, then stalls its body",
    core: { does: "stall-body" },
    expect: coreOutage("ERR_CORE_UNREACHABLE"),
  },
  {
    name: "core answers 500",
    core: { does: { status: 500, body: "Internal Error" } },
    expect: coreOutage("ERR_CORE_HTTP"),
  },
  // A core refusing our API key is an outage of ours, never the user's 401.
  {
    name: "core answers 401 (API key)",
    core: { does: { status: 401, body: "Invalid API key" } },
    expect: coreOutage("ERR_CORE_HTTP"),
  },
  { name: "verify: 200 not JSON", core: { paths: ["verify"], does: NOT_JSON }, expect: { afterRefresh: BAD } },
  { name: "verify: 200 wrong shape", core: { paths: ["verify"], does: WRONG_SHAPE }, expect: { afterRefresh: BAD } },
  {
    name: "verify: 200 OK with an unparseable new access token",
    core: {
      paths: ["verify"],
      does: jsonAnswer({
        status: "OK",
        session: { handle: "h", userId: "u" },
        accessToken: { token: "x.y", expiry: 1 },
      }),
    },
    expect: { afterRefresh: BAD },
  },
  { name: "refresh: 200 not JSON", core: { paths: ["refresh"], does: NOT_JSON }, expect: { refresh: BAD } },
  { name: "refresh: 200 wrong shape", core: { paths: ["refresh"], does: WRONG_SHAPE }, expect: { refresh: BAD } },
  {
    name: "refresh: 200 OK with an unparseable access token",
    core: {
      paths: ["refresh"],
      does: jsonAnswer({
        status: "OK",
        session: { handle: "h", userId: "u" },
        accessToken: { token: "not-a-jwt", expiry: 1 },
        refreshToken: { token: "r", expiry: 1 },
      }),
    },
    expect: { refresh: BAD },
  },
  {
    name: "remove (sign-out): 200 not JSON",
    core: { paths: ["remove"], does: NOT_JSON },
    expect: { signOut: BAD, stillSignedIn: "200" },
  },
  {
    name: "remove (sign-out): 200 wrong shape",
    core: { paths: ["remove"], does: WRONG_SHAPE },
    expect: { signOut: BAD, stillSignedIn: "200" },
  },
  { name: "create: 200 not JSON", core: { paths: ["create"], does: NOT_JSON }, expect: { create: BAD } },
  { name: "create: 200 wrong shape", core: { paths: ["create"], does: WRONG_SHAPE }, expect: { create: BAD } },
  {
    name: "JWKS: no keys",
    jwks: () => '{"keys":[]}',
    expect: { unknownKid: "503 ERR_JWKS_UNAVAILABLE", coldStale: "503 ERR_JWKS_UNAVAILABLE" },
  },
  {
    name: "JWKS: garbage",
    jwks: () => "not json",
    expect: { unknownKid: "503 ERR_JWKS_UNAVAILABLE", coldStale: "503 ERR_JWKS_UNAVAILABLE" },
  },
  // The warm isolate refuses the changed set and keeps the old key (forged stays 401; unknownKid is an outage).
  // A cold isolate whose KV copy is stale has no old key to compare with: it takes the new set and the real
  // token fails its signature (401 try refresh, nothing cleared) — only memory or a fresh KV copy can tell.
  {
    name: "JWKS: a different key under a known kid",
    jwks: swapKeys,
    expect: { unknownKid: "503 ERR_JWKS_UNAVAILABLE", coldStale: TRY },
  },
  { name: "KV get throws", kv: "get-throws", expect: {} },
  { name: "KV get rejects", kv: "get-rejects", expect: {} },
  { name: "KV get never resolves", kv: "get-hangs", expect: {} },
  { name: "KV put throws", kv: "put-throws", expect: {} },
  { name: "KV put never resolves", kv: "put-hangs", expect: {} },
  { name: "KV holds a value that is not JSON", kv: "corrupt-text", expect: {} },
  { name: "KV holds JSON of the wrong shape", kv: "corrupt-shape", expect: {} },
  { name: "origin down (connection refused)", origin: "refuse", expect: originFault("502 ERR_ORIGIN_UNREACHABLE") },
  { name: "origin hangs (ORIGIN_TIMEOUT_MS 200)", origin: "hang", expect: originFault("504 ERR_ORIGIN_TIMEOUT") },
  { name: "origin answers status 600", origin: "status-600", expect: originFault("502 ERR_ORIGIN_BAD_STATUS") },
];

const matrix = new Map<string, Partial<Record<Case, string>> & { recovery?: string }>();

afterAll(() => {
  // The fault matrix as observed (for the report); every cell was also asserted.
  const lines = [...matrix].map(
    ([name, row]) => `${name} | ${CASES.map((c) => row[c] ?? "-").join(" | ")} | ${row.recovery ?? "-"}`,
  );
  console.log(`fault | ${CASES.join(" | ")} | recovery\n${lines.join("\n")}`);
});

describe("fault matrix: the front door and its engine through every fault", () => {
  it.each(FAULTS.map((f, i) => [f.name, f, i] as const))("%s", async (_name, fault, i) => {
    const bench = new Bench(`row${i}`);
    const door = bench.door();
    const expected: Record<Case, string> = { ...HEALTHY, ...fault.expect };
    const seen: Partial<Record<Case, string>> & { recovery?: string } = {};
    matrix.set(fault.name, seen);
    const cell = async (c: Case, res: Response | Promise<Response>, mayClear = false) => {
      seen[c] = await outcome(await res, `${fault.name} / ${c}`, mayClear);
      return seen[c];
    };

    // Healthy: sessions, a refreshed session whose new token is not yet used, then the warm-up (JWKS cached).
    const sCookie = await signInCookie(door, "u-cookie");
    const sHeader = await signInHeader(door, "u-header");
    const sRefresh = await signInCookie(door, "u-refresh");
    const sAfter = await signInCookie(door, "u-after");
    const sSignOut = await signInCookie(door, "u-signout");
    const sSignOutSaved = { ...sSignOut };
    const afterRes = await call(door, "/auth/session/refresh", withCookies(sAfter, POST));
    expect(afterRes.status).toBe(200);
    cookieJar(afterRes, sAfter); // sAfter now holds a post-refresh token (parentRefreshTokenHash1 set)
    expect(await outcome(await call(door, "/api/warm", withCookies(sCookie)), "warm-up")).toBe("200");
    const kid = kidOf(sCookie.sAccessToken!);
    const nowSec = Math.floor(Date.now() / 1000);
    const expired = await emuMint({ kid, sub: "u-expired", iat: nowSec - 7200, exp: nowSec - 3600 });
    const unseen = await emuMint({ kid, sub: "u-unseen" });
    const orphan = await emuMint({ kid: "orphan", sub: "u-orphan" });
    const forged = await emuMint({ kid, key: "static", sub: "u-forged" });

    await bench.enable(fault);
    await cell("cookie", call(door, "/api/me", withCookies(sCookie)));
    await cell("header", call(door, "/api/me", bearer(sHeader.access)));
    await cell("expired", call(door, "/api/me", { headers: { cookie: `sAccessToken=${expired}` } }));
    {
      const res = await call(door, "/api/me", withCookies(sAfter));
      cookieJar(res.clone(), sAfter);
      await cell("afterRefresh", res);
    }
    {
      const res = await call(door, "/auth/session/refresh", withCookies(sRefresh, POST));
      cookieJar(res.clone(), sRefresh);
      await cell("refresh", res);
    }
    {
      const res = await call(door, "/auth/signout", withCookies(sSignOut, POST));
      cookieJar(res.clone(), sSignOut);
      const got = await cell("signOut", res, res.status === 200); // only a real sign-out may clear
      if (got === "200") expect(sSignOut).toEqual({}); // … and it does
      await cell("stillSignedIn", call(door, "/api/me", withCookies(sSignOut)));
    }
    await cell("create", call(door, "/auth/demo/signin", jsonPost({ userId: "u-new" }, { "st-auth-mode": "cookie" })));
    await cell("cold", call(bench.door(), "/api/me", withCookies(sCookie)));

    bench.skew += (JWKS_REFRESH_INTERVAL_SEC + 1) * 1000; // the cached JWKS (memory and KV) is now stale
    await cell("stale", call(door, "/api/me", bearer(unseen)));
    bench.skew += 1000; // past the unknown-kid cooldown
    await cell("unknownKid", call(door, "/api/me", bearer(orphan)));
    bench.skew += 1000;
    await cell("forged", call(door, "/api/me", bearer(forged)));
    await cell("coldStale", call(bench.door(), "/api/me", withCookies(sCookie)));

    for (const c of CASES) expect(seen[c], `${fault.name} / ${c}`).toBe(expected[c]);
    // Whatever reached the origin carried the right identity (never the forged or unknown one).
    for (const r of bench.originSeen)
      expect(["u-cookie", "u-header", "u-after", "u-signout", "u-unseen"]).toContain(r.userId);
    expect(bench.originSeen.some((r) => r.userId === "u-forged" || r.userId === "u-orphan")).toBe(false);

    // Healed: the same tokens work again, without a new sign-in.
    bench.heal();
    bench.skew += 1000;
    const recovery: string[] = [];
    const step = async (label: string, res: Response | Promise<Response>, mayClear = false) => {
      const r = await res;
      const got = await outcome(r.clone(), `${fault.name} / recovery ${label}`, mayClear);
      recovery.push(`${label} ${got}`);
      return { got, res: r };
    };
    {
      const { got, res } = await step("afterRefresh", call(door, "/api/me", withCookies(sAfter)));
      expect(got).toBe("200");
      cookieJar(res, sAfter);
    }
    {
      const { got, res } = await step("refresh", call(door, "/auth/session/refresh", withCookies(sRefresh, POST)));
      expect(got).toBe("200");
      cookieJar(res, sRefresh);
      expect((await step("refreshed", call(door, "/api/me", withCookies(sRefresh)))).got).toBe("200");
    }
    expect((await step("header", call(door, "/api/me", bearer(sHeader.access)))).got).toBe("200");
    expect((await step("cookie", call(door, "/api/me", withCookies(sCookie)))).got).toBe("200");
    expect((await step("unseen", call(door, "/api/me", bearer(await emuMint({ kid, sub: "u-unseen2" }))))).got).toBe(
      "200",
    );
    {
      const { got, res } = await step("signOut", call(door, "/auth/signout", withCookies(sSignOutSaved, POST)), true);
      expect(got).toBe("200");
      expect(clearsTokens(res)).toBe(true);
      // The core now says UNAUTHORISED to the signed-out refresh token: that clears too.
      const gone = await step(
        "refreshAfterSignOut",
        call(door, "/auth/session/refresh", withCookies(sSignOutSaved, POST)),
        true,
      );
      expect(gone.got).toBe("401 unauthorised");
      expect(clearsTokens(gone.res)).toBe(true);
    }
    expect((await step("create", call(door, "/auth/demo/signin", jsonPost({ userId: "u-new2" })))).got).toBe("200");
    seen.recovery = recovery.every((r) => /^(?:refreshAfterSignOut 401|\w+ 200)/.test(r))
      ? "all OK"
      : recovery.join(", ");
  });
});

// ---------------------------------------------------------------------------------------------------- the engine
describe("the engine (createSuperTokens) through the same core faults", () => {
  /** The engine's outcome in the matrix's words: "200", or "503 <code>" for CORE_UNAVAILABLE / a thrown EdgeError. */
  const said = (r: { status: string; error?: { code: string } }) =>
    r.status === "OK" ? "200" : r.status === "CORE_UNAVAILABLE" ? `503 ${r.error!.code}` : r.status;
  const thrown = async (p: Promise<unknown>) => {
    try {
      await p;
      return "200";
    } catch (e) {
      if (!isSuperTokensEdgeError(e)) throw e;
      return `503 ${e.code}`;
    }
  };

  it.each(
    FAULTS.filter((f) => f.core !== undefined || f.jwks !== undefined || f.kv !== undefined).map(
      (f, i) => [f.name, f, i] as const,
    ),
  )("%s", async (_name, fault, i) => {
    const bench = new Bench(`engine${i}`);
    const st = createSuperTokens({
      connectionURI: bench.coreHost,
      appInfo: { apiDomain: FRONT },
      fetch: bench.fetch,
      now: bench.now,
      coreTimeoutMs: CORE_TIMEOUT_MS,
      jwksRefreshIntervalSec: JWKS_REFRESH_INTERVAL_SEC,
      jwksCache: bench.kv,
    });
    const expected: Record<Case, string> = { ...HEALTHY, ...fault.expect };
    const plain = await st.createNewSessionWithoutRequestResponse("public", "e-plain", {}, {}, true);
    const toRefresh = await st.createNewSessionWithoutRequestResponse("public", "e-refresh", {}, {}, true);
    const toRevoke = await st.createNewSessionWithoutRequestResponse("public", "e-revoke", {}, {}, true);
    const refreshed = await st.refreshSessionWithoutRequestResponse(plain.getRefreshTokenInfo()!.token, true);
    expect(refreshed.status).toBe("OK");
    const afterRefresh = (refreshed as { session: { getAccessToken(): string } }).session.getAccessToken();
    const verify = (token: string) => st.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });
    expect(said(await verify(plain.getAccessToken()))).toBe("200"); // warm-up: JWKS cached

    await bench.enable(fault);
    expect(said(await verify(plain.getAccessToken()))).toBe("200");
    expect(said(await verify(toRefresh.getAccessToken()))).toBe("200");
    expect(said(await verify(afterRefresh))).toBe(expected.afterRefresh);
    const r = await st.refreshSessionWithoutRequestResponse(toRefresh.getRefreshTokenInfo()!.token, true);
    expect(said(r)).toBe(expected.refresh);
    expect(await thrown(st.revokeSession(toRevoke.getHandle()))).toBe(expected.signOut);
    expect(await thrown(st.createNewSessionWithoutRequestResponse("public", "e-new", {}, {}, true))).toBe(
      expected.create,
    );

    bench.heal();
    expect(said(await verify(afterRefresh))).toBe("200");
    if (r.status !== "OK")
      expect(said(await st.refreshSessionWithoutRequestResponse(toRefresh.getRefreshTokenInfo()!.token, true))).toBe(
        "200",
      );
    expect(await st.revokeSession(toRevoke.getHandle())).toBe(expected.signOut !== "200");
  });
});

// ---------------------------------------------------------------------------------------------------- outages
describe("a core outage never signs anyone out", () => {
  const CORE_DOWN: Fault = { name: "core down", core: { does: "refuse" }, expect: {} };

  it("refresh and sign-out answer 503 in cookie and header mode and clear nothing; once the core is back the same tokens refresh and sign out", async () => {
    const bench = new Bench("outage");
    const door = bench.door();
    const jar = await signInCookie(door, "u-o-cookie");
    const h = await signInHeader(door, "u-o-header");
    expect(await outcome(await call(door, "/api/warm", withCookies(jar)), "warm-up")).toBe("200");

    await bench.enable(CORE_DOWN);
    const attempts: [string, string, RequestInit][] = [
      ["refresh (cookie)", "/auth/session/refresh", withCookies(jar, POST)],
      [
        "refresh (header)",
        "/auth/session/refresh",
        { method: "POST", headers: { authorization: `Bearer ${h.refresh}` } },
      ],
      ["sign-out (cookie)", "/auth/signout", withCookies(jar, POST)],
      ["sign-out (header)", "/auth/signout", { method: "POST", headers: { authorization: `Bearer ${h.access}` } }],
    ];
    for (const [label, path, init] of attempts) {
      const res = await call(door, path, init);
      expect(res.headers.get("st-access-token"), label).toBeNull();
      expect(res.headers.get("st-refresh-token"), label).toBeNull();
      expect(res.headers.getSetCookie(), label).toEqual([]);
      expect(await outcome(res, label)).toBe("503 ERR_CORE_UNREACHABLE");
    }
    // Still signed in, in both modes.
    expect(await outcome(await call(door, "/api/me", withCookies(jar)), "cookie")).toBe("200");
    expect(await outcome(await call(door, "/api/me", bearer(h.access)), "header")).toBe("200");

    bench.heal();
    const refreshed = await call(door, "/auth/session/refresh", withCookies(jar, POST));
    cookieJar(refreshed.clone(), jar);
    expect(await outcome(refreshed, "refresh (cookie) after")).toBe("200");
    const refreshedH = await call(door, "/auth/session/refresh", {
      method: "POST",
      headers: { authorization: `Bearer ${h.refresh}` },
    });
    const access = refreshedH.headers.get("st-access-token")!;
    expect(await outcome(refreshedH, "refresh (header) after")).toBe("200");
    expect(access).toMatch(/\./);
    expect(await outcome(await call(door, "/api/me", withCookies(jar)), "cookie after")).toBe("200");
    expect(await outcome(await call(door, "/api/me", bearer(access)), "header after")).toBe("200");
    const out = await call(door, "/auth/signout", withCookies(jar, POST));
    expect(clearsTokens(out)).toBe(true);
    expect(await outcome(out, "sign-out (cookie) after", true)).toBe("200");
    const outH = await call(door, "/auth/signout", { method: "POST", headers: { authorization: `Bearer ${access}` } });
    expect(clearsTokens(outH)).toBe(true);
    expect(await outcome(outH, "sign-out (header) after", true)).toBe("200");
  });
  it("concurrent requests during a hanging JWKS reload: from the stale set (200), or without any set 503; never 401", async () => {
    const bench = new Bench("concurrent");
    const door = bench.door();
    const jar = await signInCookie(door, "u-cc");
    expect(await outcome(await call(door, "/api/warm", withCookies(jar)), "warm-up")).toBe("200");
    const kid = kidOf(jar.sAccessToken!);
    const tokens = await Promise.all([1, 2, 3, 4, 5].map((n) => emuMint({ kid, sub: `u-cc${n}` })));
    await bench.enable({ name: "core hangs", core: { does: "hang" }, expect: {} });
    bench.skew += (JWKS_REFRESH_INTERVAL_SEC + 1) * 1000; // stale: every request wants the reload
    const warm = await Promise.all(tokens.map((t) => call(door, "/api/me", bearer(t))));
    expect(await Promise.all(warm.map((r, n) => outcome(r, `warm ${n}`)))).toEqual(tokens.map(() => "200"));
    const cold = new Bench("concurrent-cold"); // no KV copy, no memory: nothing to verify with
    const coldDoor = cold.door();
    await cold.enable({ name: "core hangs", core: { does: "hang" }, expect: {} });
    const answers = await Promise.all(tokens.map((t) => call(coldDoor, "/api/me", bearer(t))));
    expect(await Promise.all(answers.map((r, n) => outcome(r, `cold ${n}`)))).toEqual(
      tokens.map(() => "503 ERR_JWKS_UNAVAILABLE"),
    );
  });
});

describe("what may clear a user's tokens: a real sign-out, the core's UNAUTHORISED, token theft", () => {
  it("sign-out clears (cookie and header)", async () => {
    const door = new Bench("clear-signout").door();
    const jar = await signInCookie(door, "u-c1");
    const h = await signInHeader(door, "u-c2");
    const out = await call(door, "/auth/signout", withCookies(jar, POST));
    expect(clearsTokens(out)).toBe(true);
    expect(
      out.headers
        .getSetCookie()
        .filter((l) => /Expires=Thu, 01 Jan 1970/.test(l))
        .map((l) => l.split("=")[0])
        .sort(),
    ).toEqual(["sAccessToken", "sRefreshToken"]);
    expect(await outcome(out, "sign-out cookie", true)).toBe("200");
    const outH = await call(door, "/auth/signout", {
      method: "POST",
      headers: { authorization: `Bearer ${h.access}` },
    });
    expect([
      outH.headers.get("st-access-token"),
      outH.headers.get("st-refresh-token"),
      outH.headers.get("front-token"),
    ]).toEqual(["", "", "remove"]);
    expect(await outcome(outH, "sign-out header", true)).toBe("200");
  });

  it("the core's UNAUTHORISED clears: on verify (a refreshed token of a revoked session) and on refresh", async () => {
    const door = new Bench("clear-unauthorised").door();
    const jar = await signInCookie(door, "u-c3");
    const beforeRefresh = { ...jar };
    const refreshed = await call(door, "/auth/session/refresh", withCookies(jar, POST));
    expect(refreshed.status).toBe(200);
    cookieJar(refreshed, jar);
    // Revoke the session with the pre-refresh access token (verified locally), then use the refreshed one.
    expect((await call(door, "/auth/signout", withCookies(beforeRefresh, POST))).status).toBe(200);
    const verify = await call(door, "/api/me", withCookies(jar));
    expect(clearsTokens(verify)).toBe(true);
    expect(await outcome(verify, "verify of a revoked session", true)).toBe("401 unauthorised");
    const refresh = await call(door, "/auth/session/refresh", withCookies(jar, POST));
    expect(clearsTokens(refresh)).toBe(true);
    expect(await outcome(refresh, "refresh of a revoked session", true)).toBe("401 unauthorised");
  });

  it.each([false, true])(
    "token theft clears (and revokes), even when the core cannot take the revocation: remove down = %s",
    async (removeDown) => {
      const bench = new Bench(`clear-theft-${removeDown}`);
      const door = bench.door();
      const jar0 = await signInCookie(door, "u-c4");
      const jar1 = { ...jar0 };
      const r1 = await call(door, "/auth/session/refresh", withCookies(jar0, POST));
      expect(r1.status).toBe(200);
      cookieJar(r1, jar1);
      const jar2 = { ...jar1 };
      const r2 = await call(door, "/auth/session/refresh", withCookies(jar1, POST)); // promotes the first child
      expect(r2.status).toBe(200);
      cookieJar(r2, jar2);
      if (removeDown)
        await bench.enable({ name: "remove down", core: { paths: ["remove"], does: "refuse" }, expect: {} });
      const theft = await call(door, "/auth/session/refresh", withCookies(jar0, POST)); // the original token, reused
      expect(clearsTokens(theft)).toBe(true);
      expect(await outcome(theft, "theft", true)).toBe("401 token theft detected");
      bench.heal();
      const after = await call(door, "/auth/session/refresh", withCookies(jar2, POST));
      // Revoked by the theft answer; when the core could not take the revocation, the newest token still refreshes.
      expect(await outcome(after, "newest token after theft", !removeDown)).toBe(
        removeDown ? "200" : "401 unauthorised",
      );
    },
  );
});

describe("a core answering 200 with a status CDI 5.4 does not define", () => {
  const unknownStatus = jsonAnswer({ status: "SOMETHING_NEW", message: "?" });

  // Was a bug (src/core/calls.ts, refreshSession read every unknown status as UNAUTHORISED: a core answering
  // `{"status":"SOMETHING_NEW"}` logged the user out). A malformed answer is an outage: 503, nothing cleared.
  // (supertokens-node reads it as token theft and then crashes on the missing `session`.)
  it("on refresh: 503 ERR_CORE_BAD_RESPONSE, nothing cleared", async () => {
    const bench = new Bench("unknown-refresh");
    const door = bench.door();
    const jar = await signInCookie(door, "u-u1");
    await bench.enable({
      name: "refresh unknown status",
      core: { paths: ["refresh"], does: unknownStatus },
      expect: {},
    });
    expect(await outcome(await call(door, "/auth/session/refresh", withCookies(jar, POST)), "refresh")).toBe(BAD);
  });

  // Was a bug (src/core/calls.ts, verifySession read every unknown status as TRY_REFRESH_TOKEN, as
  // supertokens-node's else-branch): the first request after a refresh got a 401 instead of the outage's 503.
  it("on verify: 503 ERR_CORE_BAD_RESPONSE", async () => {
    const bench = new Bench("unknown-verify");
    const door = bench.door();
    const jar = await signInCookie(door, "u-u2");
    const refreshed = await call(door, "/auth/session/refresh", withCookies(jar, POST));
    cookieJar(refreshed, jar);
    await bench.enable({ name: "verify unknown status", core: { paths: ["verify"], does: unknownStatus }, expect: {} });
    expect(await outcome(await call(door, "/api/me", withCookies(jar)), "verify")).toBe(BAD);
  });
});

// Observability (src/events.ts): `onEvent` gets every decision (with its reason), every core call and every JWKS
// load; `debug: true` prints them with console.debug; without either nothing is emitted; a listener that throws is
// not silenced.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SuperTokensConfig, SuperTokensEvent } from "../../src/index.js";
import {
  API,
  KV,
  accessTokenOf,
  cookieHeader,
  cookieJar,
  cookieSession,
  coreUrl,
  engine,
  mint,
  verify,
} from "./helpers/index.js";

let appSeq = 0;
/** A distinct app path gives a distinct KV key: a JWKS no other test has stored. */
const freshApp = () => `${coreUrl()}/appid-events${Date.now().toString(36)}${appSeq++}`;

function listening(config: Partial<SuperTokensConfig> = {}) {
  const events: SuperTokensEvent[] = [];
  const st = engine({ onEvent: (e) => events.push(e), ...config });
  const of = <T extends SuperTokensEvent["type"]>(type: T) =>
    events.filter((e): e is Extract<SuperTokensEvent, { type: T }> => e.type === type);
  return { st, events, of };
}

const ms = expect.any(Number);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("onEvent: decisions", () => {
  it("one getSession decision per getSession, with the reason on failures", async () => {
    const { st, of } = listening({ appInfo: { apiDomain: API, websiteDomain: "https://other.example" } });
    const jar = await cookieSession(st, "u-events");
    of("decision").length = 0;
    const now = Math.floor(Date.now() / 1000);
    const requests: [Request, Record<string, unknown>][] = [
      [new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }), { status: "OK" }],
      [new Request(`${API}/me`), { status: "UNAUTHORISED", reason: "no-token" }],
      [
        new Request(`${API}/me`, {
          headers: { authorization: `Bearer ${await mint({ sub: "u", iat: now - 120, exp: now - 60 })}` },
        }),
        { status: "TRY_REFRESH_TOKEN", reason: "expired" },
      ],
      [
        new Request(`${API}/me`, { headers: { authorization: `Bearer ${await mint({ sub: "u", kid: "orphan" })}` } }),
        { status: "TRY_REFRESH_TOKEN", reason: "unknown-kid" },
      ],
      [
        new Request(`${API}/me`, { headers: { cookie: "sIdRefreshToken=legacy" } }),
        { status: "TRY_REFRESH_TOKEN", reason: "legacy-session" },
      ],
      // cross-site cookies (SameSite=None ⇒ VIA_CUSTOM_HEADER): a POST without `rid`
      [
        new Request(`${API}/me`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
        { status: "TRY_REFRESH_TOKEN", reason: "anti-csrf" },
      ],
    ];
    for (const [req, expected] of requests) {
      const before = of("decision").length;
      await st.getSession(req);
      const decisions = of("decision").slice(before);
      expect(decisions, new URL(req.url).pathname).toEqual([
        { type: "decision", decision: "getSession", ...expected, ms },
      ]);
      expect(decisions[0]!.ms).toBeGreaterThanOrEqual(0);
      if (expected.status === "OK") expect(decisions[0]).not.toHaveProperty("reason");
    }
  });

  it("create, claim validation, refresh and sign-out report theirs", async () => {
    const { st, of } = listening({
      getGlobalClaimValidators: () => [{ id: "ok", shouldRefetch: () => false, validate: () => ({ isValid: true }) }],
    });
    const jar = await cookieSession(st, "u-events-2");
    await st.getSession(new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }));
    const refreshed = await st.refreshSession(
      new Request(`${API}/auth/session/refresh`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(refreshed.status).toBe(200);
    const fresh = cookieJar(refreshed, jar);
    await st.signOut(new Request(`${API}/auth/signout`, { method: "POST", headers: { cookie: cookieHeader(fresh) } }));
    expect(of("decision").map(({ decision, status, reason }) => [decision, status, reason])).toEqual([
      ["createNewSession", "OK", undefined],
      ["getSession", "OK", undefined],
      ["validateClaims", "OK", undefined],
      ["refreshSession", "OK", undefined],
      ["getSession", "OK", undefined], // sign-out verifies first (the core promotes the refreshed token), without claim validators
      ["signOut", "OK", undefined],
    ]);
  });

  // Was a bug (src/http/refresh.ts): the refresh API's own refusals (no refresh token, a missing `rid` under
  // VIA_CUSTOM_HEADER, duplicate cookies) answer without a decision event, while getSession's HTTP-level refusals
  // (src/http/get-session.ts `httpFailure`) report theirs.
  it("a refresh without a refresh token reports its decision (UNAUTHORISED, no-token)", async () => {
    const { st, of } = listening();
    const res = await st.refreshSession(new Request(`${API}/auth/session/refresh`, { method: "POST" }));
    expect(res.status).toBe(401);
    expect(of("decision")).toEqual([
      { type: "decision", decision: "refreshSession", status: "UNAUTHORISED", reason: "no-token", ms },
    ]);
  });
});

describe("onEvent: core calls", () => {
  it("method, path without the query, status and ms of every call", async () => {
    const { st, of } = listening();
    const s = await st.createNewSessionWithoutRequestResponse("public", "u-core-events");
    await st.getSessionInformation(s.getHandle());
    await st.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, {
      antiCsrfCheck: false,
      checkDatabase: true,
    });
    expect(of("core")).toEqual([
      { type: "core", method: "POST", path: "/public/recipe/session", status: 200, ms },
      { type: "core", method: "GET", path: "/recipe/session", status: 200, ms },
      { type: "core", method: "POST", path: "/recipe/session/verify", status: 200, ms },
    ]);
  });

  it("a failed call carries the error code (and the status when a core answered)", async () => {
    const refused = listening({ fetch: () => Promise.reject(new TypeError("connection refused")) });
    await expect(refused.st.revokeSession("h")).rejects.toMatchObject({ code: "ERR_CORE_UNREACHABLE" });
    expect(refused.of("core")).toEqual([
      {
        type: "core",
        method: "POST",
        path: "/recipe/session/remove",
        status: undefined,
        ms,
        error: "ERR_CORE_UNREACHABLE",
      },
    ]);

    const badKey = listening({ fetch: async () => new Response("Invalid API key", { status: 401 }) });
    await expect(badKey.st.revokeSession("h")).rejects.toMatchObject({ code: "ERR_CORE_HTTP" });
    expect(badKey.of("core")).toEqual([
      { type: "core", method: "POST", path: "/recipe/session/remove", status: 401, ms, error: "ERR_CORE_HTTP" },
    ]);
  });
});

describe("onEvent: JWKS loads", () => {
  it('"core" for the first engine, "kv" for a second one over the same KV namespace', async () => {
    const app = freshApp();
    const token = await accessTokenOf("u-jwks-events");
    const first = listening({ connectionURI: app, jwksCache: KV });
    expect((await verify(first.st, token)).status).toBe("OK");
    const kid = JSON.parse(atob(token.split(".")[0]!)).kid as string;
    expect(first.of("jwks")).toEqual([{ type: "jwks", source: "core", ms, kids: expect.arrayContaining([kid]) }]);

    const second = listening({ connectionURI: app, jwksCache: KV });
    expect((await verify(second.st, token)).status).toBe("OK");
    expect(second.of("jwks")).toEqual([{ type: "jwks", source: "kv", ms, kids: first.of("jwks")[0]!.kids }]);
    expect(second.of("core")).toEqual([]);
  });

  it('"memory" with the error when the core is down: the stale set is kept, or there is none', async () => {
    let now = Date.now();
    let down = false;
    const f: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError("connection refused")) : fetch(input, init);
    const token = await accessTokenOf("u-jwks-down");
    const warm = listening({ connectionURI: freshApp(), fetch: f, now: () => now, jwksRefreshIntervalSec: 60 });
    expect((await verify(warm.st, token)).status).toBe("OK");
    const kids = warm.of("jwks")[0]!.kids;
    down = true;
    now += 120_000;
    // Another token: a token verified before is answered from the verified-token cache, without the key set.
    expect((await verify(warm.st, await accessTokenOf("u-jwks-down-2"))).status).toBe("OK");
    expect(warm.of("jwks").slice(1)).toEqual([
      { type: "jwks", source: "memory", ms, kids, error: "ERR_JWKS_UNAVAILABLE" },
    ]);

    const cold = listening({ connectionURI: freshApp(), fetch: f });
    expect((await verify(cold.st, token)).status).toBe("CORE_UNAVAILABLE");
    expect(cold.of("jwks")).toEqual([{ type: "jwks", source: "memory", ms, kids: [], error: "ERR_JWKS_UNAVAILABLE" }]);
  });
});

describe("debug and the cost of silence", () => {
  it("debug: true logs every event through console.debug, as JSON after a fixed prefix", async () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, "debug").mockImplementation((...args: unknown[]) => void lines.push(args));
    const events: SuperTokensEvent[] = [];
    const st = engine({ debug: true, onEvent: (e) => events.push(e) });
    await st.getSession(new Request(`${API}/me`));
    expect(events.length).toBeGreaterThan(0);
    expect(lines.map((args) => args.length)).toEqual(events.map(() => 1));
    const printed = lines.map(([line]) => {
      expect(line).toMatch(/^com\.supertokens-edge \{/);
      return JSON.parse((line as string).slice("com.supertokens-edge ".length));
    });
    expect(printed).toEqual(events);
  });

  it("debug alone logs too; neither onEvent nor debug: console.debug is never called", async () => {
    const lines: unknown[][] = [];
    vi.spyOn(console, "debug").mockImplementation((...args: unknown[]) => void lines.push(args));
    await engine({ debug: true }).getSession(new Request(`${API}/me`));
    expect(lines).toHaveLength(1);
    lines.length = 0;

    const quiet = engine({ connectionURI: freshApp() });
    const jar = await cookieSession(quiet, "u-quiet");
    await quiet.getSession(new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }));
    await quiet.getSession(new Request(`${API}/me`));
    await quiet.refreshSession(
      new Request(`${API}/auth/session/refresh`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(lines).toEqual([]);
  });

  it("an onEvent that throws is not swallowed: the call rejects with the listener's error", async () => {
    const bug = new Error("listener bug");
    const st = engine({
      onEvent: () => {
        throw bug;
      },
    });
    await expect(st.getSession(new Request(`${API}/me`))).rejects.toBe(bug);
    await expect(st.getSessionWithoutRequestResponse(undefined)).rejects.toBe(bug);
    await expect(st.createNewSessionWithoutRequestResponse("public", "u-throws")).rejects.toBe(bug);
  });

  // Was a bug (src/core/querier.ts `send`): the success event is emitted inside the `try` whose `catch` reports a failed
  // call, so a listener that throws on it is handed a second, false event (`status: 200` with `error: undefined`).
  it("a listener that throws on a core event is given that event once", async () => {
    const bug = new Error("listener bug");
    const seen: SuperTokensEvent[] = [];
    const st = engine({
      onEvent: (e) => {
        seen.push(e);
        if (e.type === "core") throw bug;
      },
    });
    await expect(st.revokeSession("no-such-handle")).rejects.toBe(bug);
    expect(seen.filter((e) => e.type === "core")).toEqual([
      { type: "core", method: "POST", path: "/recipe/session/remove", status: 200, ms },
    ]);
  });
});

// Options of the HTTP layer as the frontend sees them: which transfer method tokens are read from and written to
// (getTokenTransferMethod), the access-token cookie's Path (accessTokenPath) and the status codes of the SDK's
// error answers (invalidClaimStatusCode, sessionExpiredStatusCode).
import { describe, expect, it } from "vitest";
import type {
  SessionClaimValidator,
  SuperTokensConfig,
  SuperTokensEdge,
  TokenTransferMethod,
} from "../../src/index.js";
import { API, cookieHeader, cookieJar, cookieSession, engine, isClearing } from "./helpers/index.js";

type Choice = TokenTransferMethod | "any";

/** An engine whose getTokenTransferMethod answers `forCreate` on create and `forRead` otherwise, recording each call. */
function choosing(forCreate: Choice, forRead: Choice, extra: Partial<SuperTokensConfig> = {}) {
  const calls: { path: string; forCreateNewSession: boolean }[] = [];
  const st = engine({
    getTokenTransferMethod: ({ req, forCreateNewSession }) => {
      calls.push({ path: new URL(req.url).pathname, forCreateNewSession });
      return forCreateNewSession ? forCreate : forRead;
    },
    ...extra,
  });
  return { st, calls };
}

const login = (headers: Record<string, string> = {}) => new Request(`${API}/login`, { headers });

async function headerTokens(st: SuperTokensEdge, userId: string) {
  const res = (await st.createNewSession(login(), "public", userId)).applyTo(new Response(""));
  return { access: res.headers.get("st-access-token")!, refresh: res.headers.get("st-refresh-token")! };
}

describe("getTokenTransferMethod on createNewSession", () => {
  it('"cookie": cookies, whatever st-auth-mode says', async () => {
    const { st, calls } = choosing("cookie", "any");
    for (const headers of [{}, { "st-auth-mode": "header" }] as Record<string, string>[]) {
      const created = await st.createNewSession(login(headers), "public", "u-c");
      expect(created.transferMethod).toBe("cookie");
      const res = created.applyTo(new Response(""));
      expect(res.headers.getSetCookie().map((l) => l.split("=")[0])).toEqual(["sAccessToken", "sRefreshToken"]);
      expect(res.headers.get("st-access-token")).toBeNull();
      expect(res.headers.get("st-refresh-token")).toBeNull();
    }
    expect(calls).toEqual([
      { path: "/login", forCreateNewSession: true },
      { path: "/login", forCreateNewSession: true },
    ]);
  });

  it('"header": st-access-token and st-refresh-token, even with st-auth-mode: cookie', async () => {
    const { st } = choosing("header", "any");
    const created = await st.createNewSession(login({ "st-auth-mode": "cookie" }), "public", "u-h");
    expect(created.transferMethod).toBe("header");
    const res = created.applyTo(new Response(""));
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("st-access-token")).toMatch(/^eyJ/);
    expect(res.headers.get("st-refresh-token")).toMatch(/./);
  });

  it('"any": st-auth-mode decides (cookie only when it says so)', async () => {
    const { st } = choosing("any", "any");
    expect((await st.createNewSession(login({ "st-auth-mode": "cookie" }), "public", "u")).transferMethod).toBe(
      "cookie",
    );
    expect((await st.createNewSession(login(), "public", "u")).transferMethod).toBe("header");
    expect((await st.createNewSession(login({ "st-auth-mode": "bogus" }), "public", "u")).transferMethod).toBe(
      "header",
    );
  });
});

describe("getTokenTransferMethod when reading a session", () => {
  /** A request carrying a header-mode session of `hdr` and a cookie session of `ck`. */
  async function both(st: SuperTokensEdge) {
    const { access } = await headerTokens(st, "hdr");
    const jar = await cookieSession(st, "ck");
    return new Request(`${API}/me`, { headers: { authorization: `Bearer ${access}`, cookie: cookieHeader(jar) } });
  }

  it.each([
    ["any", "hdr", "header"],
    ["header", "hdr", "header"],
    ["cookie", "ck", "cookie"],
  ] as const)('"%s": the session of %s (%s)', async (choice, userId, method) => {
    const { st, calls } = choosing("any", choice);
    const req = await both(st);
    calls.length = 0;
    const r = await st.getSession(req);
    expect(r.status).toBe("OK");
    if (r.status !== "OK") return;
    expect(r.session.getUserId()).toBe(userId);
    expect(r.transferMethod).toBe(method);
    expect(calls).toEqual([{ path: "/me", forCreateNewSession: false }]);
  });

  it('"header" ignores a cookie token, "cookie" ignores a Bearer token: the SDK\'s 401, nothing cleared', async () => {
    const headerOnly = choosing("any", "header").st;
    const jar = await cookieSession(headerOnly, "ck");
    const noHeader = await headerOnly.getSession(new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }));
    expect(noHeader).toMatchObject({ status: "UNAUTHORISED", reason: "no-token", clearTokens: false });

    const cookieOnly = choosing("any", "cookie").st;
    const { access } = await headerTokens(cookieOnly, "hdr");
    const noCookie = await cookieOnly.getSession(
      new Request(`${API}/me`, { headers: { authorization: `Bearer ${access}` } }),
    );
    expect(noCookie).toMatchObject({ status: "UNAUTHORISED", reason: "no-token", clearTokens: false });

    for (const r of [noHeader, noCookie]) {
      if (r.status === "OK") continue;
      expect(r.response.status).toBe(401);
      expect(await r.response.json()).toEqual({ message: "unauthorised" });
      expect(r.response.headers.getSetCookie()).toEqual([]);
    }
  });

  it("the refresh API reads the refresh token only where the hook allows", async () => {
    const headerOnly = choosing("cookie", "header");
    const jar = await cookieSession(headerOnly.st, "ck");
    const refresh = (st: SuperTokensEdge) =>
      st.refreshSession(
        new Request(`${API}/auth/session/refresh`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
      );
    const refused = await refresh(headerOnly.st);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: "unauthorised" });
    expect(headerOnly.calls.at(-1)).toEqual({ path: "/auth/session/refresh", forCreateNewSession: false });

    const cookieToo = choosing("cookie", "cookie");
    const refreshed = await refresh(cookieToo.st);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie().map((l) => l.split("=")[0])).toEqual(["sAccessToken", "sRefreshToken"]);
  });
});

describe("accessTokenPath", () => {
  it("is the Path of sAccessToken when set, renewed and cleared; the refresh cookie keeps its own", async () => {
    // The access cookie only reaches /api/*: the sign-out API must live there too.
    const st = engine({ accessTokenPath: "api/", appInfo: { apiDomain: API, apiBasePath: "/api/auth" } });
    expect(st.config.accessTokenPath).toBe("/api");
    const created = (await st.createNewSession(login({ "st-auth-mode": "cookie" }), "public", "u-path")).applyTo(
      new Response(""),
    );
    const [access, refresh] = created.headers.getSetCookie();
    expect(access).toMatch(/^sAccessToken=eyJ[^;]+; Path=\/api; Expires=/);
    expect(refresh).toMatch(/^sRefreshToken=[^;]+; Path=\/api\/auth\/session\/refresh; Expires=/);
    const jar = cookieJar(created);

    const refreshed = await st.refreshSession(
      new Request(`${API}/api/auth/session/refresh`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(refreshed.headers.getSetCookie()[0]).toMatch(/^sAccessToken=eyJ[^;]+; Path=\/api; /);
    cookieJar(refreshed, jar);

    const out = await st.signOut(
      new Request(`${API}/api/auth/signout`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()).toEqual([
      "sAccessToken=; Path=/api; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
      "sRefreshToken=; Path=/api/auth/session/refresh; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
    ]);
  });

  it("defaults to /", async () => {
    const created = (await engine().createNewSession(login({ "st-auth-mode": "cookie" }), "public", "u")).applyTo(
      new Response(""),
    );
    expect(created.headers.getSetCookie()[0]).toMatch(/^sAccessToken=eyJ[^;]+; Path=\/; Expires=/);
  });
});

describe("status codes of the SDK's error answers", () => {
  const refuse: SessionClaimValidator = {
    id: "always-no",
    shouldRefetch: () => false,
    validate: () => ({ isValid: false, reason: { message: "wrong value", expectedValue: true, actualValue: false } }),
  };

  it("invalidClaimStatusCode turns getSession's 403 into e.g. 409, with the same body", async () => {
    for (const [config, status] of [
      [{}, 403],
      [{ invalidClaimStatusCode: 409 }, 409],
    ] as const) {
      const st = engine({ ...config, getGlobalClaimValidators: () => [refuse] });
      const jar = await cookieSession(st, "u-claims");
      const r = await st.getSession(new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }));
      expect(r.status).toBe("INVALID_CLAIMS");
      if (r.status === "OK") return;
      expect(r.response.status).toBe(status);
      expect(await r.response.json()).toEqual({
        message: "invalid claim",
        claimValidationErrors: [
          { id: "always-no", reason: { message: "wrong value", expectedValue: true, actualValue: false } },
        ],
      });
      expect(r.response.headers.getSetCookie().filter(isClearing)).toEqual([]);
    }
  });

  it("sessionExpiredStatusCode is the status of try-refresh and unauthorised answers (the refresh API's too)", async () => {
    const st = engine({ sessionExpiredStatusCode: 440 });
    const none = await st.getSession(new Request(`${API}/me`));
    if (none.status === "OK") throw new Error("expected a failure");
    expect(none.response.status).toBe(440);
    expect(await none.response.json()).toEqual({ message: "unauthorised" });
    const garbage = await st.getSession(
      new Request(`${API}/me`, { headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln" } }),
    );
    if (garbage.status === "OK") throw new Error("expected a failure");
    expect(garbage.response.status).toBe(440);
    const refresh = await st.refreshSession(new Request(`${API}/auth/session/refresh`, { method: "POST" }));
    expect(refresh.status).toBe(440);
    expect(await refresh.json()).toEqual({ message: "unauthorised" });
  });
});

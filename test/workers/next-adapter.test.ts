import { describe, expect, it } from "vitest";
import { createSuperTokens, type SuperTokensConfig, type SuperTokensEdge } from "../../src/index.js";
import {
  getForwardedIdentity,
  getSSRSession,
  isPageNavigation,
  sessionMiddleware,
  withSession,
} from "../../src/next/index.js";
import { cookieHeader, cookieSession, encodeBase64UrlJson, engineConfig, mint } from "./helpers/index.js";

const site = "https://app.example.com";
const config = (): SuperTokensConfig => engineConfig({ appInfo: { apiDomain: site, apiBasePath: "/api/auth" } });
const st = () => createSuperTokens(config());
const html = { accept: "text/html,application/xhtml+xml", "sec-fetch-dest": "document" };

const signedInCookies = async (engine: SuperTokensEdge, userId = "next-user") =>
  cookieHeader(await cookieSession(engine, userId, site));

/** The request headers a `sessionMiddleware` continue-response hands to the app. */
function forwarded(res: Response): Headers {
  const out = new Headers();
  for (const name of res.headers.get("x-middleware-override-headers")!.split(",")) {
    const value = res.headers.get(`x-middleware-request-${name}`);
    if (value !== null) out.set(name, value);
  }
  return out;
}

const expired = () => {
  const now = Math.floor(Date.now() / 1000);
  return mint({ sub: "late-user", iat: now - 120, exp: now - 60 });
};

describe("Next.js adapters (no `next` import)", () => {
  it("sessionMiddleware: continues with the identity as request-header overrides, strips spoofed ones", async () => {
    const engine = st();
    const mw = sessionMiddleware(engine, { publicPaths: ["/", "/docs/*"] });
    const res = await mw(
      new Request(`${site}/dashboard`, {
        headers: {
          cookie: await signedInCookies(engine),
          "x-supertokens-user-id": "mallory",
          x_supertokens_tenant_id: "evil",
        },
      }),
    );
    expect(res.headers.get("x-middleware-next")).toBe("1");
    expect(res.headers.get("x-middleware-request-x-supertokens-user-id")).toBe("next-user");
    expect(res.headers.get("x-middleware-request-x-supertokens-tenant-id")).toBe("public");
    const overridden = res.headers.get("x-middleware-override-headers")!.split(",");
    expect(overridden).toContain("x-supertokens-user-id");
    expect(overridden).toContain("cookie");
    expect(overridden).not.toContain("x_supertokens_tenant_id");
    expect(getForwardedIdentity(forwarded(res))).toMatchObject({
      userId: "next-user",
      recipeUserId: "next-user",
      tenantId: "public",
    });
  });

  it("sessionMiddleware: the SDK's JSON for API calls, anonymous continue on public paths, refresh answered", async () => {
    const mw = sessionMiddleware(st(), { publicPaths: ["/", "/docs/*"] });
    const denied = await mw(new Request(`${site}/api/me`));
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });
    const late = await mw(new Request(`${site}/api/me`, { headers: { cookie: `sAccessToken=${await expired()}` } }));
    expect(late.status).toBe(401);
    expect(await late.json()).toEqual({ message: "try refresh token" });
    const pub = await mw(new Request(`${site}/docs/a`, { headers: { "x-supertokens-user-id": "mallory", ...html } }));
    expect(pub.headers.get("x-middleware-next")).toBe("1");
    expect(pub.headers.get("x-middleware-request-x-supertokens-user-id")).toBeNull();
    const refresh = await mw(new Request(`${site}/api/auth/session/refresh`, { method: "POST" }));
    expect(refresh.status).toBe(401);
    expect(refresh.headers.get("front-token")).toBe("remove");
  });

  it("sessionMiddleware: page navigations go to sign-in, or to the refresh page when the token expired", async () => {
    const mw = sessionMiddleware(st());
    const none = await mw(new Request(`${site}/dashboard?tab=a%20b`, { headers: html }));
    expect(none.status).toBe(307);
    const to = new URL(none.headers.get("location")!);
    expect(to.origin + to.pathname).toBe(`${site}/auth`);
    expect(to.searchParams.get("redirectToPath")).toBe("/dashboard?tab=a%20b");
    expect(to.search).toBe(`?redirectToPath=${encodeURIComponent("/dashboard?tab=a%20b")}`);

    const late = await mw(
      new Request(`${site}/dashboard`, { headers: { accept: "text/html", cookie: `sAccessToken=${await expired()}` } }),
    );
    expect(late.status).toBe(307);
    expect(late.headers.get("location")).toBe(`${site}/auth/refresh?redirectToPath=%2Fdashboard`);

    // Sign-in and refresh pages (and sub-paths) are public; `/authors` is not a sub-path of `/auth`.
    for (const path of ["/auth", "/auth/refresh", "/auth/reset-password"]) {
      expect((await mw(new Request(`${site}${path}`, { headers: html }))).headers.get("x-middleware-next")).toBe("1");
    }
    expect((await mw(new Request(`${site}/authors`, { headers: html }))).status).toBe(307);
    // The other apiBasePath routes (sign-in APIs) are left to the app, with or without a session.
    const signInApi = await mw(new Request(`${site}/api/auth/signin`, { method: "POST" }));
    expect(signInApi.headers.get("x-middleware-next")).toBe("1");
  });

  it("sessionMiddleware: custom signInPath / refreshPath; navigation detection", async () => {
    const mw = sessionMiddleware(config, { signInPath: "/login", refreshPath: "/login/refresh" });
    const res = await mw(new Request(`${site}/x`, { headers: { "sec-fetch-dest": "document" } }));
    expect(res.headers.get("location")).toBe(`${site}/login?redirectToPath=%2Fx`);
    expect(isPageNavigation(new Request(site, { method: "HEAD", headers: { accept: "text/html" } }))).toBe(true);
    expect(isPageNavigation(new Request(site, { method: "POST", headers: html }))).toBe(false);
    expect(isPageNavigation(new Request(site, { headers: { accept: "*/*", "sec-fetch-dest": "empty" } }))).toBe(false);
    expect(() => sessionMiddleware(config, { signInPath: "login" })).toThrow(TypeError);
  });

  it("the engine is built lazily from a config or a factory, once, and a bad config fails at the first request", async () => {
    let calls = 0;
    const factory = () => {
      calls++;
      return config();
    };
    const mw = sessionMiddleware(factory);
    const handler = withSession(factory, (s) => Response.json({ userId: s.getUserId() }));
    expect(calls).toBe(0);
    await mw(new Request(`${site}/api/me`));
    await handler(new Request(`${site}/api/me`));
    expect(calls).toBe(1);

    const broken = sessionMiddleware(() => ({ connectionURI: "", appInfo: { apiDomain: site } }));
    await expect(broken(new Request(`${site}/`))).rejects.toThrow(/connectionURI is required/);
    expect(() => sessionMiddleware(undefined as never)).toThrow(TypeError);
  });

  it("withSession: runs the route handler with the session, or answers as the SDK", async () => {
    const engine = st();
    const handler = withSession(engine, (session) => Response.json({ userId: session.getUserId() }));
    expect(
      await (
        await handler(new Request(`${site}/api/me`, { headers: { cookie: await signedInCookies(engine) } }))
      ).json(),
    ).toEqual({
      userId: "next-user",
    });
    expect((await handler(new Request(`${site}/api/me`))).status).toBe(401);
  });

  it("withSession: a session gone inside the handler is 401 with tokens cleared; a core outage 503; other errors propagate", async () => {
    const engine = st();
    const cookie = await signedInCookies(engine, "gone-user");
    const gone = withSession(engine, async (session) => {
      await engine.revokeSession(session.getHandle());
      await session.getSessionDataFromDatabase(); // the core says: no such session
      return new Response("unreachable");
    });
    const res = await gone(new Request(`${site}/api/me`, { headers: { cookie } }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "unauthorised" });
    expect(res.headers.get("front-token")).toBe("remove");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("sAccessToken=;"))).toBe(true);

    // Verification is local (JWKS cached); then every other core call fails.
    let down = false;
    const flaky = createSuperTokens({
      ...config(),
      fetch: (input, init) => (down ? Promise.reject(new TypeError("connection refused")) : fetch(input, init)),
      coreTimeoutMs: 200,
    });
    const cookie2 = await signedInCookies(flaky, "outage-user");
    await flaky.getSession(new Request(`${site}/`, { headers: { cookie: cookie2 } })); // warm the JWKS
    down = true;
    const outage = withSession(flaky, async (session) => {
      await session.getSessionDataFromDatabase();
      return new Response("unreachable");
    });
    const r503 = await outage(new Request(`${site}/api/me`, { headers: { cookie: cookie2 } }));
    expect(r503.status).toBe(503);
    expect(await r503.json()).toMatchObject({ message: "SuperTokens core unavailable", code: "ERR_CORE_UNREACHABLE" });

    const bug = withSession(engine, () => {
      throw new RangeError("a bug in the app");
    });
    await expect(
      bug(new Request(`${site}/api/me`, { headers: { cookie: await signedInCookies(engine) } })),
    ).rejects.toThrow(RangeError);
  });

  it("getSSRSession: verifies again from headers (cookie or Authorization); tells a missing from an expired token", async () => {
    const engine = st();
    const cookie = await signedInCookies(engine, "ssr-user");
    const ok = await getSSRSession(engine, new Headers({ cookie }));
    expect(ok.status).toBe("OK");
    expect(ok.hasToken).toBe(true);
    expect(ok.session?.getUserId()).toBe("ssr-user");
    expect(ok.accessTokenPayload).toMatchObject({ sub: "ssr-user", tId: "public" });

    const token = decodeURIComponent(/sAccessToken=([^;]+)/.exec(cookie)![1]!);
    const bearer = await getSSRSession(
      config,
      new Request(`${site}/`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(bearer.session?.getUserId()).toBe("ssr-user");

    expect(await getSSRSession(engine, new Headers())).toMatchObject({
      status: "OK",
      session: undefined,
      hasToken: false,
    });
    const late = await getSSRSession(engine, new Headers({ cookie: `sAccessToken=${await expired()}` }));
    expect(late).toMatchObject({ status: "TRY_REFRESH_TOKEN", session: undefined, hasToken: true });
    // A spoofed identity header is not a session.
    expect((await getSSRSession(engine, new Headers({ "x-supertokens-user-id": "mallory" }))).session).toBeUndefined();
  });

  it("getForwardedIdentity: decodes the percent-encoded ids and the base64url JSON payload; undefined when absent or malformed", () => {
    const payload = encodeBase64UrlJson({ sub: "ü", role: "admin" });
    const headers = new Headers({
      "x-supertokens-user-id": "j%C3%BCrgen%25x",
      "x-supertokens-recipe-user-id": "r%201",
      "x-supertokens-tenant-id": "public",
      "x-supertokens-session-handle": "h-1",
      "x-supertokens-access-token-payload": payload,
    });
    expect(getForwardedIdentity(headers)).toEqual({
      userId: "jürgen%x",
      recipeUserId: "r 1",
      tenantId: "public",
      sessionHandle: "h-1",
      accessTokenPayload: { sub: "ü", role: "admin" },
    });
    expect(getForwardedIdentity(new Headers())).toBeUndefined();
    const bad = new Headers(headers);
    bad.set("x-supertokens-access-token-payload", "not json!");
    expect(getForwardedIdentity(bad)).toBeUndefined();
    bad.set("x-supertokens-access-token-payload", payload);
    bad.set("x-supertokens-user-id", "%E0%A4%A");
    expect(getForwardedIdentity(bad)).toBeUndefined();
  });
});

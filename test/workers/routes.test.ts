// The one route table (src/http/routes.ts) and the canonical path it is matched on (src/http/path.ts), as units,
// then through `st.handleAuthRequest(request)`: only `POST {apiBasePath}[/{tenantId}]/session/refresh` and
// `…/signout` are answered, on the canonical path, case-sensitively, one trailing slash ignored.
import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../src/http/path.js";
import { matchRoute, type Route } from "../../src/http/routes.js";
import { API, cookieHeader, cookieJar, engine } from "./helpers/index.js";

const refresh = (tenantId?: string): Route => ({ kind: "session-api", api: "refresh", method: "POST", tenantId });
const signout = (tenantId?: string): Route => ({ kind: "session-api", api: "signout", method: "POST", tenantId });
const auth: Route = { kind: "auth" };
const app: Route = { kind: "app" };

describe("matchRoute(apiBasePath, canonicalPath)", () => {
  const table: [apiBasePath: string, path: string, route: Route][] = [
    ["/auth", "/auth/session/refresh", refresh()],
    ["/auth", "/auth/signout", signout()],
    // one trailing slash is ignored, as supertokens-node's path normalisation does
    ["/auth", "/auth/session/refresh/", refresh()],
    ["/auth", "/auth/signout/", signout()],
    // a tenant segment: letters, digits and `-` (supertokens-node's tenant id pattern)
    ["/auth", "/auth/t1/session/refresh", refresh("t1")],
    ["/auth", "/auth/Tenant-1/signout", signout("Tenant-1")],
    ["/auth", "/auth/t1/signout/", signout("t1")],
    ["/auth", "/auth/t_1/session/refresh", auth],
    ["/auth", "/auth/t.1/session/refresh", auth],
    ["/auth", "/auth/t%20/signout", auth],
    ["/auth", "/auth/a/b/session/refresh", auth],
    // the rest of the subtree is "auth" (sign-in, sign-up, … of other recipes); outside it, "app"
    ["/auth", "/auth", auth],
    ["/auth", "/auth/", auth],
    ["/auth", "/auth/signin", auth],
    ["/auth", "/auth/session", auth],
    ["/auth", "/auth/session/refresh/x", auth],
    ["/auth", "/authors", app],
    ["/auth", "/", app],
    ["/auth", "/x/auth/session/refresh", app],
    // case-sensitive, as the SDK
    ["/auth", "/Auth/session/refresh", app],
    ["/auth", "/AUTH/signout", app],
    ["/auth", "/auth/Session/refresh", auth],
    ["/auth", "/auth/SIGNOUT", auth],
    // another apiBasePath
    ["/api/auth", "/api/auth/session/refresh", refresh()],
    ["/api/auth", "/api/auth/t1/signout", signout("t1")],
    ["/api/auth", "/auth/session/refresh", app],
    ["/api/auth", "/api/session/refresh", app],
    ["/api/auth", "/api", app],
    // apiBasePath "/" (normalised to ""): every path is in the auth subtree
    ["", "/session/refresh", refresh()],
    ["", "/signout", signout()],
    ["", "/t1/session/refresh", refresh("t1")],
    ["", "/", auth],
    ["", "/anything", auth],
  ];
  it.each(table)("%o %s", (apiBasePath, path, route) => expect(matchRoute(apiBasePath, path)).toEqual(route));
});

describe("canonicalPath", () => {
  const ok: [pathname: string, canonical: string][] = [
    ["/auth/session/refresh", "/auth/session/refresh"],
    ["/auth/%73ession/refresh", "/auth/session/refresh"], // an escaped unreserved character is the character
    ["/auth/%53ession/refresh", "/auth/Session/refresh"], // …so this is `Session`: not the route (case)
    ["/auth//session///refresh", "/auth/session/refresh"],
    ["/auth/./session/refresh", "/auth/session/refresh"],
    ["/auth/x/../session/refresh", "/auth/session/refresh"],
    ["/auth/%2e%2e/secret", "/secret"],
    ["/auth/session/refresh/", "/auth/session/refresh/"],
    ["/caf%c3%a9", "/caf%C3%A9"],
    ["/a%3fb", "/a%3Fb"],
    ["", "/"],
  ];
  it.each(ok)("%s → %s", (pathname, canonical) =>
    expect(canonicalPath(pathname)).toEqual({ ok: true, path: canonical }),
  );

  const refused: [pathname: string, reason: string][] = [
    ["/auth/session%2Frefresh", "encoded-slash"],
    ["/auth/session%2frefresh", "encoded-slash"],
    ["/auth/session%5Crefresh", "encoded-slash"],
    ["/auth/session\\refresh", "backslash"],
    ["/auth/%zz", "invalid-escape"],
    ["/auth/%00", "control-character"],
    ["/auth/%C3", "invalid-utf8"],
    ["/auth/%2541", "double-encoding"],
    ["/auth/..;/secret", "dot-segment"],
  ];
  it.each(refused)("%s is refused: %s", (pathname, reason) =>
    expect(canonicalPath(pathname)).toEqual({ ok: false, reason }),
  );

  it("allowEncodedSlashes keeps %2F (upper-cased)", () => {
    expect(canonicalPath("/a%2fb", { allowEncodedSlashes: true })).toEqual({ ok: true, path: "/a%2Fb" });
  });
});

describe("handleAuthRequest: only POST, only the session API paths", () => {
  const post = (url: string, headers: Record<string, string> = {}) => new Request(url, { method: "POST", headers });

  /** The SDK's answer to a refresh without a refresh token: 401 unauthorised, tokens cleared. */
  async function expectRefreshWithoutToken(res: Response | undefined) {
    expect(res).toBeDefined();
    expect(res!.status).toBe(401);
    expect(await res!.json()).toEqual({ message: "unauthorised" });
    expect(res!.headers.get("front-token")).toBe("remove");
  }

  it.each(["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])("%s is not answered", async (method) => {
    const st = engine();
    for (const path of ["/auth/session/refresh", "/auth/signout"]) {
      expect(await st.handleAuthRequest(new Request(`${API}${path}`, { method }))).toBeUndefined();
    }
  });

  it("POST to the refresh and sign-out paths (tenant, trailing slash, an escaped letter) is answered", async () => {
    const st = engine();
    for (const path of [
      "/auth/session/refresh",
      "/auth/session/refresh/",
      "/auth/t1/session/refresh",
      "/auth/%73ession/refresh",
    ]) {
      await expectRefreshWithoutToken(await st.handleAuthRequest(post(`${API}${path}`)));
    }
    for (const path of ["/auth/signout", "/auth/t1/signout/"]) {
      const res = await st.handleAuthRequest(post(`${API}${path}`));
      expect(res?.status).toBe(401);
      expect(await res!.json()).toEqual({ message: "unauthorised" });
    }
  });

  it("POST to any other path is not answered (case, tenant characters, encoded slash, other recipes)", async () => {
    const st = engine();
    for (const path of [
      "/Auth/session/refresh",
      "/auth/Session/refresh",
      "/auth/SIGNOUT",
      "/auth/t_1/session/refresh",
      "/auth/session%2Frefresh",
      "/auth/signin",
      "/auth",
      "/session/refresh",
      "/api/auth/session/refresh",
    ]) {
      expect(await st.handleAuthRequest(post(`${API}${path}`)), path).toBeUndefined();
    }
  });

  it("apiBasePath /api/auth and /", async () => {
    const nested = engine({ appInfo: { apiDomain: API, apiBasePath: "/api/auth" } });
    await expectRefreshWithoutToken(await nested.handleAuthRequest(post(`${API}/api/auth/session/refresh`)));
    expect(await nested.handleAuthRequest(post(`${API}/auth/session/refresh`))).toBeUndefined();

    const root = engine({ appInfo: { apiDomain: API, apiBasePath: "/" } });
    expect(root.config.apiBasePath).toBe("");
    await expectRefreshWithoutToken(await root.handleAuthRequest(post(`${API}/session/refresh`)));
    await expectRefreshWithoutToken(await root.handleAuthRequest(post(`${API}/t1/session/refresh`)));
    expect((await root.handleAuthRequest(post(`${API}/signout`)))?.status).toBe(401);
    expect(await root.handleAuthRequest(post(`${API}/signin`))).toBeUndefined();
  });

  it("apiGatewayPath: the Worker sees the path without it, the refresh cookie's Path has it", async () => {
    const st = engine({ appInfo: { apiDomain: API, apiGatewayPath: "/gw" } });
    expect(st.config.refreshTokenPath).toBe("/gw/auth/session/refresh");
    const created = await st.createNewSession(
      new Request(`${API}/login`, { headers: { "st-auth-mode": "cookie" } }),
      "public",
      "u-gw",
    );
    const res = created.applyTo(new Response(""));
    const refreshLine = res.headers.getSetCookie().find((l) => l.startsWith("sRefreshToken="))!;
    expect(refreshLine).toMatch(/; Path=\/gw\/auth\/session\/refresh;/);
    expect(created.session.getAccessTokenPayload().iss).toBe(`${API}/gw/auth`);
    const cookie = cookieHeader(cookieJar(res));
    // The gateway strips /gw before the Worker: the Worker's path is /auth/session/refresh.
    const refreshed = await st.handleAuthRequest(post(`${API}/auth/session/refresh`, { cookie }));
    expect(refreshed?.status).toBe(200);
    expect(refreshed!.headers.getSetCookie().find((l) => l.startsWith("sRefreshToken="))).toMatch(
      /; Path=\/gw\/auth\/session\/refresh;/,
    );
    expect(await st.handleAuthRequest(post(`${API}/gw/auth/session/refresh`, { cookie }))).toBeUndefined();
  });
});

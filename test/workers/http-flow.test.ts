import { describe, expect, it } from "vitest";
import type { SuperTokensConfig } from "../../src/index.js";
import { API, cookieHeader, cookieJar, engine, frontTokenOf } from "./helpers/index.js";

const make = (extra: Partial<SuperTokensConfig> = {}) =>
  engine({ appInfo: { apiDomain: API, websiteDomain: "https://example.com" }, ...extra });

describe("HTTP flow, cookie mode", () => {
  it("create → verify → refresh → promotion → sign-out", async () => {
    const st = make({ antiCsrf: "VIA_TOKEN" });
    const created = await st.createNewSession(
      new Request(`${API}/login`, { headers: { "st-auth-mode": "cookie" } }),
      "public",
      "user-1",
    );
    const res = created.applyTo(new Response("ok"));
    expect(res.headers.get("access-control-expose-headers")).toBe("front-token, anti-csrf");
    const setCookies = res.headers.getSetCookie();
    expect(setCookies[0]).toMatch(
      /^sAccessToken=eyJ[^;]+; Path=\/; Expires=[^;]+ GMT; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(setCookies[1]).toMatch(
      /^sRefreshToken=[^;]+; Path=\/auth\/session\/refresh; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
    );
    const antiCsrf = res.headers.get("anti-csrf")!;
    const front = frontTokenOf(res);
    expect(front.uid).toBe("user-1");
    expect(front.up.iss).toBe(`${API}/auth`);
    const jar = cookieJar(res);

    const get = await st.getSession(new Request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } }));
    expect(get.status).toBe("OK");

    const post = await st.getSession(
      new Request(`${API}/me`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(post.status).toBe("TRY_REFRESH_TOKEN");
    if (post.status !== "OK") {
      expect(post.response.status).toBe(401);
      expect(await post.response.json()).toEqual({ message: "try refresh token" });
    }

    const refreshed = await st.handleAuthRequest(
      new Request(`${API}/auth/session/refresh`, {
        method: "POST",
        headers: { cookie: cookieHeader(jar), "anti-csrf": antiCsrf, rid: "session" },
      }),
    );
    expect(refreshed!.status).toBe(200);
    expect(await refreshed!.json()).toEqual({});
    const antiCsrf2 = refreshed!.headers.get("anti-csrf")!;
    cookieJar(refreshed!, jar);

    const promoted = await st.getSession(
      new Request(`${API}/me`, { method: "POST", headers: { cookie: cookieHeader(jar), "anti-csrf": antiCsrf2 } }),
    );
    expect(promoted.status).toBe("OK");
    if (promoted.status === "OK") {
      expect(promoted.session!.accessTokenUpdated).toBe(true);
      const out = promoted.applyTo(new Response("x"));
      expect(out.headers.getSetCookie()).toHaveLength(1);
      expect(out.headers.get("front-token")).toBeTruthy();
      cookieJar(out, jar);
    }

    const signout = await st.handleAuthRequest(
      new Request(`${API}/auth/signout`, {
        method: "POST",
        headers: { cookie: cookieHeader(jar), "anti-csrf": antiCsrf2, rid: "session" },
      }),
    );
    expect(signout!.status).toBe(200);
    expect(await signout!.json()).toEqual({ status: "OK" });
    expect(signout!.headers.get("front-token")).toBe("remove");
    expect(signout!.headers.getSetCookie()).toEqual([
      "sAccessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
      "sRefreshToken=; Path=/auth/session/refresh; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
    ]);
  });

  it("header mode: create, refresh with Authorization: Bearer <refresh token>", async () => {
    const st = make();
    const created = await st.createNewSession(new Request(`${API}/login`), "public", "user-2");
    const res = created.applyTo(new Response("ok"));
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get("access-control-expose-headers")).toBe("front-token, st-access-token, st-refresh-token");
    const refreshToken = res.headers.get("st-refresh-token")!;
    const refreshed = await st.refreshSession(
      new Request(`${API}/auth/session/refresh`, {
        method: "POST",
        headers: { authorization: `Bearer ${refreshToken}` },
      }),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("st-access-token")).toMatch(/^eyJ/);
    const again = await st.refreshSession(
      new Request(`${API}/auth/session/refresh`, {
        method: "POST",
        headers: { authorization: `Bearer ${refreshToken}` },
      }),
    );
    expect(again.status).toBe(200); // not promoted yet: concurrent-tab safety
  });
});

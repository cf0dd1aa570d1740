import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { SuperTokensConfig } from "../../src/index.js";
import { supertokens, verifySession } from "../../src/hono/index.js";
import { API, cookieHeader, cookieJar, engine, engineConfig, frontTokenOf } from "./helpers/index.js";

function app(extra: Partial<SuperTokensConfig> = {}) {
  const a = new Hono();
  a.use("*", supertokens(() => engineConfig(extra)));
  a.post("/login", async (c) => {
    const st = engine(extra);
    const created = await st.createNewSession(c.req.raw, "public", (await c.req.json<{ userId: string }>()).userId);
    return created.applyTo(c.json({ ok: true }));
  });
  a.get("/me", verifySession(), (c) => c.json({ userId: c.var.session.getUserId(), tenantId: c.var.session.getTenantId() }));
  a.get("/maybe", verifySession({ sessionRequired: false }), (c) => c.json({ userId: c.var.session?.getUserId() ?? null }));
  a.post("/merge", verifySession(), async (c) => {
    await c.var.session.mergeIntoAccessTokenPayload({ plan: "pro" });
    return c.json({ plan: c.var.session.getAccessTokenPayload().plan });
  });
  a.post("/logout-here", verifySession(), async (c) => {
    await c.var.session.revokeSession();
    return c.json({ bye: true });
  });
  a.options("/me", verifySession(), (c) => c.body(null, 204));
  return a;
}

async function login(a: Hono, mode: "cookie" | "header" = "cookie") {
  const res = await a.request(`${API}/login`, {
    method: "POST",
    headers: mode === "cookie" ? { "st-auth-mode": "cookie" } : {},
    body: JSON.stringify({ userId: "hono-user" }),
  });
  expect(res.status).toBe(200);
  return res;
}

describe("Hono: supertokens() + verifySession()", () => {
  it("puts a typed session on c.var and answers 401 like the SDK without one", async () => {
    const a = app();
    const jar = cookieJar(await login(a));
    const ok = await a.request(`${API}/me`, { headers: { cookie: cookieHeader(jar) } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ userId: "hono-user", tenantId: "public" });
    const denied = await a.request(`${API}/me`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });
    const bad = await a.request(`${API}/me`, { headers: { cookie: "sAccessToken=eyJhbGciOiJub25lIn0.e30." } });
    expect(bad.status).toBe(401);
  });

  it("optional sessions, OPTIONS skipped, header mode", async () => {
    const a = app();
    expect(await (await a.request(`${API}/maybe`)).json()).toEqual({ userId: null });
    expect((await a.request(`${API}/me`, { method: "OPTIONS" })).status).toBe(204);
    const res = await login(a, "header");
    const token = res.headers.get("st-access-token")!;
    const me = await a.request(`${API}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ userId: "hono-user" });
  });

  it("mounts refresh and sign-out", async () => {
    const a = app();
    const jar = cookieJar(await login(a));
    const refreshed = await a.request(`${API}/auth/session/refresh`, { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("front-token")).toBeTruthy();
    cookieJar(refreshed, jar);
    const out = await a.request(`${API}/auth/signout`, { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(await out.json()).toEqual({ status: "OK" });
    expect(out.headers.get("front-token")).toBe("remove");
  });

  it("a payload merge in the handler reaches the client with the handler's body", async () => {
    const a = app();
    const jar = cookieJar(await login(a));
    const res = await a.request(`${API}/merge`, { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ plan: "pro" });
    const setCookies = res.headers.getSetCookie();
    expect(setCookies).toHaveLength(1);
    expect(setCookies[0]).toMatch(/^sAccessToken=eyJ/);
    const front = frontTokenOf(res);
    expect(front.up.plan).toBe("pro");
  });

  it("revokeSession() in the handler clears the client's tokens", async () => {
    const a = app();
    const jar = cookieJar(await login(a));
    const res = await a.request(`${API}/logout-here`, { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(await res.json()).toEqual({ bye: true });
    expect(res.headers.get("front-token")).toBe("remove");
    expect(res.headers.getSetCookie().every((c) => c.includes("Expires=Thu, 01 Jan 1970"))).toBe(true);
  });

  it("misuse is a TypeError at once", () => {
    expect(() => supertokens(42 as never)).toThrow(TypeError);
    expect(() => verifySession("nope" as never)).toThrow(TypeError);
  });
});

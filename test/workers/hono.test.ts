import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type Session, type SuperTokensConfig, type SuperTokensEdge, UnauthorisedError } from "../../src/index.js";
import { getSupertokens, supertokens, verifySession } from "../../src/hono/index.js";
import { API, cookieHeader, cookieJar, cookieSession, engine, engineConfig, frontTokenOf } from "./helpers/index.js";

function app(extra: Partial<SuperTokensConfig> = {}) {
  const a = new Hono();
  a.use(
    "*",
    supertokens(() => engineConfig(extra)),
  );
  a.post("/login", async (c) => {
    const st = engine(extra);
    const created = await st.createNewSession(c.req.raw, "public", (await c.req.json<{ userId: string }>()).userId);
    return created.applyTo(c.json({ ok: true }));
  });
  a.get("/me", verifySession(), (c) =>
    c.json({ userId: c.var.session.getUserId(), tenantId: c.var.session.getTenantId() }),
  );
  a.get("/maybe", verifySession({ sessionRequired: false }), (c) =>
    c.json({ userId: c.var.session?.getUserId() ?? null }),
  );
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
    const refreshed = await a.request(`${API}/auth/session/refresh`, {
      method: "POST",
      headers: { cookie: cookieHeader(jar) },
    });
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

describe("Hono: getSupertokens(c)", () => {
  it("returns the engine supertokens() mounted (a factory runs once)", async () => {
    const st = engine();
    const direct = new Hono();
    direct.use("*", supertokens(st));
    direct.get("/which", (c) => c.json({ same: getSupertokens(c) === st }));
    expect(await (await direct.request(`${API}/which`)).json()).toEqual({ same: true });

    let built = 0;
    const seen = new Set<SuperTokensEdge>();
    const lazy = new Hono();
    lazy.use(
      "*",
      supertokens(() => {
        built++;
        return engineConfig();
      }),
    );
    lazy.get("/which", (c) => {
      seen.add(getSupertokens(c));
      return c.json({ apiDomain: getSupertokens(c).config.apiDomain });
    });
    for (let i = 0; i < 3; i++) expect(await (await lazy.request(`${API}/which`)).json()).toEqual({ apiDomain: API });
    expect(built).toBe(1);
    expect(seen.size).toBe(1);
  });

  it("throws a TypeError without supertokens()", async () => {
    const a = new Hono();
    let caught: unknown;
    a.onError((err, c) => {
      caught = err;
      return c.json({ error: err.message }, 500);
    });
    a.get("/which", (c) => c.json({ st: getSupertokens(c).config.apiDomain }));
    const res = await a.request(`${API}/which`);
    expect(res.status).toBe(500);
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).message).toBe("supertokens-edge/hono: mount supertokens(...) before using the engine");
  });
});

describe("Hono: verifySession() and the methods that carry no session", () => {
  function counted() {
    const a = new Hono();
    let ran = 0;
    a.use(
      "*",
      supertokens(() => engineConfig()),
    );
    a.on(["GET", "OPTIONS", "TRACE"], "/required", verifySession(), (c) => {
      ran++;
      return c.json({ userId: c.var.session.getUserId() });
    });
    a.on(["GET", "OPTIONS", "TRACE"], "/optional", verifySession({ sessionRequired: false }), (c) => {
      ran++;
      return c.json({ session: c.var.session === undefined ? null : c.var.session.getUserId() });
    });
    return { a, ran: () => ran };
  }

  it("a required route answers OPTIONS with 204 without running the handler", async () => {
    const { a, ran } = counted();
    const jar = await cookieSession(engine(), "hono-opt");
    for (const headers of [{}, { cookie: cookieHeader(jar) }] as Record<string, string>[]) {
      const res = await a.request(`${API}/required`, { method: "OPTIONS", headers });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
    }
    expect(ran()).toBe(0);
  });

  it("TRACE is verified like GET: 401 without a session, the handler with one", async () => {
    const { a, ran } = counted();
    const denied = await a.request(`${API}/required`, { method: "TRACE" });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });
    expect(ran()).toBe(0);
    const jar = await cookieSession(engine(), "hono-trace");
    const ok = await a.request(`${API}/required`, { method: "TRACE", headers: { cookie: cookieHeader(jar) } });
    expect(await ok.json()).toEqual({ userId: "hono-trace" });
    expect(ran()).toBe(1);
  });

  it("an optional route runs the handler with c.var.session === undefined for OPTIONS, even with a session", async () => {
    const { a, ran } = counted();
    const jar = await cookieSession(engine(), "hono-optional");
    const res = await a.request(`${API}/optional`, { method: "OPTIONS", headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ session: null });
    const get = await a.request(`${API}/optional`, { headers: { cookie: cookieHeader(jar) } });
    expect(await get.json()).toEqual({ session: "hono-optional" });
    expect(ran()).toBe(2);
  });
});

describe("Hono: errors thrown by handlers", () => {
  function withHandler(handler: (session: Session, st: SuperTokensEdge) => Promise<unknown>, onError = true) {
    const st = engine();
    const a = new Hono();
    const caught: unknown[] = [];
    if (onError) {
      a.onError((err, c) => {
        caught.push(err);
        return c.json({ caught: err.message }, 500);
      });
    }
    a.use("*", supertokens(st));
    a.get("/h", verifySession(), async (c) => {
      await handler(c.var.session, st);
      return c.json({ unreachable: true });
    });
    return { a, st, caught };
  }

  it("an error that is not ours reaches Hono's onError (500)", async () => {
    const { a, st, caught } = withHandler(async () => {
      throw new RangeError("a bug in the app");
    });
    const jar = await cookieSession(st, "hono-bug");
    const res = await a.request(`${API}/h`, { headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ caught: "a bug in the app" });
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(RangeError);
    expect(res.headers.getSetCookie()).toEqual([]);

    const plain = withHandler(async () => {
      throw new RangeError("a bug in the app");
    }, false);
    const res2 = await plain.a.request(`${API}/h`, {
      headers: { cookie: cookieHeader(await cookieSession(plain.st, "hono-bug")) },
    });
    expect(res2.status).toBe(500); // Hono's default error handler
  });

  it("UnauthorisedError (the session is gone) becomes the SDK's 401 with the tokens cleared", async () => {
    for (const handler of [
      async (session: Session, st: SuperTokensEdge) => {
        await st.revokeSession(session.getHandle());
        await session.getSessionDataFromDatabase(); // the core: no such session
      },
      async () => {
        throw new UnauthorisedError("gone");
      },
    ]) {
      const { a, st, caught } = withHandler(handler);
      const jar = await cookieSession(st, "hono-gone");
      const res = await a.request(`${API}/h`, { headers: { cookie: cookieHeader(jar) } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: "unauthorised" });
      expect(res.headers.get("front-token")).toBe("remove");
      expect(res.headers.getSetCookie()).toEqual([
        "sAccessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
        "sRefreshToken=; Path=/auth/session/refresh; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax",
      ]);
      // Hono calls onError where the handler threw, before verifySession sees the error and replaces that
      // answer: an app's onError that reports 500s must skip these (isSuperTokensEdgeError).
      expect(caught).toHaveLength(1);
      expect(caught[0]).toBeInstanceOf(UnauthorisedError);
    }
  });
});

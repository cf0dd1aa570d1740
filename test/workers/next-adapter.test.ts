import { describe, expect, it } from "vitest";
import { createSuperTokens } from "../../src/index.js";
import { sessionMiddleware, withSession } from "../../src/next/index.js";
import { cookieHeader, cookieJar, coreUrl } from "./helpers/core.js";

const site = "https://app.example.com";
const st = () => createSuperTokens({ connectionURI: coreUrl(), appInfo: { apiDomain: site } });

async function signedInCookies(engine: ReturnType<typeof st>) {
  const created = await engine.createNewSession(new Request(`${site}/login`, { headers: { "st-auth-mode": "cookie" } }), "public", "next-user");
  return cookieHeader(cookieJar(created.applyTo(new Response(""))));
}

describe("Next.js adapters (no `next` import)", () => {
  it("sessionMiddleware: continues with the identity as request-header overrides, strips spoofed ones", async () => {
    const engine = st();
    const mw = sessionMiddleware(engine, { publicPaths: ["/", "/docs/*"] });
    const res = await mw(
      new Request(`${site}/dashboard`, { headers: { cookie: await signedInCookies(engine), "x-supertokens-user-id": "mallory" } }),
    );
    expect(res.headers.get("x-middleware-next")).toBe("1");
    expect(res.headers.get("x-middleware-request-x-supertokens-user-id")).toBe("next-user");
    expect(res.headers.get("x-middleware-request-x-supertokens-tenant-id")).toBe("public");
    const overridden = res.headers.get("x-middleware-override-headers")!.split(",");
    expect(overridden).toContain("x-supertokens-user-id");
    expect(overridden).toContain("cookie");
  });

  it("sessionMiddleware: the SDK's 401 on protected paths, anonymous continue on public ones, refresh answered", async () => {
    const engine = st();
    const mw = sessionMiddleware(engine, { publicPaths: ["/", "/docs/*"] });
    const denied = await mw(new Request(`${site}/dashboard`));
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });
    const pub = await mw(new Request(`${site}/docs/a`, { headers: { "x-supertokens-user-id": "mallory" } }));
    expect(pub.headers.get("x-middleware-next")).toBe("1");
    expect(pub.headers.get("x-middleware-request-x-supertokens-user-id")).toBeNull();
    const refresh = await mw(new Request(`${site}/auth/session/refresh`, { method: "POST" }));
    expect(refresh.status).toBe(401);
    expect(refresh.headers.get("front-token")).toBe("remove");
  });

  it("withSession: runs the route handler with the session, or answers as the SDK", async () => {
    const engine = st();
    const handler = withSession(engine, (session) => Response.json({ userId: session.getUserId() }));
    expect(await (await handler(new Request(`${site}/api/me`, { headers: { cookie: await signedInCookies(engine) } }))).json()).toEqual({
      userId: "next-user",
    });
    expect((await handler(new Request(`${site}/api/me`))).status).toBe(401);
  });
});

import { createServer as createHttpServer, type Server } from "node:http";
import { build } from "esbuild";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launchChromium } from "./helpers/chromium.js";
import { ROOT, startDevScript, type DevScript } from "./helpers/dev-script.js";

// End to end: the OFFICIAL frontend SDK (supertokens-web-js, i.e. supertokens-website 20.x), unchanged, in a real
// headless Chromium, against the front door running under a real `wrangler dev` (scripts/dev.mjs = `npm start`)
// with the core emulator. The page, the API and the auth routes are all same-origin through the front door.

const HAVE_CHROMIUM = haveChromium("browser.test.ts");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** supertokens-web-js bundled for the browser, exposed as `window.ST = { SuperTokens, Session }`. */
async function bundleSdk(): Promise<string> {
  const out = await build({
    stdin: {
      contents: [
        'export { default as SuperTokens } from "supertokens-web-js";',
        'export { default as Session } from "supertokens-web-js/recipe/session";',
      ].join("\n"),
      resolveDir: ROOT,
      loader: "js",
      sourcefile: "browser-entry.js",
    },
    bundle: true,
    format: "iife",
    platform: "browser",
    globalName: "ST",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}

/** The origin behind the front door: no SuperTokens code, trusts the identity headers. */
async function startOrigin(appJs: string): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    seen.push(`${req.method} ${path}`);
    if (req.method === "GET" && path === "/public/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        '<!doctype html><html><head><meta charset="utf-8"><title>e2e</title><script src="/public/app.js"></script></head><body></body></html>',
      );
      return;
    }
    if (req.method === "GET" && path === "/public/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      res.end(appJs);
      return;
    }
    if (path === "/api/me") {
      const userId = req.headers["x-supertokens-user-id"];
      if (typeof userId !== "string") {
        // Never expected: the front door must have refused the request before it got here.
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "origin: no identity" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ userId, tenantId: req.headers["x-supertokens-tenant-id"] ?? null }));
      return;
    }
    if (path === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "not found" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, seen };
}

interface NetEntry {
  method: string;
  path: string;
  status?: number;
  reqHeaders: Record<string, string>;
  resHeaders?: Record<string, string>;
  done: Promise<void>;
}

(HAVE_CHROMIUM ? describe : describe.skip)("supertokens-web-js in Chromium through the front door", () => {
  let origin: Awaited<ReturnType<typeof startOrigin>> | undefined;
  let dev: DevScript | undefined;
  let browser: Browser | undefined;
  let front = "";
  const emu = (path: string, body?: unknown) => dev!.emulator.emu(path, body);
  const coreCount = (key: string) => dev!.emulator.countOf(key);

  beforeAll(async () => {
    const t0 = Date.now();
    const appJs = await bundleSdk();
    origin = await startOrigin(appJs);
    const launching = launchChromium();
    launching.catch(() => {}); // awaited below; avoid an unhandled rejection while the front door starts
    dev = await startDevScript({ ORIGIN_URL: origin.url, PUBLIC_PATHS: "/public/*" });
    front = dev.front;
    browser = await launching;
    console.log(`browser e2e: set-up ${Date.now() - t0} ms (esbuild + wrangler dev + chromium)`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await dev?.stop();
    await new Promise((r) => origin?.server.close(() => r(undefined)) ?? r(undefined));
  }, 30_000);

  for (const mode of ["cookie", "header"] as const) {
    describe(`tokenTransferMethod: "${mode}"`, () => {
      let context: BrowserContext;
      let page: Page;
      const net: NetEntry[] = [];
      const pageErrors: string[] = [];

      /** What the page's own (SDK-intercepted) fetch returns. */
      const pageFetch = (path: string, init?: { method?: string; body?: string }) =>
        page.evaluate(
          async ([p, i]) => {
            const r = await fetch(p, i ?? undefined);
            const text = await r.text();
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {
              // keep the text
            }
            return { status: r.status, body };
          },
          [path, init ?? null] as const,
        );
      /** The requests seen since `from`, once their responses are in. */
      const netSince = async (from: number) => {
        const entries = net.slice(from);
        await Promise.all(entries.map((e) => e.done));
        return entries;
      };
      const sdk = {
        exists: () => page.evaluate(() => (window as any).ST.Session.doesSessionExist() as Promise<boolean>),
        userId: () => page.evaluate(() => (window as any).ST.Session.getUserId() as Promise<string>),
        payload: () => page.evaluate(() => (window as any).ST.Session.getAccessTokenPayloadSecurely() as Promise<any>),
        refresh: () =>
          page.evaluate(async () => {
            try {
              return { value: (await (window as any).ST.Session.attemptRefreshingSession()) as boolean };
            } catch (e: any) {
              // supertokens-website throws the refresh Response itself on a non-401 error status.
              return {
                thrown: e instanceof Response ? { status: e.status, body: await e.text() } : String(e?.message ?? e),
              };
            }
          }),
        signOut: () => page.evaluate(() => (window as any).ST.Session.signOut() as Promise<void>),
      };
      const signIn = (userId: string) =>
        pageFetch("/auth/demo/signin", { method: "POST", body: JSON.stringify({ userId }) });
      // Every session cookie in the browser's jar, any path (sRefreshToken lives on /auth/session/refresh only).
      // Not counted: the SDK's own bookkeeping cookie `st-last-access-token-update`, written even without a session.
      const sessionCookies = async () =>
        (await context.cookies())
          .filter((c) =>
            ["sAccessToken", "sRefreshToken", "sFrontToken", "st-access-token", "st-refresh-token"].includes(c.name),
          )
          .map((c) => c.name)
          .sort();
      const cookieNames = (header: string | undefined) =>
        (header ?? "")
          .split(";")
          .map((c) => c.trim().split("=")[0])
          .filter(Boolean)
          .sort();

      beforeAll(async () => {
        context = await browser!.newContext();
        page = await context.newPage();
        page.on("pageerror", (e) => pageErrors.push(String(e)));
        context.on("request", (req) => {
          const u = new URL(req.url());
          if (!u.pathname.startsWith("/auth/") && u.pathname !== "/api/me") return;
          // Pushed synchronously (in wire order); headers and status are filled in when they arrive.
          const entry: NetEntry = { method: req.method(), path: u.pathname, reqHeaders: {}, done: Promise.resolve() };
          entry.done = (async () => {
            entry.reqHeaders = await req.allHeaders().catch(() => ({}));
            const res = await req.response().catch(() => null);
            if (res) {
              entry.status = res.status();
              entry.resHeaders = await res.allHeaders().catch(() => ({}));
            }
          })();
          net.push(entry);
        });
        const nav = await page.goto(`${front}/public/index.html`);
        expect(nav?.status()).toBe(200);
        await page.evaluate(
          ([apiDomain, m]) => {
            const { SuperTokens, Session } = (window as any).ST;
            SuperTokens.init({
              appInfo: { appName: "e2e", apiDomain, apiBasePath: "/auth" },
              recipeList: [Session.init({ tokenTransferMethod: m })],
            });
          },
          [front, mode] as const,
        );
      }, 90_000);

      afterAll(async () => {
        await context?.close().catch(() => {});
        await emu("failure", { mode: null }).catch(() => {});
        await emu("config", { accessTokenValiditySec: 3600 }).catch(() => {});
      });

      it("1. no session before sign-in: doesSessionExist false, /api/me 401 (never reaches the origin)", async () => {
        expect(await sdk.exists()).toBe(false);
        const seenBefore = origin!.seen.filter((s) => s.endsWith("/api/me")).length;
        const me = await pageFetch("/api/me");
        expect(me.status).toBe(401);
        expect(me.body).toEqual({ message: "unauthorised" });
        expect(origin!.seen.filter((s) => s.endsWith("/api/me")).length).toBe(seenBefore);
        expect(await sessionCookies()).toEqual([]);
      }, 90_000);

      it("2. sign-in through the front door: the SDK sees the session, the origin sees the user", async () => {
        const res = await signIn(`alice-${mode}`);
        expect(res).toEqual({ status: 200, body: { status: "OK", userId: `alice-${mode}` } });
        const req = (await netSince(0)).filter((e) => e.path === "/auth/demo/signin").at(-1)!;
        expect(req.reqHeaders["st-auth-mode"]).toBe(mode); // added by the SDK's interceptor, not by us
        expect(req.reqHeaders.rid).toBe("anti-csrf");

        expect(await sdk.exists()).toBe(true);
        expect(await sdk.userId()).toBe(`alice-${mode}`);
        expect(await sdk.payload()).toMatchObject({ sub: `alice-${mode}`, tId: "public" });
        const me = await pageFetch("/api/me");
        expect(me).toEqual({ status: 200, body: { userId: `alice-${mode}`, tenantId: "public" } });

        const cookies = await sessionCookies();
        if (mode === "cookie") {
          expect(cookies).toEqual(expect.arrayContaining(["sAccessToken", "sFrontToken", "sRefreshToken"]));
          expect(cookies).not.toContain("st-access-token");
          // The access token is HttpOnly: the page cannot read it, only the front token.
          const all = await context.cookies();
          expect(all.find((c) => c.name === "sAccessToken")?.httpOnly).toBe(true);
          expect(all.find((c) => c.name === "sRefreshToken")?.path).toBe("/auth/session/refresh");
        } else {
          // Header mode: the SDK keeps the tokens in its own (frontend) storage and sends Authorization.
          expect(cookies).not.toContain("sAccessToken");
          expect(cookies).not.toContain("sRefreshToken");
          // …which supertokens-website keeps in frontend cookies st-access-token / st-refresh-token (not HttpOnly).
          expect(cookies).toEqual(expect.arrayContaining(["st-access-token", "st-refresh-token"]));
          const meReq = (await netSince(0)).filter((e) => e.path === "/api/me").at(-1)!;
          expect(meReq.reqHeaders.authorization).toMatch(/^Bearer ey/);
        }
      }, 90_000);

      it("3. an expired access token is refreshed by the SDK itself; the page never sees the 401", async () => {
        await emu("config", { accessTokenValiditySec: 2 });
        const signin = await signIn(`bob-${mode}`);
        expect(signin.status).toBe(200);
        expect(await sdk.userId()).toBe(`bob-${mode}`);
        const me0 = await pageFetch("/api/me");
        expect(me0).toEqual({ status: 200, body: { userId: `bob-${mode}`, tenantId: "public" } });

        await sleep(3_000); // the access token (exp = iat + 2 s) is now expired
        const refreshesBefore = await coreCount("POST /recipe/session/refresh");
        const netBefore = net.length;
        const me = await pageFetch("/api/me");
        expect(me).toEqual({ status: 200, body: { userId: `bob-${mode}`, tenantId: "public" } });
        expect(await coreCount("POST /recipe/session/refresh")).toBeGreaterThanOrEqual(refreshesBefore + 1);

        const during = await netSince(netBefore);
        const refreshCalls = during.filter((e) => e.path === "/auth/session/refresh");
        expect(refreshCalls.length).toBeGreaterThanOrEqual(1);
        expect(refreshCalls.every((e) => e.status === 200)).toBe(true);
        const refreshReq = refreshCalls[0]!;
        expect(refreshReq.method).toBe("POST");
        expect(refreshReq.reqHeaders.rid).toBe("session");
        expect(refreshReq.reqHeaders["fdi-version"]).toBeTruthy();
        expect(refreshReq.reqHeaders["st-auth-mode"]).toBe(mode);
        if (mode === "cookie") expect(refreshReq.reqHeaders.cookie).toMatch(/sRefreshToken=/);
        else expect(refreshReq.reqHeaders.authorization).toMatch(/^Bearer /);
        // What the browser saw on the wire, in order (a 401 from the expired token, then refresh, then retry),
        // unless the SDK refreshed proactively first; either way the page's fetch resolved with 200.
        console.log(
          `browser e2e [${mode}] expiry: ${during.map((e) => `${e.method} ${e.path} → ${e.status}`).join(", ")}; ` +
            `refresh request headers: ${JSON.stringify(Object.keys(refreshReq.reqHeaders).sort())}; ` +
            `rid=${refreshReq.reqHeaders.rid} fdi-version=${refreshReq.reqHeaders["fdi-version"]} ` +
            `authorization=${refreshReq.reqHeaders.authorization?.slice(0, 12) ?? "-"}… cookies=${JSON.stringify(cookieNames(refreshReq.reqHeaders.cookie))}`,
        );
        // Either the SDK reacted to the 401 (me → 401, refresh → 200, me → 200) or it refreshed first.
        expect([
          "GET /api/me 401|POST /auth/session/refresh 200|GET /api/me 200",
          "POST /auth/session/refresh 200|GET /api/me 200",
        ]).toContain(during.map((e) => `${e.method} ${e.path} ${e.status}`).join("|"));

        // An explicit refresh works too.
        const before = await coreCount("POST /recipe/session/refresh");
        expect(await sdk.refresh()).toEqual({ value: true });
        expect(await coreCount("POST /recipe/session/refresh")).toBe(before + 1);
        expect(await sdk.exists()).toBe(true);
        expect(await sdk.userId()).toBe(`bob-${mode}`);
        await emu("config", { accessTokenValiditySec: 3600 });
      }, 90_000);

      it("4. sign-out: the session is gone in the SDK, at the front door and in the browser's cookie jar", async () => {
        expect(await sdk.exists()).toBe(true);
        const netBefore = net.length;
        await sdk.signOut();
        const signout = (await netSince(netBefore)).filter((e) => e.path === "/auth/signout");
        expect(signout.map((e) => e.status)).toContain(200);
        expect(await sdk.exists()).toBe(false);
        const me = await pageFetch("/api/me");
        expect(me.status).toBe(401);
        const cookies = await sessionCookies();
        expect(cookies).not.toContain("sAccessToken");
        expect(cookies).not.toContain("sRefreshToken");
        expect(cookies).not.toContain("st-access-token");
        expect(cookies).not.toContain("st-refresh-token");
      }, 90_000);

      it("5. a core outage does not log the user out: cached JWKS keeps verifying; refresh answers 503, not 401", async () => {
        await emu("config", { accessTokenValiditySec: 3600 });
        const carol = { status: 200, body: { userId: `carol-${mode}`, tenantId: "public" } };
        const up = () => emu("failure", { mode: null });
        const down = () => emu("failure", { mode: "down" }); // every core call: connection reset
        // Warm the front door's JWKS cache with another session, then sign in with a token it has never verified
        // (so its verified-token cache cannot answer): during the outage only the cached JWKS can.
        expect((await signIn(`warm-${mode}`)).status).toBe(200);
        expect((await pageFetch("/api/me")).status).toBe(200);
        expect((await signIn(`carol-${mode}`)).status).toBe(200);

        await down();
        try {
          const jwksBefore = await coreCount("GET /.well-known/jwks.json");
          expect(await pageFetch("/api/me")).toEqual(carol);
          expect(await coreCount("GET /.well-known/jwks.json")).toBe(jwksBefore); // not even attempted

          // An explicit refresh during the outage: the front door answers 503 (not 401), nothing is cleared.
          const netBefore = net.length;
          const refreshed = await sdk.refresh();
          const refreshCalls = (await netSince(netBefore)).filter((e) => e.path === "/auth/session/refresh");
          console.log(
            `browser e2e [${mode}] attemptRefreshingSession during outage → ${JSON.stringify(refreshed)}; ` +
              `wire: ${refreshCalls.map((e) => `${e.path} → ${e.status}`).join(", ")}; ` +
              `set-cookie on the 503: ${JSON.stringify(refreshCalls[0]?.resHeaders?.["set-cookie"] ?? null)}`,
          );
          expect(refreshCalls.map((e) => e.status)).toEqual([503]);
          expect(refreshCalls[0]!.resHeaders?.["set-cookie"]).toBeUndefined();
          // supertokens-website: a non-401 error from refresh is an API error, thrown to the caller as the Response.
          expect(refreshed).toMatchObject({ thrown: { status: 503 } });
          expect(await sdk.exists()).toBe(true);
          expect(await pageFetch("/api/me")).toEqual(carol);
        } finally {
          await up();
        }
        expect(await sdk.exists()).toBe(true);
        expect(await pageFetch("/api/me")).toEqual(carol);

        // The first use of a just-refreshed access token (it carries parentRefreshTokenHash1) needs the core, as in
        // supertokens-node (core /recipe/session/verify promotes the new refresh token). In an outage that use gets
        // 503: the SDK hands the 503 to the page without refreshing and without ending the session.
        expect(await sdk.refresh()).toEqual({ value: true });
        await down();
        try {
          const netBefore = net.length;
          const me = await pageFetch("/api/me");
          expect(me).toEqual({
            status: 503,
            body: { message: "SuperTokens core unavailable", code: expect.any(String) },
          });
          expect((await netSince(netBefore)).map((e) => `${e.path} ${e.status}`)).toEqual(["/api/me 503"]);
          expect(await sdk.exists()).toBe(true);
        } finally {
          await up();
        }
        expect(await pageFetch("/api/me")).toEqual(carol); // promoted now; later uses are verified locally
        expect(await sdk.userId()).toBe(`carol-${mode}`);
        expect(pageErrors).toEqual([]);
      }, 90_000);
    });
  }
});

import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreEmulator, type CoreEmulator } from "../emulator/core.mjs";
import { haveChromium, launchChromium } from "./helpers/chromium.js";
import { freePort } from "./helpers/dev-script.js";

// examples/nextjs as a user gets it: this package packed, the example installed from its lock file plus the
// tarball, `next build` with no SuperTokens variable set, `next start` against the core emulator — once with
// middleware.ts (Edge), once with proxy.ts (Node) — checked over HTTP and in headless Chromium with the official
// frontend SDK (supertokens-web-js) the example ships.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HAVE_CHROMIUM = haveChromium("nextjs-example.test.ts");
const RUN_VARS = [
  "SUPERTOKENS_CONNECTION_URI",
  "SUPERTOKENS_API_KEY",
  "API_DOMAIN",
  "WEBSITE_DOMAIN",
  "API_BASE_PATH",
  "DEMO_SIGN_IN",
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  code: number | null;
  out: string;
  ms: number;
}

/** Runs a command to completion (killed with its process group after `timeoutMs`). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - t0 });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** The environment without the example's run-time variables (what `next build` must cope with). */
function buildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
  for (const name of RUN_VARS) delete env[name];
  return env;
}

type Jar = Record<string, string>;
function updateJar(jar: Jar, res: Response): Jar {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    if (value === "" || /expires=thu, 01 jan 1970/i.test(line)) delete jar[name];
    else jar[name] = value;
  }
  return jar;
}
const cookieOf = (jar: Jar) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

const SPOOFED = {
  "x-supertokens-user-id": "mallory",
  "x-supertokens-recipe-user-id": "mallory",
  "x-supertokens-tenant-id": "evil",
  "x-supertokens-session-handle": "h",
  "x-supertokens-access-token-payload": "eyJzdWIiOiJtYWxsb3J5In0",
  x_supertokens_user_id: "mallory",
};
const NAVIGATION = { accept: "text/html,application/xhtml+xml", "sec-fetch-dest": "document" };

describe("examples/nextjs: packed package, next build with no env, next start against the core emulator", () => {
  const work = mkdtempSync(join(tmpdir(), "st-edge-next-"));
  const app = join(work, "app");
  let core: CoreEmulator;
  let browser: Browser | undefined;
  const children = new Set<ChildProcess>();
  const killAll = () => {
    for (const c of children) killGroup(c, "SIGKILL");
  };
  process.on("exit", killAll);

  beforeAll(async () => {
    // The package as `npm pack` ships it, built into a staging copy so the repository's dist/ (used by other
    // test files running meanwhile) is never removed under them.
    const stage = join(work, "package");
    mkdirSync(stage);
    const tsc = await run(
      join(ROOT, "node_modules/.bin/tsc"),
      ["-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(stage, "dist")],
      ROOT,
      process.env,
      120_000,
    );
    expect(tsc.code, tsc.out).toBe(0);
    cpSync(join(ROOT, "package.json"), join(stage, "package.json"));
    cpSync(join(ROOT, "README.md"), join(stage, "README.md"));
    const pack = await run(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", work],
      stage,
      process.env,
      60_000,
    );
    expect(pack.code, pack.out).toBe(0);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;

    // The example without its local build output, depending on the tarball instead of `file:../..`.
    cpSync(join(ROOT, "examples", "nextjs"), app, {
      recursive: true,
      filter: (src) =>
        !/[/\\](node_modules|\.next)([/\\]|$)/.test(src.slice(ROOT.length)) && !src.endsWith("next-env.d.ts"),
    });
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    pkg.dependencies["supertokens-edge"] = `file:../${tarball}`;
    writeFileSync(join(app, "package.json"), JSON.stringify(pkg, null, 2));
    const install = await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline"],
      app,
      process.env,
      300_000,
    );
    expect(install.code, install.out).toBe(0);
    const lock = JSON.parse(readFileSync(join(ROOT, "examples/nextjs/package-lock.json"), "utf8"));
    const installed = JSON.parse(readFileSync(join(app, "node_modules/next/package.json"), "utf8"));
    expect(installed.version).toBe(lock.packages["node_modules/next"].version); // the lock was honoured
    console.log(`next example: pack ${tsc.ms + pack.ms} ms, npm install ${install.ms} ms (next ${installed.version})`);

    core = await startCoreEmulator({ accessTokenValiditySec: 3600 });
    if (HAVE_CHROMIUM) {
      browser = await launchChromium();
    }
  }, 480_000);

  afterAll(async () => {
    killAll();
    await browser?.close().catch(() => {});
    await core?.close();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  for (const variant of ["middleware.ts (Edge)", "proxy.ts (Node)"] as const) {
    describe(variant, () => {
      let base = "";
      let build: Run;
      let server: ChildProcess | undefined;
      let serverOut = "";

      const http = (
        path: string,
        init: { method?: string; headers?: Record<string, string>; body?: string; jar?: Jar } = {},
      ) =>
        fetch(`${base}${path}`, {
          method: init.method ?? "GET",
          headers: { ...init.headers, ...(init.jar ? { cookie: cookieOf(init.jar) } : {}) },
          body: init.body,
          redirect: "manual",
        });
      const signIn = async (userId: string): Promise<Jar> => {
        const res = await http("/api/auth/demo/signin", {
          method: "POST",
          headers: { "st-auth-mode": "cookie", "content-type": "application/json" },
          body: JSON.stringify({ userId }),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        return updateJar({}, res);
      };
      const count = (key: string) => core.stats.counts[key] ?? 0;

      beforeAll(async () => {
        if (variant.startsWith("proxy")) {
          rmSync(join(app, "middleware.ts"));
          renameSync(join(app, "proxy.ts.example"), join(app, "proxy.ts"));
        }
        rmSync(join(app, ".next"), { recursive: true, force: true });
        build = await run(
          process.execPath,
          [join(app, "node_modules/next/dist/bin/next"), "build"],
          app,
          buildEnv(),
          240_000,
        );
        console.log(`next example, ${variant}: next build ${build.ms} ms`);
        if (build.code !== 0) return; // reported by the first test

        const port = await freePort();
        base = `http://127.0.0.1:${port}`;
        const env = {
          ...buildEnv(),
          SUPERTOKENS_CONNECTION_URI: core.url,
          API_DOMAIN: base,
          WEBSITE_DOMAIN: base,
          DEMO_SIGN_IN: "true",
        };
        server = spawn(
          process.execPath,
          [join(app, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)],
          {
            cwd: app,
            env,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true, // its own process group: killed whole at the end
          },
        );
        children.add(server);
        server.stdout!.on("data", (d) => (serverOut += d));
        server.stderr!.on("data", (d) => (serverOut += d));
        const deadline = Date.now() + 60_000;
        for (;;) {
          const ok = await fetch(`${base}/`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (ok) break;
          if (Date.now() > deadline || server.exitCode !== null)
            throw new Error(`next start did not answer:\n${serverOut}`);
          await sleep(200);
        }
      }, 300_000);

      afterAll(async () => {
        if (server === undefined) return;
        const exited = new Promise((r) => server!.once("exit", r));
        killGroup(server, "SIGTERM");
        await Promise.race([exited, sleep(5_000)]);
        killGroup(server, "SIGKILL");
        children.delete(server);
      }, 15_000);

      it("next build succeeds with none of the run-time variables set, without Edge-runtime API warnings", () => {
        expect(build.code, build.out).toBe(0);
        expect(build.out).not.toMatch(
          /CompressionStream|DecompressionStream|Node\.js API|not supported in the Edge Runtime/,
        );
        expect(build.out).toContain("Proxy (Middleware)");
        if (variant.startsWith("middleware")) {
          expect(build.out).toMatch(/"middleware" file convention is deprecated/);
          const manifest = JSON.parse(readFileSync(join(app, ".next/server/middleware-manifest.json"), "utf8"));
          const files: string[] = manifest.middleware["/"].files;
          let raw = 0;
          let gz = 0;
          for (const f of files) {
            const bytes = readFileSync(join(app, ".next", f));
            raw += bytes.length;
            gz += gzipSync(bytes, { level: 9 }).length;
          }
          console.log(
            `next example: Edge middleware bundle ${raw} B, ${gz} B gzipped (${files.length} files, Next's own runtime included)`,
          );
        } else {
          const fns = JSON.parse(readFileSync(join(app, ".next/server/functions-config-manifest.json"), "utf8"));
          expect(fns.functions["/_middleware"].runtime).toBe("nodejs");
        }
      });

      it("API calls: 401 unauthorised without a session, the user with one, 401 try refresh with an expired token", async () => {
        const none = await http("/api/me");
        expect(none.status).toBe(401);
        expect(await none.json()).toEqual({ message: "unauthorised" });

        const jar = await signIn("alice");
        const me = await http("/api/me", { jar });
        expect(me.status).toBe(200);
        const body = (await me.json()) as { userId: string; tenantId: string; sessionHandle: string };
        expect(body).toMatchObject({ userId: "alice", tenantId: "public" });
        expect(core.sessions.get(body.sessionHandle)?.userId).toBe("alice");

        const now = Math.floor(Date.now() / 1000);
        const late = core.mintAccessToken({ sub: "alice", iat: now - 120, exp: now - 60 });
        const tryRefresh = await http("/api/me", { headers: { cookie: `sAccessToken=${late}` } });
        expect(tryRefresh.status).toBe(401);
        expect(await tryRefresh.json()).toEqual({ message: "try refresh token" });
      });

      it("page navigations: 307 to the sign-in page without a session, to the refresh page with an expired token", async () => {
        const none = await http("/dashboard?tab=a%20b", { headers: NAVIGATION });
        expect(none.status).toBe(307);
        const to = new URL(none.headers.get("location")!, base);
        expect(to.pathname).toBe("/auth");
        // Next hands the middleware its own serialisation of the query (`a+b`): the same value once decoded.
        const back = new URL(to.searchParams.get("redirectToPath")!, base);
        expect(back.pathname).toBe("/dashboard");
        expect(back.searchParams.get("tab")).toBe("a b");

        const now = Math.floor(Date.now() / 1000);
        const late = core.mintAccessToken({ sub: "alice", iat: now - 120, exp: now - 60 });
        const expired = await http("/dashboard", { headers: { ...NAVIGATION, cookie: `sAccessToken=${late}` } });
        expect(expired.status).toBe(307);
        const refresh = new URL(expired.headers.get("location")!, base);
        expect(refresh.pathname + refresh.search).toBe("/auth/refresh?redirectToPath=%2Fdashboard");

        // The sign-in and refresh pages themselves are public.
        expect((await http("/auth?redirectToPath=%2Fdashboard", { headers: NAVIGATION })).status).toBe(200);
        expect((await http("/auth/refresh?redirectToPath=%2Fdashboard", { headers: NAVIGATION })).status).toBe(200);
        // With a session the server component shows the user, verified again.
        const jar = await signIn("erin");
        const page = await (await http("/dashboard", { headers: NAVIGATION, jar })).text();
        expect(page).toMatch(/id="user-id">erin</);
        expect(page).toMatch(/id="tenant-id">public</);
      });

      it("signed out: / and every script, stylesheet, image and icon it references answer 200", async () => {
        const home = await http("/", { headers: NAVIGATION });
        expect(home.status).toBe(200);
        const html = await home.text();
        expect(html).toMatch(/id="identity">Not signed in</);
        const refs = [...html.matchAll(/<(?:script|link|img)\b[^>]*?\s(?:src|href)="([^"]+)"/g)]
          .map((m) => m[1]!.replace(/&amp;/g, "&"))
          .filter((u) => u.startsWith("/") && !u.startsWith("//"));
        refs.push("/favicon.ico");
        expect(refs.some((u) => u.startsWith("/_next/static/") && u.includes(".js"))).toBe(true);
        expect(refs.some((u) => u.includes(".css"))).toBe(true);
        expect(refs).toContain("/logo.svg");
        const statuses = await Promise.all([...new Set(refs)].map(async (u) => `${(await http(u)).status} ${u}`));
        expect(statuses.filter((s) => !s.startsWith("200 "))).toEqual([]);
      });

      it("spoofed x-supertokens-* request headers change nothing, on protected and on public pages", async () => {
        expect((await http("/dashboard", { headers: { ...NAVIGATION, ...SPOOFED } })).status).toBe(307);
        const api = await http("/api/me", { headers: SPOOFED });
        expect(api.status).toBe(401);
        expect(await api.json()).toEqual({ message: "unauthorised" });
        const anonymous = await (await http("/", { headers: { ...NAVIGATION, ...SPOOFED } })).text();
        expect(anonymous).toMatch(/id="identity">Not signed in</);
        expect(anonymous).not.toContain("mallory");

        const jar = await signIn("frank");
        const home = await (await http("/", { headers: { ...NAVIGATION, ...SPOOFED }, jar })).text();
        expect(home).toMatch(/id="identity">Signed in as frank \(tenant public\)</);
        const dashboard = await (await http("/dashboard", { headers: { ...NAVIGATION, ...SPOOFED }, jar })).text();
        expect(dashboard).toMatch(/id="user-id">frank</);
        expect(dashboard).not.toContain("mallory");
        expect(await (await http("/api/me", { headers: SPOOFED, jar })).json()).toMatchObject({
          userId: "frank",
          tenantId: "public",
        });
      });

      it("the refresh API renews the tokens; sign-out revokes the session at the core and clears the cookies", async () => {
        const jar = await signIn("grace");
        const { sessionHandle } = (await (await http("/api/me", { jar })).json()) as { sessionHandle: string };
        const refreshesBefore = count("POST /recipe/session/refresh");
        const oldAccess = jar.sAccessToken;
        const refreshed = await http("/api/auth/session/refresh", { method: "POST", jar });
        expect(refreshed.status).toBe(200);
        updateJar(jar, refreshed);
        expect(jar.sAccessToken).not.toBe(oldAccess);
        expect(count("POST /recipe/session/refresh")).toBe(refreshesBefore + 1);
        expect(await (await http("/api/me", { jar })).json()).toMatchObject({ userId: "grace", sessionHandle });

        const removesBefore = count("POST /recipe/session/remove");
        const out = await http("/api/auth/signout", { method: "POST", jar });
        expect(out.status).toBe(200);
        expect(await out.json()).toEqual({ status: "OK" });
        expect(count("POST /recipe/session/remove")).toBe(removesBefore + 1);
        expect(core.sessions.has(sessionHandle)).toBe(false);
        updateJar(jar, out);
        expect(jar.sAccessToken).toBeUndefined();
        expect(jar.sRefreshToken).toBeUndefined();
        expect((await http("/api/me", { jar })).status).toBe(401);
      });

      (HAVE_CHROMIUM ? it : it.skip)(
        "in Chromium: sign in, dashboard, expired token → the refresh page → back on the dashboard, sign out",
        async () => {
          const context = await browser!.newContext();
          const page: Page = await context.newPage();
          const errors: string[] = [];
          const failed: string[] = [];
          const requests: { method: string; path: string; status?: number; done: Promise<void> }[] = [];
          page.on("pageerror", (e) => errors.push(String(e)));
          page.on("request", (req) => {
            const u = new URL(req.url());
            const entry: (typeof requests)[number] = {
              method: req.method(),
              path: u.pathname + u.search,
              done: Promise.resolve(),
            };
            entry.done = req.response().then(
              (r) => {
                entry.status = r?.status();
                if (r !== null && r.status() >= 400) failed.push(`${r.status()} ${entry.path}`);
              },
              () => {},
            );
            requests.push(entry);
          });
          try {
            // Signed out: the home page and all it loads.
            await page.goto(`${base}/`);
            expect(await page.textContent("#identity")).toBe("Not signed in");
            await Promise.all(requests.map((r) => r.done));
            expect(failed).toEqual([]);

            // A protected page sends the person to sign in, and back.
            core.setConfig({ accessTokenValiditySec: 4 });
            await page.goto(`${base}/dashboard`);
            expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/auth?redirectToPath=%2Fdashboard");
            await page.fill("input[name=userId]", "heidi");
            await page.click("button[type=submit]");
            await page.waitForURL((u) => u.pathname === "/dashboard");
            expect(await page.textContent("#user-id")).toBe("heidi");
            expect(await page.textContent("#tenant-id")).toBe("public");
            expect(JSON.parse((await page.textContent("#access-token-payload"))!)).toMatchObject({
              sub: "heidi",
              tId: "public",
            });
            const expiry = Date.parse((await page.textContent("#access-token-expiry"))!);
            expect(expiry).toBeGreaterThan(Date.now() - 1_000);
            expect(expiry).toBeLessThan(Date.now() + 6_000);

            // The access token expires; the next navigation goes through the refresh page and ends on the dashboard.
            await sleep(Math.max(0, expiry - Date.now()) + 1_000);
            const refreshesBefore = count("POST /recipe/session/refresh");
            const from = requests.length;
            await page.goto(`${base}/dashboard`, { waitUntil: "commit" });
            await page.waitForURL(
              (u) =>
                u.pathname === "/dashboard" && requests.slice(from).some((r) => r.path.startsWith("/auth/refresh")),
            );
            await page.waitForSelector("#user-id");
            expect(await page.textContent("#user-id")).toBe("heidi");
            await Promise.all(requests.slice(from).map((r) => r.done));
            const during = requests.slice(from);
            expect(
              during.some((r) => r.method === "GET" && r.path === "/auth/refresh?redirectToPath=%2Fdashboard"),
            ).toBe(true);
            const refreshCalls = during.filter((r) => r.method === "POST" && r.path === "/api/auth/session/refresh");
            expect(refreshCalls.length).toBeGreaterThanOrEqual(1);
            expect(refreshCalls.every((r) => r.status === 200)).toBe(true);
            expect(count("POST /recipe/session/refresh")).toBeGreaterThan(refreshesBefore);
            core.setConfig({ accessTokenValiditySec: 3600 });

            // Sign out: revoked at the core, cookies gone, the dashboard asks to sign in again.
            const handle = [...core.sessions.values()].find((s) => s.userId === "heidi")!.handle;
            await page.click("text=Sign out");
            await page.waitForURL((u) => u.pathname === "/");
            expect(await page.textContent("#identity")).toBe("Not signed in");
            expect(core.sessions.has(handle)).toBe(false);
            expect(
              (await context.cookies()).filter((c) => c.name === "sAccessToken" || c.name === "sRefreshToken"),
            ).toEqual([]);
            await page.goto(`${base}/dashboard`);
            expect(new URL(page.url()).pathname).toBe("/auth");
            expect(errors).toEqual([]);
          } finally {
            core.setConfig({ accessTokenValiditySec: 3600 });
            await context.close();
          }
        },
        90_000,
      );
    });
  }
});

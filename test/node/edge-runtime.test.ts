import { build } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useCoreEmulator } from "./helpers/emulator.js";
import { b64url, jwtHeader, jwtPayload } from "./helpers/tokens.js";

// The Vercel Edge tier: the engine and the Next.js middleware, bundled from src/ for the browser platform (so a
// Node built-in anywhere in the import graph fails the build), evaluated in Vercel's `edge-runtime` (a VM
// context with only the Edge globals) and driven through `dispatchFetch`. The core emulator runs in this process.
const site = "https://app.example.com";
const emu = useCoreEmulator();
let runtime: EdgeRuntime;
let bundleBytes = 0;
let bundleMs = 0;

beforeAll(async () => {
  const started = Date.now();
  const out = await build({
    entryPoints: [new URL("../runtimes/edge-scenario.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    // The export conditions Next.js resolves for its Edge bundles.
    conditions: ["edge-light", "worker", "browser"],
    target: "es2022",
    define: { "process.env.SUPERTOKENS_CONNECTION_URI": JSON.stringify(emu().url) },
    logLevel: "silent",
  });
  const code = out.outputFiles[0]!.text;
  bundleBytes = code.length;
  bundleMs = Date.now() - started;
  runtime = new EdgeRuntime({ initialCode: code });
}, 60_000);

afterAll(() => {
  console.log(`edge-runtime tier: esbuild bundle ${(bundleBytes / 1024).toFixed(1)} KB in ${bundleMs} ms`);
});

const post = (path: string, body: unknown) =>
  runtime.dispatchFetch(`${site}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const verify = async (tokens: Record<string, string>) => (await post("/__scenario/verify", { tokens })).json();
const kidOf = (token: string) => jwtHeader(token).kid;
const jwksFetches = () => emu().stats.counts["GET /.well-known/jwks.json"] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Vercel Edge (edge-runtime)", () => {
  it("runs with Edge globals only: no process, require, Buffer or setImmediate", async () => {
    const res = await runtime.dispatchFetch(`${site}/__scenario/globals`);
    expect(await res.json()).toEqual({
      EdgeRuntime: "edge-runtime",
      process: "undefined",
      require: "undefined",
      module: "undefined",
      Buffer: "undefined",
      setImmediate: "undefined",
      subtle: "object",
    });
    expect(bundleBytes).toBeGreaterThan(0);
  });

  it("verifies v2, v3, v4 and v5 access tokens; a tampered v5 asks for a refresh", async () => {
    const v5 = emu().mintAccessToken({ version: 5, sub: "edge-v5" });
    const [header, , signature] = v5.split(".");
    const tampered = [header, b64url(JSON.stringify({ ...jwtPayload(v5), sub: "mallory" })), signature].join(".");
    expect(
      await verify({
        v2: emu().mintAccessToken({ version: 2, sub: "edge-v2" }),
        v3: emu().mintAccessToken({ version: 3, sub: "edge-v3" }),
        v4: emu().mintAccessToken({ version: 4, sub: "edge-v4" }),
        v5,
        tampered,
      }),
    ).toEqual({
      v2: { status: "OK", userId: "edge-v2" },
      v3: { status: "OK", userId: "edge-v3" },
      v4: { status: "OK", userId: "edge-v4" },
      v5: { status: "OK", userId: "edge-v5" },
      tampered: { status: "TRY_REFRESH_TOKEN" },
    });
  });

  it("refreshes through the core; the new access token verifies", async () => {
    const created = emu().createSession({ userId: "edge-refresh" });
    const r = (await (await post("/__scenario/refresh", { refreshToken: created.refreshToken.token })).json()) as {
      status: string;
      accessToken: string;
      verified: unknown;
    };
    expect(r.status).toBe("OK");
    expect(r.accessToken).not.toBe(created.accessToken.token);
    expect(r.verified).toEqual({ status: "OK", userId: "edge-refresh" });
  });

  it("JWKS rotation: a token with the new kid verifies after one refetch for the unknown kid", async () => {
    expect(await verify({ before: emu().mintAccessToken({ sub: "edge-before" }) })).toEqual({
      before: { status: "OK", userId: "edge-before" },
    });
    await sleep(600); // past the default jwksCooldownMs (500) since this isolate's JWKS load
    const fetchesBefore = jwksFetches();
    const kid = emu().rotateDynamicKey();
    const token = emu().mintAccessToken({ sub: "edge-rotated" });
    expect(kidOf(token)).toBe(kid);
    expect(await verify({ token })).toEqual({ token: { status: "OK", userId: "edge-rotated" } });
    expect(jwksFetches()).toBe(fetchesBefore + 1);
  });

  it("Next sessionMiddleware: the SDK's 401 without a session", async () => {
    const res = await runtime.dispatchFetch(`${site}/dashboard`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "unauthorised" });
    expect(res.headers.get("x-middleware-next")).toBeNull();
  });

  it("Next sessionMiddleware: continues with x-middleware-next and the identity as request-header overrides", async () => {
    const token = emu().mintAccessToken({ sub: "edge-next", tId: "public" });
    const res = await runtime.dispatchFetch(`${site}/dashboard`, {
      headers: { cookie: `sAccessToken=${token}`, "x-supertokens-user-id": "mallory" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-middleware-next")).toBe("1");
    expect(res.headers.get("x-middleware-request-x-supertokens-user-id")).toBe("edge-next");
    expect(res.headers.get("x-middleware-request-x-supertokens-tenant-id")).toBe("public");
    expect(res.headers.get("x-middleware-override-headers")!.split(",")).toContain("x-supertokens-user-id");
  });
});

import { describe, expect, it } from "vitest";
import { accessTokenOf, coreUrl, countingFetch, engine, mint } from "./helpers/index.js";

// A deterministic PRNG so a failure is reproducible.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe("any input gives a decision, never an exception", () => {
  it("2000 random and mutated strings", async () => {
    const st = engine();
    const real = await accessTokenOf("fuzz");
    const rand = rng(42);
    const alphabet = 'abcXYZ019-_+/=.%\u00e9\u2028\u0000\ud83d\ude00 "{}';
    const inputs: string[] = [
      real,
      "",
      ".",
      "..",
      "...",
      "a.b",
      "a.b.c",
      "a.b.c.d",
      "....",
      "\u0000",
      "null",
      `${real}x`,
      real.slice(0, -3),
    ];
    for (let i = 0; i < 1000; i++) {
      let s = "";
      const n = Math.floor(rand() * 300);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      inputs.push(s);
    }
    for (let i = 0; i < 1000; i++) {
      // Flip one character of a real token: header, payload or signature.
      const pos = Math.floor(rand() * real.length);
      const ch = alphabet[Math.floor(rand() * alphabet.length)];
      inputs.push(real.slice(0, pos) + ch + real.slice(pos + 1));
    }
    const statuses = new Set<string>();
    for (const input of inputs) {
      const r = await st.getSessionWithoutRequestResponse(input, undefined, { antiCsrfCheck: false });
      statuses.add(r.status);
      // Only the token the core issued is a session: a flipped character anywhere (header, payload, signature)
      // never verifies, whatever the decision it gets instead.
      if (r.status === "OK") expect(input, "only the unmodified token verifies").toBe(real);
    }
    for (const s of statuses) expect(["OK", "TRY_REFRESH_TOKEN", "UNAUTHORISED"]).toContain(s);
    expect(statuses.has("OK"), "the real token itself verifies").toBe(true);
  });

  it("refuses tokens over 16 KB before parsing them", async () => {
    const st = engine();
    const huge = await mint({ payload: { blob: "x".repeat(17_000) } });
    const r = await st.getSessionWithoutRequestResponse(huge, undefined, { antiCsrfCheck: false });
    expect(r).toMatchObject({ status: "UNAUTHORISED", clearTokens: false });
  });

  it("no token: unauthorised without clearing; optional: OK without a session", async () => {
    const st = engine();
    expect(await st.getSessionWithoutRequestResponse(undefined)).toMatchObject({
      status: "UNAUTHORISED",
      clearTokens: false,
    });
    expect(await st.getSessionWithoutRequestResponse(undefined, undefined, { sessionRequired: false })).toEqual({
      status: "OK",
      session: undefined,
    });
  });
});

describe("core client", () => {
  it("sends cdi-version 5.4, api-key and rid on recipe paths; nothing on the JWKS fetch", async () => {
    const { fetch: f, calls: seen } = countingFetch();
    const st = engine({ fetch: f, apiKey: "secret-key" });
    const s = await st.createNewSessionWithoutRequestResponse("public", "u-core", { a: 1 });
    await st.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, {
      antiCsrfCheck: false,
      checkDatabase: true,
    });
    const create = seen.find((x) => x.url.endsWith("/public/recipe/session"))!;
    expect(create.headers).toMatchObject({ "cdi-version": "5.4", "api-key": "secret-key", rid: "session" });
    expect(create.body).toEqual({
      userId: "u-core",
      userDataInJWT: { a: 1, iss: "https://api.example.com/auth" },
      userDataInDatabase: {},
      useDynamicSigningKey: true,
      enableAntiCsrf: false,
    });
    const jwks = seen.find((x) => x.url.endsWith("/.well-known/jwks.json"))!;
    expect(jwks.headers["api-key"]).toBeUndefined();
    expect(jwks.headers["cdi-version"]).toBeUndefined();
    const verify = seen.find((x) => x.url.endsWith("/recipe/session/verify"))!;
    expect(verify.body).toEqual({
      accessToken: s.getAccessToken(),
      doAntiCsrfCheck: false,
      enableAntiCsrf: false,
      checkDatabase: true,
    });
  });

  it("fails over to the next host when one is unreachable", async () => {
    const st = engine({ connectionURI: `http://127.0.0.1:9;${coreUrl()}` });
    const s = await st.createNewSessionWithoutRequestResponse("public", "u-failover");
    const r = await st.getSessionWithoutRequestResponse(s.getAccessToken(), undefined, { antiCsrfCheck: false });
    expect(r.status).toBe("OK");
    expect(await st.revokeSession(s.getHandle())).toBe(true);
  });

  it("a core that never answers costs at most coreTimeoutMs, and is CORE_UNAVAILABLE", async () => {
    const st = engine({ fetch: () => new Promise<Response>(() => {}), coreTimeoutMs: 300 });
    const token = await accessTokenOf("u");
    const started = Date.now();
    const r = await st.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });
    expect(r.status).toBe("CORE_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(3000);
    const refresh = await st.refreshSessionWithoutRequestResponse("whatever", true);
    expect(refresh.status).toBe("CORE_UNAVAILABLE");
  });

  it("a core that lies (wrong shapes) gives typed errors", async () => {
    const lying: typeof fetch = async () => new Response('{"status":"OK","session":42}', { status: 200 });
    const st = engine({ fetch: lying });
    const refresh = await st.refreshSessionWithoutRequestResponse("x", true);
    expect(refresh.status).toBe("CORE_UNAVAILABLE");
    if (refresh.status === "CORE_UNAVAILABLE") expect(refresh.error.code).toBe("ERR_CORE_BAD_RESPONSE");
    await expect(st.createNewSessionWithoutRequestResponse("public", "u")).rejects.toMatchObject({
      code: "ERR_CORE_BAD_RESPONSE",
    });
    await expect(st.revokeSession("h")).rejects.toMatchObject({ code: "ERR_CORE_BAD_RESPONSE" });
  });

  it("a core answering 401 (bad API key) is ERR_CORE_HTTP with the status", async () => {
    const st = engine({ fetch: async () => new Response("Invalid API key", { status: 401 }) });
    await expect(st.revokeSession("h")).rejects.toMatchObject({ code: "ERR_CORE_HTTP", status: 401 });
  });
});

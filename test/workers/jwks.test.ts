import { describe, expect, it } from "vitest";
import type { JwksCacheStore } from "../../src/index.js";
import { KV, accessTokenOf, coreUrl, countingFetch, emu, engine, verify } from "./helpers/index.js";

let appSeq = 0;
/** A distinct app path per test gives a distinct KV key, so tests never share a cached key set. */
const freshApp = () => `${coreUrl()}/appid-jwks${Date.now().toString(36)}${appSeq++}`;

const session = (userId = "u-jwks") => accessTokenOf(userId);

describe("JWKS cache: memory + Workers KV", () => {
  it("a cold isolate under 100 concurrent requests fetches the JWKS exactly once", async () => {
    const token = await session();
    const c = countingFetch();
    const st = engine({ connectionURI: freshApp(), jwksCache: KV, fetch: c.fetch });
    const results = await Promise.all(Array.from({ length: 100 }, () => verify(st, token)));
    expect(results.every((r) => r.status === "OK")).toBe(true);
    expect(c.jwksCalls()).toBe(1);
  });

  it("a second isolate over the same KV asks the core for nothing", async () => {
    const app = freshApp();
    const token = await session();
    const first = countingFetch();
    expect((await verify(engine({ connectionURI: app, jwksCache: KV, fetch: first.fetch }), token)).status).toBe("OK");
    expect(first.jwksCalls()).toBe(1);
    const second = countingFetch();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        verify(engine({ connectionURI: app, jwksCache: KV, fetch: second.fetch }), token),
      ),
    );
    expect(results.every((r) => r.status === "OK")).toBe(true);
    expect(second.calls).toEqual([]);
  });

  it("writes the key set to KV with expirationTtl = jwksRefreshIntervalSec", async () => {
    const puts: { key: string; ttl: number | undefined }[] = [];
    const spy: JwksCacheStore = {
      get: (k) => KV.get(k),
      put: async (k, v, o) => {
        puts.push({ key: k, ttl: o?.expirationTtl });
        await KV.put(k, v, o);
      },
    };
    const token = await session();
    const st = engine({ connectionURI: freshApp(), jwksCache: spy, jwksRefreshIntervalSec: 3600 });
    expect((await verify(st, token)).status).toBe("OK");
    expect(puts).toHaveLength(1);
    expect(puts[0]!.ttl).toBe(3600);
    // The real KV entry carries that expiration too.
    const listed = await KV.list({ prefix: puts[0]!.key });
    expect(listed.keys[0]!.expiration).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(listed.keys[0]!.expiration).toBeLessThanOrEqual(Date.now() / 1000 + 3601);
  });

  it("KV's 60 s minimum TTL is respected for short intervals", async () => {
    const ttls: (number | undefined)[] = [];
    const store: JwksCacheStore = { get: async () => null, put: async (_k, _v, o) => void ttls.push(o?.expirationTtl) };
    const st = engine({ connectionURI: freshApp(), jwksCache: store, jwksRefreshIntervalSec: 20 });
    expect((await verify(st, await session())).status).toBe("OK");
    expect(ttls).toEqual([60]);
  });

  it("a KV that throws still verifies, through the core", async () => {
    const broken: JwksCacheStore = {
      get: async () => {
        throw new Error("KV GET failed");
      },
      put: async () => {
        throw new Error("KV PUT failed");
      },
    };
    const c = countingFetch();
    const st = engine({ connectionURI: freshApp(), jwksCache: broken, fetch: c.fetch });
    expect((await verify(st, await session())).status).toBe("OK");
    expect(c.jwksCalls()).toBe(1);
  });

  it("a KV holding garbage is ignored", async () => {
    const store: JwksCacheStore = { get: async () => '{"fetchedAt":1,"keys":"nope"}', put: async () => {} };
    const st = engine({ connectionURI: freshApp(), jwksCache: store });
    expect((await verify(st, await session())).status).toBe("OK");
  });

  it("an unknown-kid storm costs at most one refetch per cooldown window", async () => {
    let now = Date.now();
    const c = countingFetch();
    const st = engine({ connectionURI: freshApp(), fetch: c.fetch, jwksCooldownMs: 10_000, now: () => now });
    expect((await verify(st, await session())).status).toBe("OK");
    const forged = await Promise.all(
      Array.from({ length: 50 }, (_, i) => emu<{ token: string }>("mint", { kid: `d-${1000 + i}`, key: "orphan" })),
    );
    const storm = () => Promise.all(forged.map((f) => verify(st, f.token)));
    expect((await storm()).every((r) => r.status === "TRY_REFRESH_TOKEN")).toBe(true);
    expect(c.jwksCalls()).toBe(1); // within the cooldown of the cold load: no refetch at all
    now += 10_001;
    expect((await storm()).every((r) => r.status === "TRY_REFRESH_TOKEN")).toBe(true);
    expect(c.jwksCalls()).toBe(2); // one refetch for the whole storm
    now += 5_000;
    await storm();
    expect(c.jwksCalls()).toBe(2);
  });

  it("a rotated key is picked up by the unknown-kid refetch and written back to KV", async () => {
    const app = freshApp();
    const c = countingFetch();
    const st = engine({ connectionURI: app, jwksCache: KV, fetch: c.fetch, jwksCooldownMs: 0 });
    expect((await verify(st, await session())).status).toBe("OK");
    await emu("rotate");
    const token = await session("after-rotation");
    expect((await verify(st, token)).status).toBe("OK");
    expect(c.jwksCalls()).toBe(2);
    // A new isolate now finds the rotated set in KV and needs no core call.
    const fresh = countingFetch();
    expect((await verify(engine({ connectionURI: app, jwksCache: KV, fetch: fresh.fetch }), token)).status).toBe("OK");
    expect(fresh.calls).toEqual([]);
  });

  it("a load whose owner never comes back does not strand the waiting requests", async () => {
    let first = true;
    const hanging: typeof fetch = (input, init) => {
      if (first && String(input).endsWith("/.well-known/jwks.json")) {
        first = false;
        return new Promise<Response>(() => {}); // as if the owning request was cancelled: never settles
      }
      return fetch(input, init);
    };
    const st = engine({ connectionURI: freshApp(), fetch: hanging, coreTimeoutMs: 30_000 });
    const token = await session();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, () => verify(st, token)));
    expect(results.every((r) => r.status === "OK")).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a JWKS answer slower than the join deadline costs one fetch, not two (the owner waits for its own load)", async () => {
    const slow = countingFetch(async (input, init) => {
      if (String(input).endsWith("/.well-known/jwks.json")) await new Promise((r) => setTimeout(r, 1_500));
      return fetch(input, init);
    });
    const st = engine({ connectionURI: freshApp(), fetch: slow.fetch });
    expect((await verify(st, await session())).status).toBe("OK");
    expect(slow.jwksCalls()).toBe(1);
  });

  it("serves a stale key set when the core cannot be reached, and says CORE_UNAVAILABLE when it has none", async () => {
    let now = Date.now();
    let down = false;
    const f: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError("connection refused")) : fetch(input, init);
    const st = engine({ connectionURI: freshApp(), fetch: f, now: () => now, jwksRefreshIntervalSec: 60 });
    const token = await session();
    expect((await verify(st, token)).status).toBe("OK");
    down = true;
    now += 120_000; // the set is stale now; renewal fails; the stale set keeps verifying
    // The token itself is still valid for an hour from its iat.
    expect((await verify(st, token)).status).toBe("OK");

    const cold = engine({ connectionURI: freshApp(), fetch: f });
    const r = await verify(cold, token);
    expect(r.status).toBe("CORE_UNAVAILABLE");
    if (r.status === "CORE_UNAVAILABLE") expect(r.error.code).toBe("ERR_JWKS_UNAVAILABLE");
  });
});

describe("JWKS answers the core should never send", () => {
  const bodies: [string, () => Response][] = [
    ["empty body", () => new Response("")],
    ["not JSON", () => new Response("not json")],
    ["JSON null", () => new Response("null")],
    ["no keys", () => new Response('{"keys":[]}')],
    ["EC keys only", () => new Response('{"keys":[{"kty":"EC","kid":"d-1","crv":"P-256","x":"a","y":"b"}]}')],
    ["RSA key with a tiny modulus", () => new Response('{"keys":[{"kty":"RSA","kid":"d-1","n":"AQAB","e":"AQAB"}]}')],
    ["HTML", () => new Response("<html>", { headers: { "content-type": "text/html" } })],
    ["HTTP 500", () => new Response("boom", { status: 500 })],
    ["10 MB", () => new Response("x".repeat(10 * 1024 * 1024))],
  ];
  for (const [name, body] of bodies) {
    it(`${name}: a typed CORE_UNAVAILABLE, never an exception`, async () => {
      const f: typeof fetch = (input, init) =>
        String(input).endsWith("/.well-known/jwks.json") ? Promise.resolve(body()) : fetch(input, init);
      const st = engine({ connectionURI: freshApp(), fetch: f });
      const r = await verify(st, await session());
      expect(r.status).toBe("CORE_UNAVAILABLE");
      if (r.status === "CORE_UNAVAILABLE") expect(r.error.code).toBe("ERR_JWKS_UNAVAILABLE");
    });
  }

  it("a bad answer never replaces a good key set", async () => {
    let bad = false;
    let now = Date.now();
    const f: typeof fetch = (input, init) =>
      bad && String(input).endsWith("/.well-known/jwks.json")
        ? Promise.resolve(new Response('{"keys":[]}'))
        : fetch(input, init);
    const st = engine({ connectionURI: freshApp(), fetch: f, now: () => now, jwksRefreshIntervalSec: 60 });
    const token = await session();
    expect((await verify(st, token)).status).toBe("OK");
    bad = true;
    now += 61_000;
    expect((await verify(st, token)).status).toBe("OK");
  });
});

describe("clock steps", () => {
  it("a clock that steps backwards neither freezes the key set nor blocks the unknown-kid refetch", async () => {
    let now = Date.now();
    const c = countingFetch();
    const st = engine({ connectionURI: freshApp(), fetch: c.fetch, now: () => now, jwksCooldownMs: 500 });
    expect((await verify(st, await session())).status).toBe("OK");
    await emu("rotate");
    now -= 3_600_000; // NTP step back by an hour
    expect((await verify(st, await session("after-step"))).status).toBe("OK");
    expect(c.jwksCalls()).toBe(2);
  });
});

// The front-door Worker end to end, inside workerd: frontDoorWorker.fetch(request, env) against a dedicated
// core emulator and a recording origin (both started in Node by test/setup/recording-origin.ts).
//
// The contract under test (the issue): the Worker authenticates every request, answers the refresh and
// sign-out APIs itself, forwards authenticated requests with identity headers (and nothing a client could
// spoof), forwards PUBLIC_PATHS and other {apiBasePath}/* routes without a session, never lets a request
// without a valid session reach the origin, and never answers a hostile request with a 500.
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { FrontDoor, frontDoorOptionsFromEnv, frontDoorWorker, type FrontDoorEnv } from "../../src/worker/index.js";
import {
  KV as kv,
  cookieHeader,
  cookieJar,
  decodeBase64UrlJson,
  emulatorClient,
  encodeBase64UrlJson,
  frontTokenOf,
  isClearing,
  jwtPayload,
  type RecordedRequest,
  recordingOrigin,
} from "./helpers/index.js";

const origin = recordingOrigin(inject("originUrl"));
const originUrl = origin.url;
// A core emulator reserved for this file: its failure modes must not leak into test files running in parallel.
const { url: coreUrl, emu, mint, countOf: coreCount } = emulatorClient(inject("frontDoorCoreUrl"));
const FRONT = "http://front.test";
const originHost = new URL(originUrl).host;

type Vars = Omit<FrontDoorEnv, "SUPERTOKENS_JWKS">;
const BASE: Vars = { SUPERTOKENS_CONNECTION_URI: coreUrl, ORIGIN_URL: originUrl, DEMO_SIGN_IN: "true" };

/**
 * A client of the front door deployed with `vars` (merged over BASE; `undefined` removes a var). The Worker
 * keeps one FrontDoor per distinct set of vars (an "isolate"), so distinct vars give a cold JWKS memory cache.
 */
function frontDoor(vars: Vars = {}, opts: { kv?: boolean } = {}) {
  const e: FrontDoorEnv = opts.kv === false ? {} : { SUPERTOKENS_JWKS: kv };
  for (const [k, v] of Object.entries({ ...BASE, ...vars })) if (v !== undefined) (e as Record<string, unknown>)[k] = v;
  return (path: string, init?: RequestInit) => frontDoorWorker.fetch(new Request(FRONT + path, init), e);
}
type Door = ReturnType<typeof frontDoor>;

// ---------------------------------------------------------------- origin
const originRequests = origin.requests;
async function onlyOriginRequest(): Promise<RecordedRequest> {
  const all = await originRequests();
  expect(all).toHaveLength(1);
  return all[0]!;
}
const header = (r: RecordedRequest, name: string) => r.headers[name] as string | undefined;
/** Every header the origin received whose name is x-supertokens-* / x_supertokens_* (any spelling). */
const stHeaders = (r: RecordedRequest) =>
  Object.fromEntries(Object.entries(r.headers).filter(([k]) => k.replace(/_/g, "-").startsWith("x-supertokens-")));

/** The five identity headers the origin must get for `userId`, checked against the access token it came from. */
function expectIdentity(r: RecordedRequest, userId: string, accessToken?: string) {
  const h = stHeaders(r);
  expect(Object.keys(h).sort()).toEqual([
    "x-supertokens-access-token-payload",
    "x-supertokens-recipe-user-id",
    "x-supertokens-session-handle",
    "x-supertokens-tenant-id",
    "x-supertokens-user-id",
  ]);
  expect(h["x-supertokens-user-id"]).toBe(userId);
  expect(h["x-supertokens-recipe-user-id"]).toBe(userId);
  expect(h["x-supertokens-tenant-id"]).toBe("public");
  const payload = decodeBase64UrlJson(h["x-supertokens-access-token-payload"] as string);
  expect(payload.sub).toBe(userId);
  expect(payload.sessionHandle).toBe(h["x-supertokens-session-handle"]);
  expect(payload.iss).toBe(`${FRONT}/auth`);
  if (accessToken !== undefined) expect(payload).toEqual(jwtPayload(accessToken));
}

// ---------------------------------------------------------------- sessions through the front door
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function signInCookie(door: Door, userId = "u1"): Promise<Record<string, string>> {
  const res = await door("/auth/demo/signin", json({ userId }, { "st-auth-mode": "cookie" }));
  expect(res.status).toBe(200);
  const jar = cookieJar(res);
  expect(Object.keys(jar).sort()).toEqual(["sAccessToken", "sRefreshToken"]);
  return jar;
}
async function signInHeader(door: Door, userId = "u1"): Promise<{ access: string; refresh: string }> {
  const res = await door("/auth/demo/signin", json({ userId }));
  expect(res.status).toBe(200);
  return { access: res.headers.get("st-access-token")!, refresh: res.headers.get("st-refresh-token")! };
}
const accessFromJar = (jar: Record<string, string>) => decodeURIComponent(jar.sAccessToken!);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectNothingCleared(res: Response) {
  expect(res.headers.getSetCookie().filter(isClearing)).toEqual([]);
  expect(res.headers.get("front-token")).not.toBe("remove");
}

beforeEach(async () => {
  await origin.reset();
});
afterEach(async () => {
  await emu("failure", { mode: null });
});

// =====================================================================================================
describe("authenticated requests reach the origin with identity headers", () => {
  const door = frontDoor();

  it("cookie mode: path and query kept, identity headers set, response unchanged except Cache-Control", async () => {
    const jar = await signInCookie(door, "u1");
    const res = await door("/api/me?x=1&y=%20z", { headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, path: "/api/me" });
    expect(res.headers.get("x-origin")).toBe("1");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.getSetCookie()).toEqual([]); // nothing renewed on a plain verify
    expect(res.headers.get("front-token")).toBeNull();

    const r = await onlyOriginRequest();
    expect(r.method).toBe("GET");
    expect(r.url).toBe("/api/me?x=1&y=%20z");
    expect(header(r, "host")).toBe(originHost);
    expectIdentity(r, "u1", accessFromJar(jar));
  });

  it("header mode: Authorization: Bearer <access token>", async () => {
    const { access } = await signInHeader(door, "u-header");
    const res = await door("/api/me", { headers: bearer(access) });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expectIdentity(await onlyOriginRequest(), "u-header", access);
  });

  it("POST body, method and content-type are forwarded", async () => {
    const jar = await signInCookie(door);
    const res = await door("/api/items?dry=1", {
      method: "POST",
      headers: { cookie: cookieHeader(jar), "content-type": "text/plain" },
      body: "hello origin",
    });
    expect(res.status).toBe(200);
    const r = await onlyOriginRequest();
    expect([r.method, r.url, r.body, header(r, "content-type")]).toEqual([
      "POST",
      "/api/items?dry=1",
      "hello origin",
      "text/plain",
    ]);
    expectIdentity(r, "u1");
  });

  it("spoofed x-supertokens-* headers (any spelling) and x-middleware-subrequest are replaced/removed", async () => {
    const jar = await signInCookie(door, "real-user");
    await door("/api/me", {
      headers: {
        cookie: cookieHeader(jar),
        "x-supertokens-user-id": "admin",
        "X-SuperTokens-Tenant-Id": "other-tenant",
        x_supertokens_user_id: "admin",
        "x_supertokens-recipe_user-id": "admin",
        "x-supertokens-access-token-payload": "eyJzdWIiOiJhZG1pbiJ9",
        "x-supertokens-origin-secret": "guessed",
        "x-supertokens-roles": "admin",
        "x-middleware-subrequest": "middleware",
        "x-keep-me": "yes",
      },
    });
    const r = await onlyOriginRequest();
    expectIdentity(r, "real-user", accessFromJar(jar)); // exactly the five, with the real values
    expect(header(r, "x-middleware-subrequest")).toBeUndefined();
    expect(header(r, "x-keep-me")).toBe("yes");
  });

  it("the origin's status, body and headers come back (Set-Cookie of the origin kept)", async () => {
    const jar = await signInCookie(door);
    const teapot = await door("/api/status/418", { headers: { cookie: cookieHeader(jar) } });
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({ ok: true, path: "/api/status/418" });
    expect(teapot.headers.get("x-origin")).toBe("1");
    expect(teapot.headers.get("cache-control")).toBe("private, no-store");

    const withCookie = await door("/api/set-cookie", { headers: { cookie: cookieHeader(jar) } });
    expect(withCookie.headers.getSetCookie()).toEqual(["origin-cookie=1; Path=/"]);
  });

  it("redirects are not followed: the client gets the origin's 302", async () => {
    const jar = await signInCookie(door);
    const res = await door("/go/redirect", { headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("http://elsewhere.example/");
    expect((await originRequests()).map((r) => r.url)).toEqual(["/go/redirect"]);
  });

  // The upstream URL is the configured origin with the request's canonical path and query set on it: a path
  // that looks like another host stays a path on OUR origin (and runs of slashes merge).
  const oddUrls: [request: string, recorded: string][] = [
    ["//evil.example/x?y=1", "/evil.example/x?y=1"],
    ["///evil.example/x", "/evil.example/x"],
    ["/\\evil.example/x", "/evil.example/x"], // WHATWG: backslash is a slash in http(s) URLs
    ["/http://evil.example/x?u=http://evil.example", "/http:/evil.example/x?u=http://evil.example"],
    ["/@evil.example/x", "/@evil.example/x"],
    ["/a/../../b/./c", "/b/c"],
    ["/a%2Fb?q=%26&r", "400"], // an encoded slash is refused (ALLOW_ENCODED_SLASHES keeps it)
    ["/caf%C3%A9/%F0%9F%98%80", "/caf%C3%A9/%F0%9F%98%80"],
    ["/x#fragment", "/x"],
    ["/a%3Fb%23c?real=1", "/a%3Fb%23c?real=1"], // an encoded ? or # stays in the path, no query smuggling
    ["/a b/<x>", "/a%20b/%3Cx%3E"],
    ["/?", "/"],
  ];
  it.each(oddUrls)("odd URL %s reaches our origin as %s", async (path, recorded) => {
    const jar = await signInCookie(door);
    const res = await door(path, { headers: { cookie: cookieHeader(jar) } });
    if (recorded === "400") {
      expect(res.status).toBe(400);
      expect(await originRequests()).toEqual([]);
      return;
    }
    expect(res.status).toBe(200);
    const r = await onlyOriginRequest();
    expect(r.url).toBe(recorded);
    expect(header(r, "host")).toBe(originHost);
  });

  it("hop-by-hop headers are dropped (workerd shows a Worker no client Connection header)", async () => {
    const jar = await signInCookie(door);
    const res = await door("/api/me", {
      headers: {
        cookie: cookieHeader(jar),
        connection: "close, X-Drop-Me",
        "x-drop-me": "1",
        "keep-alive": "timeout=5",
        te: "trailers",
        trailer: "x-checksum",
        upgrade: "websocket",
        "proxy-authorization": "Basic YWRtaW46YWRtaW4=",
        "proxy-connection": "keep-alive",
        "x-keep-me": "yes",
      },
    });
    expect(res.status).toBe(200);
    const r = await onlyOriginRequest();
    for (const name of ["keep-alive", "te", "trailer", "upgrade", "proxy-authorization", "proxy-connection"]) {
      expect(header(r, name), name).toBeUndefined();
    }
    // workerd may add its own `connection` to the upstream hop; the client's value must not get through.
    expect(header(r, "connection") ?? "").not.toMatch(/drop-me|close/i);
    expect(header(r, "x-keep-me")).toBe("yes");
    expectIdentity(r, "u1");
  });

  it("the FrontDoor itself (not only workerd) drops hop-by-hop and Host headers, and sets the forwarding ones", async () => {
    // workerd's own fetch also drops some of these, so look at exactly what the FrontDoor hands to fetch.
    let sent: Headers | undefined;
    const capture = new FrontDoor({
      ...frontDoorOptionsFromEnv({ ...BASE, PUBLIC_PATHS: "/*", ALLOW_PUBLIC_SITE: "true" }, FRONT),
      fetch: async (_url, init) => {
        sent = new Headers(init?.headers);
        return new Response("ok");
      },
    });
    const res = await capture.fetch(
      new Request(`${FRONT}/x`, {
        headers: {
          host: "front.test",
          connection: "keep-alive, X-Drop-Me, Cookie",
          "x-drop-me": "1",
          cookie: "a=1",
          "keep-alive": "timeout=5",
          "proxy-connection": "keep-alive",
          "proxy-authenticate": "Basic",
          "proxy-authorization": "Basic YWRtaW46YWRtaW4=",
          te: "trailers",
          trailer: "x-checksum",
          "transfer-encoding": "chunked",
          upgrade: "h2c",
          "x-keep-me": "yes",
        },
      }),
    );
    expect(res.status).toBe(200);
    // Nothing claims to honour the client's Connection list any more: X-Drop-Me is an ordinary header.
    expect([...sent!.keys()].sort()).toEqual([
      "cookie",
      "forwarded",
      "x-drop-me",
      "x-forwarded-host",
      "x-forwarded-proto",
      "x-keep-me",
    ]);
    expect(sent!.get("x-forwarded-host")).toBe("front.test");
    expect(sent!.get("forwarded")).toBe('host="front.test";proto=http');
  });

  it("identity headers carry rsub, tId and a UTF-8 payload exactly (minted v5 token)", async () => {
    const token = await mint({
      sub: "primary-1",
      rsub: "recipe-1",
      tId: "tenant-7",
      payload: { name: "Zoë 😀", roles: ["a", "b"] },
    });
    expect((await door("/api/me", { headers: bearer(token) })).status).toBe(200);
    const h = stHeaders(await onlyOriginRequest());
    expect(h["x-supertokens-user-id"]).toBe("primary-1");
    expect(h["x-supertokens-recipe-user-id"]).toBe("recipe-1");
    expect(h["x-supertokens-tenant-id"]).toBe("tenant-7");
    expect(decodeBase64UrlJson(h["x-supertokens-access-token-payload"] as string)).toEqual(jwtPayload(token));
    expect(decodeBase64UrlJson(h["x-supertokens-access-token-payload"] as string).name).toBe("Zoë 😀");
  });

  it("Transfer-Encoding from the client is not forwarded", async () => {
    const jar = await signInCookie(door);
    const res = await door("/api/upload", {
      method: "POST",
      headers: { cookie: cookieHeader(jar), "transfer-encoding": "chunked", "content-type": "text/plain" },
      body: "payload",
    });
    expect(res.status).toBe(200);
    const r = await onlyOriginRequest();
    expect(r.body).toBe("payload");
    expect(header(r, "transfer-encoding")).toBeUndefined(); // workerd framed the upstream body itself
    expect(header(r, "content-length")).toBe("7");
  });
});

// =====================================================================================================
describe("ORIGIN_SECRET", () => {
  const door = frontDoor({ ORIGIN_SECRET: "s3cret", PUBLIC_PATHS: "/public/*" });

  it("is sent as x-supertokens-origin-secret on authenticated, public and auth-route requests (client value replaced)", async () => {
    const jar = await signInCookie(door);
    const spoof = { "x-supertokens-origin-secret": "guessed" };
    await door("/api/me", { headers: { cookie: cookieHeader(jar), ...spoof } });
    await door("/public/page", { headers: spoof });
    await door("/auth/signin", json({ email: "a@b.c" }, spoof));
    const all = await originRequests();
    expect(all.map((r) => [r.url, header(r, "x-supertokens-origin-secret")])).toEqual([
      ["/api/me", "s3cret"],
      ["/public/page", "s3cret"],
      ["/auth/signin", "s3cret"],
    ]);
  });

  it("without ORIGIN_SECRET a client-sent x-supertokens-origin-secret is stripped", async () => {
    const plain = frontDoor({ PUBLIC_PATHS: "/public/*" });
    await plain("/public/page", { headers: { "x-supertokens-origin-secret": "guessed" } });
    expect(stHeaders(await onlyOriginRequest())).toEqual({});
  });
});

// =====================================================================================================
describe("no valid session: the SDK's answer, and the origin receives nothing", () => {
  const door = frontDoor();

  const cases: [name: string, status: number, message: string, init: () => Promise<RequestInit>][] = [
    ["no credentials (GET)", 401, "unauthorised", async () => ({})],
    ["no credentials (POST with body)", 401, "unauthorised", async () => ({ method: "POST", body: "x" })],
    ["no credentials (DELETE)", 401, "unauthorised", async () => ({ method: "DELETE" })],
    [
      "expired access token",
      401,
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "u1", exp: Math.floor(Date.now() / 1000) - 60 })) }),
    ],
    [
      "token signed by a key the core never published",
      401,
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "u1", kid: "orphan" })) }),
    ],
    [
      "token with a garbage signature",
      401,
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "u1", signature: "garbage" })) }),
    ],
    [
      "expired token in a cookie",
      401,
      "try refresh token",
      async () => ({
        headers: { cookie: `sAccessToken=${await mint({ sub: "u1", exp: Math.floor(Date.now() / 1000) - 60 })}` },
      }),
    ],
    [
      "legacy sIdRefreshToken cookie",
      401,
      "try refresh token",
      async () => ({ headers: { cookie: "sIdRefreshToken=abc" } }),
    ],
  ];
  it.each(cases)("%s → %i %s", async (_name, status, message, init) => {
    const res = await door("/api/private", await init());
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ message });
    expect(await originRequests()).toEqual([]);
  });
});

// =====================================================================================================
describe("hostile requests: a protocol answer, never a 500, and nothing reaches the origin", () => {
  const door = frontDoor();
  const junk = (n: number) => "j".repeat(n);
  const b64url = encodeBase64UrlJson;

  const cases: [name: string, message: string, init: () => Promise<RequestInit>][] = [
    [
      "malformed percent-escape in sAccessToken",
      "unauthorised",
      async () => ({ headers: { cookie: "sAccessToken=%E0%A4%A" } }),
    ],
    ["unterminated quote in sAccessToken", "unauthorised", async () => ({ headers: { cookie: 'sAccessToken="abc' } })],
    [
      "8 KB cookie header of junk",
      "unauthorised",
      async () => ({ headers: { cookie: `a=${junk(4000)}; ${junk(4200)}; ;;=; sAccessToken` } }),
    ],
    ["8 KB sAccessToken value", "unauthorised", async () => ({ headers: { cookie: `sAccessToken=${junk(8192)}` } })],
    [
      "16 KB Authorization header",
      "unauthorised",
      async () => ({ headers: { authorization: `Bearer ${junk(16 * 1024)}` } }),
    ],
    [
      "16 KB Authorization header of dotted base64",
      "unauthorised",
      async () => ({ headers: { authorization: `Bearer ${"eyJhIjoxfQ.".repeat(1490)}x` } }),
    ],
    [
      "lower-case `bearer` with a valid-looking token",
      "unauthorised",
      async () => ({ headers: { authorization: `bearer ${await mint({ sub: "u1" })}` } }),
    ],
    ["`Bearer` without a token", "unauthorised", async () => ({ headers: { authorization: "Bearer " } })],
    [
      "percent-encoded unicode (emoji) in sAccessToken",
      "unauthorised",
      async () => ({ headers: { cookie: "sAccessToken=%F0%9F%98%80.%F0%9F%98%80.%F0%9F%98%80" } }),
    ],
    [
      "latin-1 bytes in cookie values",
      "unauthorised",
      async () => ({ headers: { cookie: "theme=caf\u00e9; sAccessToken=\u00e9\u00e9.\u00ff.\u00e0" } }),
    ],
    [
      "garbage JWT with valid base64url segments",
      "unauthorised",
      async () => ({ headers: bearer(`${b64url({ hello: "world" })}.${b64url([1, 2, 3])}.${b64url("sig")}`) }),
    ],
    [
      "JWT whose payload lacks the session claims",
      "unauthorised",
      async () => ({
        headers: bearer(
          `${b64url({ alg: "RS256", typ: "JWT", kid: "d-1", version: "5" })}.${b64url({ sub: "admin" })}.c2ln`,
        ),
      }),
    ],
    [
      "alg none token (emulator mint, empty signature)",
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "admin", header: { alg: "none" }, signature: "none" })) }),
    ],
    [
      "alg none token with a valid RS256 signature",
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "admin", header: { alg: "none" } })) }),
    ],
    [
      "HS256 header on an RS256 token",
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "admin", header: { alg: "HS256" } })) }),
    ],
    [
      "jku header pointing elsewhere",
      "try refresh token",
      async () => ({ headers: bearer(await mint({ sub: "admin", header: { jku: "http://evil.example/jwks" } })) }),
    ],
    [
      "hop-by-hop headers without a session",
      "unauthorised",
      async () => ({ headers: { connection: "upgrade, x-a", upgrade: "websocket", te: "trailers", "x-a": "1" } }),
    ],
    [
      "the same valid sAccessToken cookie twice",
      "try refresh token",
      async () => {
        const t = await mint({ sub: "u1" });
        return { headers: { cookie: `sAccessToken=${t}; sAccessToken=${t}` } };
      },
    ],
    [
      "spoofed identity headers without a session",
      "unauthorised",
      async () => ({ headers: { "x-supertokens-user-id": "admin", x_supertokens_user_id: "admin" } }),
    ],
  ];
  it.each(cases)("%s → 401 %s", async (_name, message, init) => {
    const res = await door("/api/private", await init());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message });
    expect(await originRequests()).toEqual([]);
  });

  it("unusual methods: 401 without a session, forwarded as-is with one", async () => {
    const jar = await signInCookie(door);
    for (const method of ["PATCH", "PUT", "PROPFIND", "HEAD"]) {
      expect((await door("/api/res", { method })).status, method).toBe(401);
    }
    expect(await originRequests()).toEqual([]);
    for (const method of ["PATCH", "PROPFIND", "HEAD"]) {
      const res = await door("/api/res", { method, headers: { cookie: cookieHeader(jar) } });
      expect(res.status, method).toBe(200);
    }
    expect((await originRequests()).map((r) => r.method)).toEqual(["PATCH", "PROPFIND", "HEAD"]);
  });

  it("cookie AND Authorization tokens: the header's session wins", async () => {
    const jar = await signInCookie(door, "u-cookie");
    const { access } = await signInHeader(door, "u-header");
    const res = await door("/api/me", { headers: { cookie: cookieHeader(jar), ...bearer(access) } });
    expect(res.status).toBe(200);
    expectIdentity(await onlyOriginRequest(), "u-header", access);
  });

  it("odd request URLs without a session are 401 (or 400 when ambiguous), not forwarded", async () => {
    for (const path of [
      "//evil.example/x",
      "/http://evil.example/",
      "/\\evil.example",
      "/a?%zz=%",
      `/${"a".repeat(8000)}`,
    ]) {
      const res = await door(path);
      expect(res.status, path).toBe(401);
    }
    for (const path of ["/%00", "/a%zz", "/a%2f..%2fb"]) {
      const res = await door(path);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ code: "ERR_BAD_PATH" });
    }
    expect(await originRequests()).toEqual([]);
  });

  it("garbage refresh tokens on the refresh API: 401 unauthorised, never 500", async () => {
    for (const headers of [
      { cookie: "sRefreshToken=%E0%A4%A" },
      { cookie: `sRefreshToken=${junk(8192)}` },
      bearer(junk(16 * 1024)),
      { cookie: 'sRefreshToken="abc' },
    ]) {
      const res = await door("/auth/session/refresh", { method: "POST", headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: "unauthorised" });
    }
    expect(await originRequests()).toEqual([]);
  });
});

// =====================================================================================================
describe("PUBLIC_PATHS (exact paths, or prefixes ending in *)", () => {
  // Semantics (front-door.ts matchPath): "/" matches only "/"; "/public/*" matches paths starting with
  // "/public/" — so "/public" itself and "/publicity" are protected. A bare "/public*" would match both.
  const door = frontDoor({ PUBLIC_PATHS: "/, /public/*" });

  const table: [path: string, isPublic: boolean][] = [
    ["/", true],
    ["/?q=1", true],
    ["/public/", true],
    ["/public/a/b.css?v=2", true],
    ["/public", false],
    ["/publicity", false],
    ["/index.html", false],
    ["/PUBLIC/x", false],
    ["/api/public/x", false],
  ];
  it.each(table)("%s without a session → public: %s", async (path, isPublic) => {
    const res = await door(path, { headers: { "x-supertokens-user-id": "admin", x_supertokens_tenant_id: "t" } });
    if (isPublic) {
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=60"); // the origin's, kept
      expect(res.headers.get("x-origin")).toBe("1");
      const r = await onlyOriginRequest();
      expect(r.url).toBe(path);
      expect(stHeaders(r)).toEqual({}); // spoofed identity stripped, none added
    } else {
      expect(res.status).toBe(401);
      expect(await originRequests()).toEqual([]);
    }
  });

  it("a bare prefix pattern /public* matches /public and /publicity too", async () => {
    const loose = frontDoor({ PUBLIC_PATHS: "/public*" });
    for (const p of ["/public", "/publicity", "/public/x"]) expect((await loose(p)).status, p).toBe(200);
    expect((await originRequests()).map((r) => r.url)).toEqual(["/public", "/publicity", "/public/x"]);
  });

  it("a public path with a stale or broken token is still forwarded, anonymously, without clearing anything", async () => {
    const expired = await mint({ sub: "u1", exp: Math.floor(Date.now() / 1000) - 60 });
    for (const headers of [
      bearer(expired),
      { cookie: `sAccessToken=${expired}` },
      { cookie: "sAccessToken=garbage" },
    ]) {
      const res = await door("/public/x", { headers });
      expect(res.status).toBe(200);
      expectNothingCleared(res);
      expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    }
    const all = await originRequests();
    expect(all).toHaveLength(3);
    for (const r of all) expect(stHeaders(r)).toEqual({});
  });

  it("a public path with a valid session gets the identity headers and a private answer", async () => {
    const jar = await signInCookie(door, "u-pub");
    const res = await door("/public/x", { headers: { cookie: cookieHeader(jar) } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expectIdentity(await onlyOriginRequest(), "u-pub");
  });

  it("with no PUBLIC_PATHS everything is protected, / included", async () => {
    const strict = frontDoor();
    for (const p of ["/", "/public/x", "/favicon.ico"]) expect((await strict(p)).status, p).toBe(401);
    expect(await originRequests()).toEqual([]);
  });

  it("a real CORS preflight is forwarded without a session; any other OPTIONS needs one", async () => {
    const res = await door("/api/private", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "x-supertokens-user-id": "admin",
      },
    });
    expect(res.status).toBe(200);
    const r = await onlyOriginRequest();
    expect([r.method, r.url]).toEqual(["OPTIONS", "/api/private"]);
    expect(stHeaders(r)).toEqual({});
    await origin.reset();
    for (const headers of [
      { origin: "https://app.example" },
      { "access-control-request-method": "POST" },
      {},
    ] as Record<string, string>[]) {
      expect((await door("/api/private", { method: "OPTIONS", headers })).status).toBe(401);
    }
    expect(await originRequests()).toEqual([]);
  });
});

// =====================================================================================================
describe("{apiBasePath}/* routes other than refresh and sign-out go to AUTH_ORIGIN_URL", () => {
  it("AUTH_ORIGIN_URL with a base path: sign-in is forwarded there, path and body kept, no identity", async () => {
    const door = frontDoor({ AUTH_ORIGIN_URL: `${originUrl}/auth-origin` });
    const jar = await signInCookie(door);
    const res = await door(
      "/auth/signin?redirect=%2Fhome",
      json({ email: "a@b.c" }, { cookie: cookieHeader(jar), "x-supertokens-user-id": "admin" }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, path: "/auth-origin/auth/signin" });
    const r = await onlyOriginRequest();
    expect([r.method, r.url, r.body]).toEqual([
      "POST",
      "/auth-origin/auth/signin?redirect=%2Fhome",
      '{"email":"a@b.c"}',
    ]);
    expect(stHeaders(r)).toEqual({});
  });

  it.each([
    ["GET", "/auth/signin"],
    ["GET", "/auth"],
    ["POST", "/auth/signup"],
    ["POST", "/auth/demo/signin-other"],
  ])("%s %s → auth origin, without a session", async (method, path) => {
    const door = frontDoor({ AUTH_ORIGIN_URL: `${originUrl}/auth-origin` });
    const res = await door(path, { method, body: method === "POST" ? "{}" : undefined });
    expect(res.status).toBe(200);
    expect((await onlyOriginRequest()).url).toBe(`/auth-origin${path}`);
  });

  it.each([
    ["/authority"], // not under {apiBasePath}/
    ["/auth/%2e%2e/secret"], // dot segments are resolved before routing: this is /secret
    ["/auth/../secret"],
    ["/AUTH/signin"],
  ])("%s is not an auth route: protected, nothing forwarded", async (path) => {
    const door = frontDoor({ AUTH_ORIGIN_URL: `${originUrl}/auth-origin` });
    expect((await door(path)).status).toBe(401);
    expect(await originRequests()).toEqual([]);
  });

  it("an encoded slash under the auth subtree is refused, not forwarded anonymously", async () => {
    const door = frontDoor({ AUTH_ORIGIN_URL: `${originUrl}/auth-origin/` });
    const res = await door("/auth/..%2F..%2Fsecret");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "bad request path", code: "ERR_BAD_PATH", reason: "encoded-slash" });
    expect(await originRequests()).toEqual([]);
  });

  it("the front door's own routes answer every method but POST (and a preflight) with 405: the refresh token stays here", async () => {
    const door = frontDoor({ AUTH_ORIGIN_URL: `${originUrl}/auth-origin` });
    for (const [method, path] of [
      ["GET", "/auth/session/refresh"],
      ["PUT", "/auth/session/refresh/"],
      ["GET", "/auth/signout"],
      ["DELETE", "/auth/tenant-1/signout"],
      ["OPTIONS", "/auth/session/refresh"], // not a preflight: no Access-Control-Request-Method
    ]) {
      const res = await door(path!, { method, headers: { cookie: "sRefreshToken=rt" } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe("POST, OPTIONS");
      expect(await res.json()).toEqual({ message: "method not allowed", code: "ERR_METHOD_NOT_ALLOWED" });
    }
    expect(await originRequests()).toEqual([]);
  });

  it("AUTH_ORIGIN_URL defaults to ORIGIN_URL", async () => {
    const door = frontDoor();
    expect((await door("/auth/signin")).status).toBe(200);
    expect((await onlyOriginRequest()).url).toBe("/auth/signin");
  });

  it("API_BASE_PATH moves both the own routes and the forwarded ones", async () => {
    const door = frontDoor({ API_BASE_PATH: "/api/v1/auth", AUTH_ORIGIN_URL: `${originUrl}/auth-origin` });
    const res = await door("/api/v1/auth/demo/signin", json({ userId: "u1" }, { "st-auth-mode": "cookie" }));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("sRefreshToken="))).toMatch(
      /Path=\/api\/v1\/auth\/session\/refresh;/,
    );
    expect((await door("/api/v1/auth/signin")).status).toBe(200);
    expect((await door("/auth/signin")).status).toBe(401); // no longer an auth route: protected
    expect((await originRequests()).map((r) => r.url)).toEqual(["/auth-origin/api/v1/auth/signin"]);
  });

  it("without DEMO_SIGN_IN the demo route is just another auth route (forwarded, no session created)", async () => {
    const door = frontDoor({ DEMO_SIGN_IN: undefined });
    const res = await door("/auth/demo/signin", json({ userId: "u1" }, { "st-auth-mode": "cookie" }));
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect((await onlyOriginRequest()).url).toBe("/auth/demo/signin");
  });
});

// =====================================================================================================
describe("refresh, promotion and sign-out through the front door", () => {
  const door = frontDoor();

  it("cookie mode: refresh rotates both cookies, the next request is promoted via the core, sign-out clears", async () => {
    const jar = await signInCookie(door, "u-rot");
    const oldAccess = accessFromJar(jar);

    const refreshed = await door("/auth/session/refresh", { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toEqual({});
    const lines = refreshed.headers.getSetCookie();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^sAccessToken=eyJ[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(lines[1]).toMatch(
      /^sRefreshToken=[^;]+; Path=\/auth\/session\/refresh; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    expect(lines.some(isClearing)).toBe(false);
    expect(refreshed.headers.get("front-token")).toBeTruthy();
    const before = { ...jar };
    cookieJar(refreshed, jar);
    expect(jar.sAccessToken).not.toBe(before.sAccessToken);
    expect(jar.sRefreshToken).not.toBe(before.sRefreshToken);
    expect(await originRequests()).toEqual([]); // answered by the front door itself

    // First use of the refreshed token: the core promotes it and hands out a new access token.
    const verifies = await coreCount("POST /recipe/session/verify");
    const promoted = await door("/api/set-cookie", { headers: { cookie: cookieHeader(jar) } });
    expect(promoted.status).toBe(200);
    expect(await coreCount("POST /recipe/session/verify")).toBe(verifies + 1);
    const promotedCookies = promoted.headers.getSetCookie();
    expect(promotedCookies).toHaveLength(2); // the origin's own cookie, then the renewed access token
    expect(promotedCookies[0]).toBe("origin-cookie=1; Path=/");
    expect(promotedCookies[1]).toMatch(/^sAccessToken=eyJ[^;]+; Path=\/;/);
    const front = frontTokenOf(promoted);
    expect(front.uid).toBe("u-rot");
    expect(promoted.headers.get("cache-control")).toBe("private, no-store");
    expect(promoted.headers.get("x-origin")).toBe("1");
    cookieJar(promoted, jar);
    delete jar["origin-cookie"];
    expectIdentity(await onlyOriginRequest(), "u-rot", accessFromJar(jar)); // the payload of the NEW token
    expect(jwtPayload(accessFromJar(jar)).parentRefreshTokenHash1 ?? null).toBeNull();
    expect(jwtPayload(accessFromJar(jar)).sessionHandle).toBe(jwtPayload(oldAccess).sessionHandle);

    // The promoted token verifies locally again.
    const again = await door("/api/me", { headers: { cookie: cookieHeader(jar) } });
    expect(again.status).toBe(200);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await coreCount("POST /recipe/session/verify")).toBe(verifies + 1);

    const out = await door("/auth/signout", { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ status: "OK" });
    expect(out.headers.get("front-token")).toBe("remove");
    expect(out.headers.getSetCookie()).toEqual([
      "sAccessToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax",
      "sRefreshToken=; Path=/auth/session/refresh; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax",
    ]);
    expect((await originRequests()).length).toBe(2); // only the two /api/me requests
    // The revoked session's refresh token no longer works.
    const dead = await door("/auth/session/refresh", { method: "POST", headers: { cookie: cookieHeader(jar) } });
    expect(dead.status).toBe(401);
  });

  it("header mode: refresh answers st-access-token/st-refresh-token, promotion answers st-access-token", async () => {
    const { access, refresh } = await signInHeader(door, "u-hdr");
    const refreshed = await door("/auth/session/refresh", { method: "POST", headers: bearer(refresh) });
    expect(refreshed.status).toBe(200);
    const newAccess = refreshed.headers.get("st-access-token")!;
    const newRefresh = refreshed.headers.get("st-refresh-token")!;
    expect(newAccess).toMatch(/^eyJ/);
    expect(newAccess).not.toBe(access);
    expect(newRefresh).toBeTruthy();
    expect(newRefresh).not.toBe(refresh);
    expect(refreshed.headers.get("front-token")).toBeTruthy();
    expect(refreshed.headers.getSetCookie()).toEqual([]);

    const promoted = await door("/api/me", { headers: bearer(newAccess) });
    expect(promoted.status).toBe(200);
    const promotedAccess = promoted.headers.get("st-access-token")!;
    expect(promotedAccess).toMatch(/^eyJ/);
    expect(promotedAccess).not.toBe(newAccess);
    expect(promoted.headers.get("front-token")).toBeTruthy();
    expect(promoted.headers.get("access-control-expose-headers")).toMatch(/st-access-token/);
    expect(promoted.headers.get("cache-control")).toBe("private, no-store");
    expectIdentity(await onlyOriginRequest(), "u-hdr");

    const out = await door("/auth/signout", { method: "POST", headers: bearer(promotedAccess) });
    expect(out.status).toBe(200);
    expect(out.headers.get("front-token")).toBe("remove");
    expect(out.headers.get("st-access-token")).toBe("");
    expect(out.headers.get("st-refresh-token")).toBe("");
  });

  it("sign-out without a session is the SDK's 401 and reaches nobody", async () => {
    const res = await door("/auth/signout", { method: "POST" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "unauthorised" });
    expect(await originRequests()).toEqual([]);
  });

  it("tenant-prefixed and trailing-slash own routes are answered too", async () => {
    const { refresh } = await signInHeader(door, "u-t");
    const res = await door("/auth/public/session/refresh", { method: "POST", headers: bearer(refresh) });
    expect(res.status).toBe(200);
    const again = await door("/auth/session/refresh/", {
      method: "POST",
      headers: bearer(res.headers.get("st-refresh-token")!),
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("st-access-token")).toMatch(/^eyJ/);
    expect(await originRequests()).toEqual([]);
  });

  it("CORS preflight of the refresh API from WEBSITE_DOMAIN is answered by the front door", async () => {
    const cors = frontDoor({ API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.example.com" });
    const res = await cors("/auth/session/refresh", {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/st-auth-mode/);
    expect(await originRequests()).toEqual([]);
  });

  it("cookie attributes follow COOKIE_SECURE / COOKIE_SAME_SITE / COOKIE_DOMAIN", async () => {
    const d = frontDoor({ COOKIE_SECURE: "true", COOKIE_SAME_SITE: "Strict", COOKIE_DOMAIN: ".front.test" });
    const res = await d("/auth/demo/signin", json({ userId: "u1" }, { "st-auth-mode": "cookie" }));
    expect(res.status).toBe(200);
    for (const line of res.headers.getSetCookie())
      expect(line).toMatch(/; Domain=\.?front\.test; Path=[^;]+; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
  });
});

// =====================================================================================================
describe("anti-CSRF and the core API key", () => {
  it("cross-site WEBSITE_DOMAIN (SameSite=None → VIA_CUSTOM_HEADER): a cookie POST without `rid` never reaches the origin", async () => {
    const door = frontDoor({ API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.other.example" });
    const signIn = await door("/auth/demo/signin", json({ userId: "u-x" }, { "st-auth-mode": "cookie" }));
    for (const line of signIn.headers.getSetCookie()) expect(line).toMatch(/; Secure; SameSite=None$/);
    const cookie = cookieHeader(cookieJar(signIn));

    const blocked = await door("/api/transfer", { method: "POST", headers: { cookie }, body: "x" });
    expect(blocked.status).toBe(401);
    expect(await blocked.json()).toEqual({ message: "try refresh token" });
    expect(await originRequests()).toEqual([]);

    expect(
      (await door("/api/transfer", { method: "POST", headers: { cookie, rid: "session" }, body: "x" })).status,
    ).toBe(200);
    expect((await door("/api/read", { headers: { cookie } })).status).toBe(200); // GET: no check
    // header-mode tokens are not ambient credentials: no rid needed
    const hdr = await door("/auth/demo/signin", json({ userId: "u-x" }));
    expect(
      (await door("/api/transfer", { method: "POST", headers: bearer(hdr.headers.get("st-access-token")!), body: "x" }))
        .status,
    ).toBe(200);
    expect((await originRequests()).map((r) => r.url)).toEqual(["/api/transfer", "/api/read", "/api/transfer"]);
  });

  it("ANTI_CSRF=VIA_TOKEN: a cookie POST needs the anti-csrf token handed out at sign-in", async () => {
    const door = frontDoor({ ANTI_CSRF: "VIA_TOKEN" });
    const signIn = await door("/auth/demo/signin", json({ userId: "u-csrf" }, { "st-auth-mode": "cookie" }));
    const antiCsrf = signIn.headers.get("anti-csrf")!;
    expect(antiCsrf).toBeTruthy();
    const cookie = cookieHeader(cookieJar(signIn));
    const blocked = await door("/api/transfer", { method: "POST", headers: { cookie }, body: "x" });
    expect(blocked.status).toBe(401);
    expect(await blocked.json()).toEqual({ message: "try refresh token" });
    const wrong = await door("/api/transfer", { method: "POST", headers: { cookie, "anti-csrf": "nope" }, body: "x" });
    expect(wrong.status).toBe(401);
    expect(await originRequests()).toEqual([]);
    expect(
      (await door("/api/transfer", { method: "POST", headers: { cookie, "anti-csrf": antiCsrf }, body: "x" })).status,
    ).toBe(200);
    expect((await onlyOriginRequest()).url).toBe("/api/transfer");
  });

  it("SUPERTOKENS_API_KEY is sent to the core", async () => {
    const door = frontDoor({ SUPERTOKENS_API_KEY: "key-123" });
    await signInHeader(door, "u-key");
    const { requests } = await emu<{ requests: { key: string; headers: Record<string, string> }[] }>("stats");
    const create = requests.filter((r) => r.key === "POST /recipe/session").at(-1)!;
    expect(create.headers["api-key"]).toBe("key-123");
  });
});

// =====================================================================================================
describe("core outage: cached JWKS keeps verification working; refresh and sign-out fail without logging out", () => {
  const door = frontDoor({ PUBLIC_PATHS: "/public/*" });

  it.each(["down", "500", "html"])(
    'core failure "%s": verification from the cached JWKS, refresh/sign-out/promotion answer 503 and clear nothing',
    async (mode) => {
      const jar = await signInCookie(door, "u-down");
      const { access, refresh } = await signInHeader(door, "u-down-h");
      const refreshedJar = { ...jar };
      cookieJar(
        await door("/auth/session/refresh", { method: "POST", headers: { cookie: cookieHeader(jar) } }),
        refreshedJar,
      );
      expect((await door("/api/warm", { headers: { cookie: cookieHeader(jar) } })).status).toBe(200); // JWKS warm
      await origin.reset();

      await emu("failure", { mode });
      const ok = await door("/api/me", { headers: { cookie: cookieHeader(jar) } });
      expect(ok.status).toBe(200);
      const okHeader = await door("/api/me", { headers: bearer(access) });
      expect(okHeader.status).toBe(200);
      const seen = await originRequests();
      expect(seen).toHaveLength(2);
      expectIdentity(seen[0]!, "u-down");
      expectIdentity(seen[1]!, "u-down-h");

      const attempts: [string, RequestInit][] = [
        ["/auth/session/refresh", { method: "POST", headers: { cookie: cookieHeader(jar) } }],
        ["/auth/session/refresh", { method: "POST", headers: bearer(refresh) }],
        ["/auth/signout", { method: "POST", headers: { cookie: cookieHeader(jar) } }],
        ["/auth/signout", { method: "POST", headers: bearer(access) }],
        // a refreshed (not yet promoted) token needs the core: an outage is a 503, not a 401
        ["/api/me", { headers: { cookie: cookieHeader(refreshedJar) } }],
      ];
      for (const [path, init] of attempts) {
        const res = await door(path, init);
        expect(res.status, path).toBe(503);
        expect(res.headers.get("content-type")).toMatch(/application\/json/);
        expect(await res.json()).toMatchObject({ message: "SuperTokens core unavailable" });
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(res.headers.get("front-token")).toBeNull();
        expect(res.headers.get("st-access-token")).toBeNull();
      }
      expect(await originRequests()).toHaveLength(2);

      await emu("failure", { mode: null });
      // Nothing was lost: the same cookies still refresh once the core is back.
      expect(
        (await door("/auth/session/refresh", { method: "POST", headers: { cookie: cookieHeader(jar) } })).status,
      ).toBe(200);
    },
  );

  it('core "slow" (6 s > the 5 s core timeout): verification is instant, refresh times out into a 503', async () => {
    const { access, refresh } = await signInHeader(door, "u-slow");
    expect((await door("/api/warm", { headers: bearer(access) })).status).toBe(200);
    await emu("failure", { mode: "slow", delayMs: 6000 });

    let t = Date.now();
    const ok = await door("/api/me", { headers: bearer(access) });
    expect(ok.status).toBe(200);
    expect(Date.now() - t).toBeLessThan(1000);

    t = Date.now();
    const res = await door("/auth/session/refresh", { method: "POST", headers: bearer(refresh) });
    const elapsed = Date.now() - t;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ message: "SuperTokens core unavailable" });
    expectNothingCleared(res);
    expect(res.headers.get("st-access-token")).toBeNull();
    expect(res.headers.get("st-refresh-token")).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(4500);
    expect(elapsed).toBeLessThan(6000);
  });

  it("a cold isolate during an outage verifies from the JWKS another isolate put in KV", async () => {
    const token = await mint({ sub: "u-kv" });
    const warm = frontDoor({ API_DOMAIN: "https://kv-warm.example" });
    expect((await warm("/api/me", { headers: bearer(token) })).status).toBe(200);
    await emu("failure", { mode: "down" });
    const cold = frontDoor({ API_DOMAIN: "https://kv-cold.example" });
    const res = await cold("/api/me", { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect((await originRequests()).map((r) => header(r, "x-supertokens-user-id"))).toEqual(["u-kv", "u-kv"]);
  });

  it("a cold isolate without KV during an outage answers 503 (not 401), clears nothing, forwards nothing", async () => {
    const token = await mint({ sub: "u-nokv" });
    await emu("failure", { mode: "down" });
    const cold = frontDoor({ API_DOMAIN: "https://no-kv.example" }, { kv: false });
    for (const headers of [bearer(token), { cookie: `sAccessToken=${token}` }]) {
      const res = await cold("/api/me", { headers });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ message: "SuperTokens core unavailable" });
      expectNothingCleared(res);
    }
    expect(await originRequests()).toEqual([]);
  });

  it("public paths keep working during an outage", async () => {
    await emu("failure", { mode: "down" });
    const res = await door("/public/x");
    expect(res.status).toBe(200);
    expect((await onlyOriginRequest()).url).toBe("/public/x");
  });
});

// =====================================================================================================
describe("configuration errors answer a clear 500", () => {
  const cases: [vars: Vars, pattern: RegExp][] = [
    [{ ORIGIN_URL: undefined }, /ORIGIN_URL is required/],
    [{ ORIGIN_URL: "" }, /ORIGIN_URL is required/],
    [{ SUPERTOKENS_CONNECTION_URI: undefined }, /SUPERTOKENS_CONNECTION_URI is required/],
    [{ ORIGIN_URL: "not a url" }, /ORIGIN_URL is not a valid URL/],
    [{ ORIGIN_URL: "ftp://files.example" }, /ORIGIN_URL must be http\(s\)/],
    [{ AUTH_ORIGIN_URL: "javascript:alert(1)" }, /AUTH_ORIGIN_URL must be http\(s\)/],
    [{ PUBLIC_PATHS: "/ok, public/*" }, /PUBLIC_PATHS entries must start with "\/"/],
    [{ COOKIE_SECURE: "yes" }, /COOKIE_SECURE must be "true" or "false"/],
    [{ DEMO_SIGN_IN: "1" }, /DEMO_SIGN_IN must be "true" or "false"/],
    [{ JWKS_REFRESH_INTERVAL_SEC: "-5" }, /JWKS_REFRESH_INTERVAL_SEC must be a positive number/],
    [{ JWKS_REFRESH_INTERVAL_SEC: "soon" }, /JWKS_REFRESH_INTERVAL_SEC must be a positive number/],
    [{ COOKIE_SAME_SITE: "sideways" }, /cookieSameSite must be/],
    [{ ANTI_CSRF: "MAYBE" }, /antiCsrf must be/],
  ];
  it.each([
    [{ JWKS_REFRESH_INTERVAL_SEC: "60", ANTI_CSRF: "NONE", COOKIE_SECURE: "false", COOKIE_SAME_SITE: "LAX" }],
    [{ ORIGIN_URL: `${originUrl}/`, PUBLIC_PATHS: " /api/me , , /x/* " }],
    [{ API_BASE_PATH: "/auth/", SUPERTOKENS_API_KEY: "" }],
  ])("valid config %o is accepted", async (vars: Vars) => {
    const door = frontDoor({ PUBLIC_PATHS: "/api/me", ...vars });
    const res = await door("/api/me");
    expect(res.status).toBe(200);
    expect((await onlyOriginRequest()).url).toBe("/api/me");
  });

  it.each(cases)("%o → 500 front door misconfigured (the reason in the logs only)", async (vars, pattern) => {
    const logged: string[] = [];
    const spy = vi
      .spyOn(console, "error")
      .mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    try {
      const res = await frontDoor(vars)("/api/me");
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ message: "front door misconfigured", code: "ERR_FRONT_DOOR_MISCONFIGURED" });
      expect(logged.join("\n")).toMatch(pattern);
    } finally {
      spy.mockRestore();
    }
    expect(await originRequests()).toEqual([]);
  });
});

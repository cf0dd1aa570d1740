// The front door's path handling and the hardening around it (spec points A–H of the path-handling rewrite),
// inside workerd: frontDoorWorker.fetch(new Request(…), env) against the recording origin
// (test/setup/recording-origin.ts, which records the raw path it received) and a core emulator.
//
// A. one canonical path per request, used for every decision and forwarded verbatim; what cannot be made
//    unambiguous is a 400 {"code":"ERR_BAD_PATH"} that reaches nobody
// B. routing / method-override headers never reach the origin      C. OPTIONS: only a real preflight goes through
// D. fail-open configurations are refused, without details          E. the own routes: 405, sRefreshToken stripped
// F. forwarding headers are the front door's, never the client's    G. origin timeout / unreachable / bad status
// H. identity headers are percent-encoded UTF-8, so any id survives
//
// `new Request()` WHATWG-parses its URL like the runtime does for a real request (`\` → `/`, literal and `%2e` dot
// segments resolved, raw controls percent-encoded, TAB/LF dropped): what it cannot express — raw bytes on the
// request line — is in test/node/front-door-attack.test.ts.
//
// Every door gets its own ORIGIN_URL base path (`/<tag>/…`, auth routes `/<tag>-auth/…`), so this file only ever
// reads its own requests from the shared recording origin and never resets it.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { FrontDoor, frontDoorOptionsFromEnv, frontDoorWorker, type FrontDoorEnv } from "../../src/worker/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    frontDoorCoreUrl: string;
  }
}

interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
}
interface Received extends RecordedRequest {
  /** Which upstream got it. */
  to: "origin" | "auth";
  /** The path + query after the door's base path. */
  path: string;
}

const originUrl = inject("originUrl");
const coreUrl = inject("frontDoorCoreUrl");
const kv = (env as unknown as { SUPERTOKENS_JWKS: KVNamespace }).SUPERTOKENS_JWKS;
const FRONT = "http://front.test";

type Vars = Omit<FrontDoorEnv, "SUPERTOKENS_JWKS"> & Record<string, string | undefined>;
let seq = 0;

/** A front door deployed with PUBLIC_PATHS=/,/public/* (overridable) in front of its own slice of the recording origin. */
function door(vars: Vars = {}) {
  const tag = `p${Date.now().toString(36)}${(seq++).toString(36)}`;
  const e: Record<string, unknown> = { SUPERTOKENS_JWKS: kv };
  const all: Vars = {
    SUPERTOKENS_CONNECTION_URI: coreUrl,
    ORIGIN_URL: `${originUrl}/${tag}`,
    AUTH_ORIGIN_URL: `${originUrl}/${tag}-auth`,
    PUBLIC_PATHS: "/,/public/*",
    DEMO_SIGN_IN: "true",
    ...vars,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) e[k] = v;
  const call = (path: string, init?: RequestInit) =>
    frontDoorWorker.fetch(new Request(FRONT + path, init), e as FrontDoorEnv);
  /** What this door's origins received, oldest first. */
  call.received = async (): Promise<Received[]> => {
    const list = (await (await fetch(`${originUrl}/__origin/requests`)).json()) as RecordedRequest[];
    const out: Received[] = [];
    for (const r of list) {
      if (r.url.startsWith(`/${tag}-auth/`)) out.push({ ...r, to: "auth", path: r.url.slice(tag.length + 6) });
      else if (r.url.startsWith(`/${tag}/`)) out.push({ ...r, to: "origin", path: r.url.slice(tag.length + 1) });
    }
    return out;
  };
  return call;
}

async function emu<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${coreUrl}/__emu/${path}`, { method: "POST", body: JSON.stringify(body ?? {}) });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const mint = async (opts: Record<string, unknown>) => (await emu<{ token: string }>("mint", opts)).token;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const header = (r: RecordedRequest, name: string) => r.headers[name] as string | undefined;
/** Raw header names as received, lower-cased, `_` read as `-`. */
const rawNames = (r: RecordedRequest) =>
  r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, "-"));

function decodeBase64UrlJson(s: string): unknown {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function expectBadPath(res: Response, what: string) {
  expect(res.status, what).toBe(400);
  expect(res.headers.get("content-type"), what).toMatch(/application\/json/);
  const body = (await res.json()) as { code?: unknown; reason?: unknown };
  expect(body.code, what).toBe("ERR_BAD_PATH");
  expect(typeof body.reason, what).toBe("string");
  expect(body.reason as string, what).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
}

afterEach(() => {
  vi.restoreAllMocks();
});

// =====================================================================================================
// A. Paths that cannot be made unambiguous: 400, and nobody receives anything
// =====================================================================================================
type Where = (f: string) => string;
const SEGMENT_PLACES: Where[] = [
  (f) => `/public/${f}`, // at the end
  (f) => `/public/a/${f}/private/secret.txt`,
  (f) => `/auth/${f}/x`,
  (f) => `/api/${f}/x`, // protected: refused before the session is even looked at
  (f) => `/${f}`,
];
const INSIDE_PLACES: Where[] = [
  (f) => `/public/x${f}y`,
  (f) => `/public/${f}`,
  (f) => `/auth/signin${f}`,
  (f) => `/api/x${f}`,
  (f) => `/${f}/public/x`,
];

const BAD: [reason: string, places: Where[], fragments: string[]][] = [
  [
    "invalid-escape",
    INSIDE_PLACES,
    ["%zz", "%", "%2", "%g0", "%0g", "%u002e", "%U002E", "%%32%65", "%2%65", "%-1", "%%", "%+2e"],
  ],
  [
    "invalid-utf8",
    INSIDE_PLACES,
    [
      "%C0%AE",
      "%c0%ae",
      "%C0%AF",
      "%c1%9c",
      "%E0%80%AE",
      "%e0%80%af",
      "%F0%80%80%AE", // overlong
      "%ED%A0%80",
      "%ed%bf%bf",
      "%ED%A0%BD%ED%B8%80", // surrogates (also a CESU-8 pair)
      "%FF",
      "%fe",
      "%80",
      "%BF",
      "%C3",
      "%C3%28",
      "%E2%82",
      "%e2%82%28",
      "%F4%90%80%80",
      "%F8%88%80%80%80",
      "%C3%A9%80",
    ],
  ],
  [
    "encoded-slash",
    INSIDE_PLACES,
    ["%2f", "%2F", "%5c", "%5C", "..%2f", "%2e%2e%2F", "a%2Fb", "%2f%2f", "%5Cx", "..%5c..%5c"],
  ],
  [
    "double-encoding",
    INSIDE_PLACES,
    [
      "%252e",
      "%252E",
      "%252f",
      "%252F",
      "%255c",
      "%255C",
      "%2541",
      "%25e2",
      "%25252e",
      "%252e%252e%252f",
      // The escape decodes to `%` and what follows it, once decoded, is two hex digits: still a double encoding.
      "%25%32%65",
      "%25%32%46",
      "%25%35%63",
      "%25%34%31",
    ],
  ],
  // Raw controls (which the URL parser percent-encodes) sit between letters: at either end of a URL it strips them.
  [
    "control-character",
    INSIDE_PLACES,
    ["%00", "%01", "%0a", "%0A", "%0d", "%0D", "%09", "%1f", "%1F", "%7f", "%7F", "a\u0001b", "a\u001bb", "\u007f"],
  ],
  [
    "dot-segment",
    SEGMENT_PLACES,
    [
      "..;",
      "..;x",
      ".;x",
      ".;",
      "..;jsessionid=1",
      "%2e%2e;",
      "%2E%2E;",
      "%2e.;x",
      ".%2E;a=b",
      "%2e;",
      "..;%3Bx",
      // `;` written as %3B: an origin that decodes before it drops params reads `..`.
      "..%3B",
      "..%3b",
      "%2e%2e%3bx",
      ".%3B",
      "%2E%2e%3B",
      // Only dots and spaces: Windows (IIS) drops trailing dots and spaces, so `...`, `..%20` or `. .` read as `..`.
      "...",
      "%2e%2e%2e",
      "..%20",
      "%20..",
      ". .",
      "....",
    ],
  ],
];

describe("A. a path that cannot be made unambiguous is a 400 ERR_BAD_PATH that reaches nobody", () => {
  it.each(BAD)("%s", async (_reason, places, fragments) => {
    const d = door();
    const wrong: string[] = [];
    for (const f of fragments) {
      for (const place of places) {
        const path = place(f);
        const res = await d(path);
        let ok = res.status === 400;
        if (ok) {
          try {
            const b = (await res.clone().json()) as { code?: unknown; reason?: unknown };
            ok = b.code === "ERR_BAD_PATH" && typeof b.reason === "string";
          } catch {
            ok = false;
          }
        }
        if (!ok) wrong.push(`${JSON.stringify(path)} → ${res.status} ${(await res.text()).slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((await d.received()).map((r) => r.url)).toEqual([]);
  });

  it("the 400 is JSON with a kebab-case reason", async () => {
    await expectBadPath(await door()("/public/..%2fprivate/secret.txt"), "encoded slash");
  });

  it("with a valid session, on any method, and on the front door's own routes too", async () => {
    const d = door();
    const token = await mint({ sub: "u1" });
    const cases: [string, RequestInit][] = [
      ["/private/..%2fsecret.txt", { headers: bearer(token) }],
      ["/api/%252e%252e/x", { headers: bearer(token) }],
      ["/api/x/..;/y", { method: "POST", headers: bearer(token), body: "x" }],
      ["/api/%C0%AE", { method: "DELETE", headers: bearer(token) }],
      ["/auth/session/refresh%2f", { method: "POST" }],
      ["/auth/..;/session/refresh", { method: "POST" }],
      ["/auth/signout%00", { method: "POST", headers: bearer(token) }],
      [
        "/public/..%2f",
        { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "GET" } },
      ],
      ["/public/%zz", { method: "HEAD" }],
    ];
    for (const [path, init] of cases) {
      const res = await d(path, init);
      if (init.method === "HEAD") expect(res.status, path).toBe(400);
      else await expectBadPath(res, `${init.method ?? "GET"} ${path}`);
    }
    expect(await d.received()).toEqual([]);
  });
});

// =====================================================================================================
// A. The canonical form: decided on and forwarded verbatim
// =====================================================================================================
const CANONICAL: [request: string, forwarded: string][] = [
  ["/public/%7Euser/a%2ejs", "/public/~user/a.js"],
  ["/public/%41%5a%61%7a%30%39%2d%2e%5f%7e", "/public/AZaz09-._~"],
  ["/public/a//b", "/public/a/b"],
  ["/public///a////b/", "/public/a/b/"],
  ["/public/\\x", "/public/x"], // the runtime made `\` a `/`, the front door merged the two
  ["/public//..//x", "/public/x"],
  ["/public/caf%c3%a9", "/public/caf%C3%A9"],
  ["/public/caf%C3%A9", "/public/caf%C3%A9"],
  ["/public/café", "/public/caf%C3%A9"],
  ["/public/%f0%9f%98%80", "/public/%F0%9F%98%80"],
  ["/public/%e2%82%ac%2e", "/public/%E2%82%AC."],
  ["/public/a;b=c/d", "/public/a;b=c/d"],
  ["/public/a;b;c=%3d/d", "/public/a;b;c=%3D/d"],
  ["/public/a%3bb", "/public/a%3Bb"],
  ["/public/a%20b", "/public/a%20b"],
  ["/public/a b", "/public/a%20b"],
  ["/public/a%3fb%23c", "/public/a%3Fb%23c"],
  ["/public/%21%24%26%27%28%29%2a%2b%2c%3d%3a%40", "/public/%21%24%26%27%28%29%2A%2B%2C%3D%3A%40"],
  ["/public/a/../b", "/public/b"],
  ["/public/a/./b", "/public/a/b"],
  ["/public/a/%2e/b", "/public/a/b"],
  ["/public/a/%2E%2e/b", "/public/b"],
  ["/public/x/..", "/public/"],
  ["/public/a..b/.hidden", "/public/a..b/.hidden"],
  ["/public/%25", "/public/%25"],
  ["/public/100%25", "/public/100%25"],
  ["/public/%25zz", "/public/%25zz"],
  ["/public/%25%20", "/public/%25%20"],
  ["/public/x?q=%2f..%2f&r=%zz&s=%00", "/public/x?q=%2f..%2f&r=%zz&s=%00"], // the query is not the path
  ["/public/x?a=1&b=%C0%AE#frag", "/public/x?a=1&b=%C0%AE"],
  ["/", "/"],
  ["//", "/"],
  ["//public/x", "/public/x"], // decided on the canonical path: public
  ["/%70ublic/x", "/public/x"], // idem
  ["/%2e/public/x", "/public/x"],
];

describe("A. the canonical path is what is decided on and what the origin receives", () => {
  it.each(CANONICAL)("%s → %s", async (request, forwarded) => {
    const d = door();
    const res = await d(request);
    expect(res.status).toBe(200);
    const got = await d.received();
    expect(got.map((r) => [r.to, r.path])).toEqual([["origin", forwarded]]);
  });

  it.each([
    ["/auth/%73ignin", "/auth/signin"],
    ["/auth//signin", "/auth/signin"],
    ["/%61uth/signin", "/auth/signin"],
    ["//auth/signin?x=%2f", "/auth/signin?x=%2f"],
    ["/auth/a;b/c", "/auth/a;b/c"],
    ["/auth/caf%c3%a9", "/auth/caf%C3%A9"],
  ])("auth route %s → auth origin %s", async (request, forwarded) => {
    const d = door();
    expect((await d(request)).status).toBe(200);
    expect((await d.received()).map((r) => [r.to, r.path])).toEqual([["auth", forwarded]]);
  });

  it.each([
    ["/%61pi/x"],
    ["/publi%63"],
    ["/public%3B/x"],
    ["/public;x/y"],
    ["//private/secret.txt"],
    ["/%2e/private"],
    ["/auth%3Bx/y"],
  ])("%s is protected once canonical: 401, nothing forwarded", async (request) => {
    const d = door();
    const res = await d(request);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "unauthorised" });
    expect(await d.received()).toEqual([]);
  });

  it("an authenticated request is forwarded in its canonical form too", async () => {
    const d = door();
    const token = await mint({ sub: "u-canon" });
    const res = await d("/api//%7Ex/./y/../z%3b?q=%2F", { headers: bearer(token) });
    expect(res.status).toBe(200);
    const [r] = await d.received();
    expect([r?.to, r?.path, header(r!, "x-supertokens-user-id")]).toEqual(["origin", "/api/~x/z%3B?q=%2F", "u-canon"]);
  });

  it("the front door's own routes are found on the canonical path", async () => {
    const d = door();
    for (const path of [
      "/auth//session/refresh",
      "/auth/session/%72efresh",
      "/%61uth/signout",
      "/auth/session//refresh/",
      "//auth/public/signout",
    ]) {
      const res = await d(path, { method: "POST" });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ message: "unauthorised" });
    }
    expect(await d.received()).toEqual([]);
  });

  it("an ORIGIN_URL base path is kept in front of the canonical path", async () => {
    const d = door();
    await d("/public/%7e");
    const [r] = await d.received();
    expect(r!.url).toMatch(/^\/p[0-9a-z]+\/public\/~$/);
  });
});

describe("A. ALLOW_ENCODED_SLASHES=true keeps %2F/%5C (uppercase) unless a piece is a dot segment", () => {
  it.each([
    ["/public/a%2fb", "/public/a%2Fb"],
    ["/public/a%5cb", "/public/a%5Cb"],
    ["/public/a%2Fb%2Fc.txt", "/public/a%2Fb%2Fc.txt"],
    ["/public/%7e%2f%41", "/public/~%2FA"],
  ])("%s → %s", async (request, forwarded) => {
    const d = door({ ALLOW_ENCODED_SLASHES: "true" });
    expect((await d(request)).status).toBe(200);
    expect((await d.received()).map((r) => r.path)).toEqual([forwarded]);
  });

  it("a dot segment between encoded or real slashes is still refused", async () => {
    const d = door({ ALLOW_ENCODED_SLASHES: "true" });
    for (const path of [
      "/public/..%2fprivate/secret.txt",
      "/public/a%2f..%2f..%2fprivate",
      "/public/a%2F.",
      "/public/.%2Fa",
      "/public/%2e%2e%2fx",
      "/public/x%5C..%5Cy",
      "/public/x%5C.%2e%5Cy",
      "/public/..;%2fx",
      "/public/a%2F..;x%2Fb",
      "/public/a%2F%2e%2e%3B%2Fb",
      "/auth/..%2fprivate",
      "/api/x%2F..%2Fy",
    ]) {
      await expectBadPath(await d(path), path);
    }
    // …and so are the other classes.
    for (const path of ["/public/%252f", "/public/%zz%2f", "/public/%C0%AF", "/public/a%2F%00"])
      await expectBadPath(await d(path), path);
    expect(await d.received()).toEqual([]);
  });

  it("an encoded slash does not make a segment public: /public%2Fx is not under /public/", async () => {
    const d = door({ ALLOW_ENCODED_SLASHES: "true" });
    expect((await d("/public%2Fx")).status).toBe(401);
    expect(await d.received()).toEqual([]);
  });

  it("without the var, an encoded slash is refused even with a session", async () => {
    const d = door();
    await expectBadPath(await d("/api/a%2Fb", { headers: bearer(await mint({ sub: "u" })) }), "/api/a%2Fb");
    expect(await d.received()).toEqual([]);
  });
});

// =====================================================================================================
// B. Routing and method-override headers
// =====================================================================================================
const ROUTING = [
  "X-Original-URL",
  "X-Rewrite-URL",
  "X-Original-URI",
  "X-Override-URL",
  "X-HTTP-Method-Override",
  "X-HTTP-Method",
  "X-Method-Override",
];
const spellings = (name: string) => [
  name,
  name.toLowerCase(),
  name.toUpperCase(),
  name.replace(/-/g, "_"),
  name.toLowerCase().replace(/-/g, "_"),
];

describe("B. headers that make origins route elsewhere never reach the origin", () => {
  it.each(ROUTING)("%s (any case, `_` spellings) on public, auth and authenticated requests", async (name) => {
    const d = door();
    const token = await mint({ sub: "u-b" });
    for (const spelling of spellings(name)) {
      const h = { [spelling]: name.includes("Method") ? "DELETE" : "/private/secret.txt", "x-keep": "1" };
      expect((await d("/public/x", { headers: h })).status).toBe(200);
      expect((await d("/auth/signin", { method: "POST", headers: h, body: "{}" })).status).toBe(200);
      expect((await d("/api/x", { headers: { ...h, ...bearer(token) } })).status).toBe(200);
    }
    const got = await d.received();
    expect(got).toHaveLength(15);
    for (const r of got) {
      expect(rawNames(r), `${r.url}`).not.toContain(name.toLowerCase());
      expect(header(r, "x-keep")).toBe("1");
    }
  });
});

// =====================================================================================================
// C. OPTIONS
// =====================================================================================================
describe("C. OPTIONS: only a real CORS preflight goes through without a session", () => {
  const preflight = { origin: "https://app.example", "access-control-request-method": "GET" };

  it.each([
    ["no headers", {}, undefined],
    ["Origin only", { origin: "https://app.example" }, undefined],
    ["Access-Control-Request-Method only", { "access-control-request-method": "GET" }, undefined],
    ["preflight headers with a body", preflight, "x=1"],
    ["spoofed identity", { "x-supertokens-user-id": "admin" }, undefined],
  ])("%s → 401 unauthorised, nothing forwarded", async (_name, headers, body) => {
    const d = door();
    for (const path of ["/api/private", "/private/secret.txt", "/public"]) {
      const res = await d(path, { method: "OPTIONS", headers, body });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ message: "unauthorised" });
    }
    expect(await d.received()).toEqual([]);
  });

  it("a real preflight (Origin + Access-Control-Request-Method, no body) is forwarded, anonymously", async () => {
    const d = door();
    const res = await d("/api/private", {
      method: "OPTIONS",
      headers: { ...preflight, "x-supertokens-user-id": "admin" },
    });
    expect(res.status).toBe(200);
    const [r] = await d.received();
    expect([r?.method, r?.path, header(r!, "x-supertokens-user-id")]).toEqual(["OPTIONS", "/api/private", undefined]);
  });

  it("OPTIONS to a public path, or with a session, is forwarded", async () => {
    const d = door();
    expect((await d("/public/x", { method: "OPTIONS" })).status).toBe(200);
    expect((await d("/api/x", { method: "OPTIONS", headers: bearer(await mint({ sub: "u-opt" })) })).status).toBe(200);
    expect((await d.received()).map((r) => [r.method, r.path, header(r, "x-supertokens-user-id")])).toEqual([
      ["OPTIONS", "/public/x", undefined],
      ["OPTIONS", "/api/x", "u-opt"],
    ]);
  });
});

// =====================================================================================================
// D. Fail-open configurations
// =====================================================================================================
const MISCONFIGURED = { message: "front door misconfigured", code: "ERR_FRONT_DOOR_MISCONFIGURED" };

describe("D. a fail-open or broken configuration is refused, and the answer says nothing more", () => {
  it.each([
    [{ API_BASE_PATH: "/" }],
    [{ API_BASE_PATH: "" }],
    [{ PUBLIC_PATHS: "*" }],
    [{ PUBLIC_PATHS: "/*" }],
    [{ PUBLIC_PATHS: "/, /public/*, /*" }],
    [{ PUBLIC_PATHS: "/*", ALLOW_PUBLIC_SITE: "false" }],
    [{ ORIGIN_URL: "not a url" }],
    [{ ORIGIN_URL: "ftp://files.example" }],
    [{ ORIGIN_URL: undefined }],
  ] as [Vars][])("%o → 500 ERR_FRONT_DOOR_MISCONFIGURED, on every request, nothing forwarded", async (vars) => {
    const logs = (["error", "warn", "log"] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const d = door(vars);
    for (const [path, init] of [
      ["/public/x", {}],
      ["/api/x", {}],
      ["/auth/session/refresh", { method: "POST" }],
    ] as const) {
      const res = await d(path, init);
      expect(res.status, path).toBe(500);
      expect(res.headers.get("content-type")).toMatch(/application\/json/);
      expect(await res.json()).toEqual(MISCONFIGURED);
    }
    expect(await d.received()).toEqual([]);
    expect(logs.some((l) => l.mock.calls.length > 0)).toBe(true); // the details go to the logs
  });

  it("the answer never contains a var's value (credentials in SUPERTOKENS_CONNECTION_URI, a broken ORIGIN_URL)", async () => {
    const logged: string[] = [];
    for (const m of ["error", "warn", "log"] as const)
      vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(" ")));
    const d = door({
      SUPERTOKENS_CONNECTION_URI: "http://user:s3cr3t@127.0.0.1:1",
      ORIGIN_URL: "htp:/broken origin",
      SUPERTOKENS_API_KEY: "api-key-9f8e",
    });
    const res = await d("/api/x");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(MISCONFIGURED);
    for (const secret of ["s3cr3t", "user:", "broken origin", "htp:", "api-key-9f8e", "ORIGIN_URL"])
      expect(text).not.toContain(secret);
    for (const [k, v] of res.headers) expect(`${k}: ${v}`).not.toMatch(/s3cr3t|broken|api-key/);
    expect(logged.join("\n")).toMatch(/ORIGIN_URL/);
  });

  it("ALLOW_PUBLIC_SITE=true allows PUBLIC_PATHS=/* (every path public)", async () => {
    const d = door({ PUBLIC_PATHS: "/*", ALLOW_PUBLIC_SITE: "true" });
    expect((await d("/anything/at/all")).status).toBe(200);
    expect((await d.received()).map((r) => r.path)).toEqual(["/anything/at/all"]);
  });

  it("a valid API_BASE_PATH other than /auth still works", async () => {
    const d = door({ API_BASE_PATH: "/api/v1/auth" });
    expect((await d("/api/v1/auth/signin")).status).toBe(200);
    expect((await d.received()).map((r) => [r.to, r.path])).toEqual([["auth", "/api/v1/auth/signin"]]);
  });
});

// =====================================================================================================
// E. The front door's own routes, and sRefreshToken
// =====================================================================================================
const OWN_ROUTES = [
  "/auth/session/refresh",
  "/auth/session/refresh/",
  "/auth/t1/session/refresh",
  "/auth/t1/session/refresh/",
  "/auth/signout",
  "/auth/signout/",
  "/auth/t1/signout",
];

describe("E. the own routes answer other methods with 405; sRefreshToken never reaches an origin", () => {
  it.each(OWN_ROUTES)("%s: GET, PUT, DELETE, PATCH, HEAD, OPTIONS → 405 with Allow: POST", async (path) => {
    const d = door({ API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.example.com" });
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) {
      const res = await d(path, { method, headers: { cookie: "sRefreshToken=abc" } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow") ?? "", `${method} ${path}`).toMatch(/\bPOST\b/);
      if (method !== "HEAD") {
        expect(res.headers.get("content-type")).toMatch(/application\/json/);
        expect(await res.json()).toEqual({ message: "method not allowed", code: "ERR_METHOD_NOT_ALLOWED" });
      }
    }
    expect(await d.received()).toEqual([]);
  });

  it("a real preflight from WEBSITE_DOMAIN is still answered 204 by the front door", async () => {
    const d = door({ API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.example.com" });
    for (const path of OWN_ROUTES) {
      const res = await d(path, {
        method: "OPTIONS",
        headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    }
    expect(await d.received()).toEqual([]);
  });

  const cookieNames = (r: RecordedRequest) =>
    (header(r, "cookie") ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => s.split("=")[0]);

  it("is removed from the Cookie header of every forwarded request (auth, public, authenticated), other cookies kept", async () => {
    const d = door();
    const token = await mint({ sub: "u-e" });
    const cookie = `theme=dark; sRefreshToken=REFRESH-ONE; sAccessToken=${token}; sRefreshToken=REFRESH-TWO; lang=fr; sRefreshTokenX=keep`;
    expect((await d("/auth/signin", { method: "POST", headers: { cookie }, body: "{}" })).status).toBe(200);
    expect((await d("/public/x", { headers: { cookie } })).status).toBe(200);
    expect((await d("/api/x", { headers: { cookie } })).status).toBe(200);
    expect((await d("/", { headers: { cookie: "sRefreshToken=only" } })).status).toBe(200);
    const got = await d.received();
    expect(got.map((r) => r.path)).toEqual(["/auth/signin", "/public/x", "/api/x", "/"]);
    for (const r of got.slice(0, 3)) {
      expect(cookieNames(r)).toEqual(["theme", "sAccessToken", "lang", "sRefreshTokenX"]);
      expect(header(r, "cookie")).not.toMatch(/REFRESH-ONE|REFRESH-TWO/);
    }
    expect(cookieNames(got[3]!)).toEqual([]);
    expect(header(got[2]!, "x-supertokens-user-id")).toBe("u-e");
  });
});

// =====================================================================================================
// F. Forwarding headers
// =====================================================================================================
describe("F. forwarding headers are set by the front door, never passed through", () => {
  const spoof = {
    "x-forwarded-for": "6.6.6.6",
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
    forwarded: "for=6.6.6.6;host=evil.example;proto=https",
    "x-real-ip": "6.6.6.6",
    "true-client-ip": "6.6.6.6",
  };

  it("with CF-Connecting-IP: X-Forwarded-For / X-Real-IP from it, X-Forwarded-Host from Host, X-Forwarded-Proto from the URL", async () => {
    const d = door();
    const token = await mint({ sub: "u-f" });
    const headers = { ...spoof, host: "front.test", "cf-connecting-ip": "203.0.113.7" };
    await d("/public/x", { headers });
    await d("/auth/signin", { headers });
    await d("/api/x", { headers: { ...headers, ...bearer(token) } });
    const got = await d.received();
    expect(got).toHaveLength(3);
    for (const r of got) {
      expect(header(r, "x-forwarded-for"), r.path).toBe("203.0.113.7");
      expect(header(r, "x-real-ip")).toBe("203.0.113.7");
      expect(header(r, "x-forwarded-host")).toBe("front.test");
      expect(header(r, "x-forwarded-proto")).toBe("http");
      expect(header(r, "forwarded")).toBe('for="203.0.113.7";host="front.test";proto=http'); // RFC 7239, set by us
      expect(header(r, "true-client-ip")).toBeUndefined();
      expect(JSON.stringify(r.headers)).not.toMatch(/6\.6\.6\.6|evil\.example/);
    }
  });

  it("without CF-Connecting-IP the client's values still never pass", async () => {
    const d = door();
    await d("/public/x", { headers: { ...spoof, host: "front.test" } });
    const [r] = await d.received();
    expect(JSON.stringify(r!.headers)).not.toMatch(/6\.6\.6\.6|evil\.example/);
    expect(header(r!, "x-forwarded-host")).toBe("front.test");
    expect(header(r!, "x-forwarded-proto")).toBe("http");
  });

  it("X-Forwarded-Proto follows the request URL's scheme", async () => {
    const e = {
      SUPERTOKENS_JWKS: kv,
      SUPERTOKENS_CONNECTION_URI: coreUrl,
      PUBLIC_PATHS: "/public/*",
      ORIGIN_URL: `${originUrl}/proto-${Date.now().toString(36)}`,
    } as FrontDoorEnv;
    await frontDoorWorker.fetch(
      new Request("https://secure.test/public/x", { headers: { "x-forwarded-proto": "http", host: "secure.test" } }),
      e,
    );
    const list = (await (await fetch(`${originUrl}/__origin/requests`)).json()) as RecordedRequest[];
    const r = list.find((x) => x.url.startsWith(new URL(e.ORIGIN_URL!).pathname));
    expect(header(r!, "x-forwarded-proto")).toBe("https");
    expect(header(r!, "x-forwarded-host")).toBe("secure.test");
  });
});

// =====================================================================================================
// G. Origin failures
// =====================================================================================================
async function expectCode(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  expect(((await res.json()) as { code?: unknown }).code).toBe(code);
}

describe("G. origin timeout, unreachable origin, impossible status", () => {
  /** A FrontDoor whose origin never answers (it honours an abort signal, as fetch does). */
  function hangingDoor(vars: Vars) {
    const env = {
      SUPERTOKENS_CONNECTION_URI: coreUrl,
      ORIGIN_URL: "http://origin.invalid",
      PUBLIC_PATHS: "/,/public/*",
      ...vars,
    } as FrontDoorEnv;
    return new FrontDoor({
      ...frontDoorOptionsFromEnv(env, FRONT),
      fetch: (_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal;
          signal?.addEventListener("abort", () => reject(signal.reason));
        }),
    });
  }
  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
    ]);

  it("ORIGIN_TIMEOUT_MS: an origin that never answers is a 504 ERR_ORIGIN_TIMEOUT (public and auth routes)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const fd = hangingDoor({ ORIGIN_TIMEOUT_MS: "300" });
    for (const path of ["/public/slow", "/auth/signin"]) {
      const res = await within(fd.fetch(new Request(FRONT + path)), 5000);
      await expectCode(res, 504, "ERR_ORIGIN_TIMEOUT");
    }
  });

  it("an unreachable origin is a 502 ERR_ORIGIN_UNREACHABLE", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const d = door({ ORIGIN_URL: "http://127.0.0.1:1", AUTH_ORIGIN_URL: undefined });
    await expectCode(await d("/public/x"), 502, "ERR_ORIGIN_UNREACHABLE");
    await expectCode(await d("/auth/signin"), 502, "ERR_ORIGIN_UNREACHABLE");
  });

  it.each([999, 600, 101])("an origin status %i (outside 200–599) is a 502 ERR_ORIGIN_BAD_STATUS", async (status) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const d = door();
    await expectCode(await d(`/public/status/${status}`), 502, "ERR_ORIGIN_BAD_STATUS");
    expect((await d.received()).map((r) => r.path)).toEqual([`/public/status/${status}`]);
  });

  it("statuses 200–599 pass through unchanged", async () => {
    const d = door();
    for (const status of [200, 204, 302, 404, 418, 503, 599])
      expect((await d(`/public/status/${status}`)).status).toBe(status);
  });
});

// =====================================================================================================
// H. Identity headers
// =====================================================================================================
/** The spec's encoding: UTF-8, every byte outside 0x21–0x7E and every `%` as %XX (uppercase). */
function identityEncode(id: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(id)) {
    out +=
      b < 0x21 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b);
  }
  return out;
}

const IDS: [name: string, id: string][] = [
  ["leading/trailing spaces", " admin "],
  ["tabs", "\tadmin\t"],
  ["CR/LF", "a\r\nb"],
  ["NUL", "a\u0000b"],
  ["non-ASCII", "Zoë 😀"],
  ["4000 chars", "u".repeat(4000)],
  ["header-like text", "a\r\nx-supertokens-user-id: root"],
  ["a percent sign", "100%"],
  ["an escape look-alike", "%41%zz"],
  ["DEL and Latin-1", "a\u007fb\u00ff"],
  ["plain", "user-123_abc.DEF~"],
];

describe("H. identity headers carry any id exactly: decodeURIComponent(header) is the id", () => {
  const ST_NAMES = [
    "x-supertokens-access-token-payload",
    "x-supertokens-recipe-user-id",
    "x-supertokens-session-handle",
    "x-supertokens-tenant-id",
    "x-supertokens-user-id",
  ];

  /**
   * What reaches the origin: the recording origin (the wire) — except for ids so long that the upstream request
   * passes Node's 16 KB header limit (the id travels three times: its header, the payload, the forwarded token),
   * which are read from what the FrontDoor hands to fetch.
   */
  async function forwardedHeaders(
    token: string,
    long: boolean,
  ): Promise<{ status: number; names: string[]; get(n: string): string | undefined; values: string[] }> {
    if (!long) {
      const d = door();
      const res = await d("/api/me", { headers: bearer(token) });
      const [r] = await d.received();
      if (r === undefined) return { status: res.status, names: [], get: () => undefined, values: [] };
      return {
        status: res.status,
        names: rawNames(r),
        get: (n) => header(r, n),
        values: r.rawHeaders.filter((_, i) => i % 2 === 1),
      };
    }
    let sent: Headers | undefined;
    const fd = new FrontDoor({
      ...frontDoorOptionsFromEnv(
        { SUPERTOKENS_CONNECTION_URI: coreUrl, ORIGIN_URL: originUrl, SUPERTOKENS_JWKS: kv },
        FRONT,
      ),
      fetch: async (_input: RequestInfo | URL, init?: RequestInit) => {
        sent = new Headers(init?.headers);
        return new Response("ok");
      },
    });
    const res = await fd.fetch(new Request(`${FRONT}/api/me`, { headers: bearer(token) }));
    const h = sent ?? new Headers();
    return { status: res.status, names: [...h.keys()], get: (n) => h.get(n) ?? undefined, values: [...h.values()] };
  }

  it.each(IDS)("%s", async (_name, id) => {
    const long = id.length > 1000;
    const want: Record<string, string> = {
      "x-supertokens-user-id": id,
      "x-supertokens-recipe-user-id": long ? "r-long" : `r${id}`,
      "x-supertokens-tenant-id": `t${id}`.slice(0, 60),
      "x-supertokens-session-handle": `h${id}`.slice(0, 60),
    };
    const token = await mint({
      sub: id,
      rsub: want["x-supertokens-recipe-user-id"],
      tId: want["x-supertokens-tenant-id"],
      sessionHandle: want["x-supertokens-session-handle"],
      payload: { note: id.slice(0, 100) },
    });
    const got = await forwardedHeaders(token, long);
    expect(got.status).toBeLessThan(500);
    expect(got.status).toBe(200);
    for (const [name, value] of Object.entries(want)) {
      const v = got.get(name);
      expect(v, name).toBe(identityEncode(value));
      expect(decodeURIComponent(v!), name).toBe(value);
    }
    const payload = decodeBase64UrlJson(got.get("x-supertokens-access-token-payload")!) as Record<string, unknown>;
    expect(payload.sub).toBe(id);
    expect(payload.note).toBe(id.slice(0, 100));
    // Nothing injected: exactly the five identity headers, each once, and no header valued "root".
    expect(got.names.filter((n) => n.startsWith("x-supertokens-")).sort()).toEqual(ST_NAMES);
    expect(got.values.filter((v) => v === "root")).toEqual([]);
  });
});

// The front door's fuzz properties, shared by test/workers/fuzz.test.ts (workerd, ~11k cases) and
// scripts/fuzz.mjs (Node, 1M cases, bundled with esbuild). No Node or Workers imports: only fetch-API globals.
//
// (i)   paths   -- without a session, a request is never forwarded to a path that any reading of the permissive
//                 model (test/setup/permissive-paths.ts) puts under a protected prefix; what is forwarded is in
//                 the spec's canonical form; never an exception, never a 5xx.
// (ii)  tokens  -- mutations of a valid v5 access token, as a cookie or a Bearer header: a session (the origin gets
//                 identity headers) only for the original token, byte for byte (a cookie value that percent-
//                 decodes, or unquotes, to it counts); the original itself is accepted.
// (iii) cookies and headers -- random Cookie headers (duplicates, quotes, odd whitespace around names,
//                 sAccessToken look-alikes) and spoofed identity / routing / forwarding headers: never a 5xx,
//                 never a client's identity, routing or forwarding header at the origin, never a session from a
//                 look-alike cookie name, never an sRefreshToken cookie at the origin.
//
// Cases are drawn with fast-check (`fc.sample`, seeded) and every case is checked, so a run reports all the
// violations and their kinds instead of stopping at the first.
import fc from "fast-check";
import { FrontDoor, frontDoorOptionsFromEnv, type FrontDoorEnv } from "../../src/worker/index.js";
import { interpretations, isProtectedPath } from "./permissive-paths.js";

export const FRONT = "http://front.test";
export const ORIGIN = "http://origin.test";
export const AUTH_ORIGIN = "http://auth-origin.test";
export const FUZZ_USER = "fuzz-user";

// ---------------------------------------------------------------- tallies and violations
export interface Violation {
  property: string;
  kind: string;
  input: string;
  detail: string;
}

export class Tally {
  readonly cases: Record<string, number> = {};
  readonly outcomes: Record<string, Record<string, number>> = {};
  readonly violationCounts: Record<string, number> = {};
  readonly examples: Violation[] = [];
  /** Anonymous forwards only a reading beyond the spec (NFKC, %u, …) sends to a protected path: reported, not failed. */
  readonly extended: Record<string, number> = {};
  readonly extendedExamples: string[] = [];

  count(property: string, outcome: string) {
    this.cases[property] = (this.cases[property] ?? 0) + 1;
    this.outcomes[property] ??= {};
    const o = this.outcomes[property];
    o[outcome] = (o[outcome] ?? 0) + 1;
  }
  violate(v: Violation) {
    const key = `${v.property}: ${v.kind}`;
    this.violationCounts[key] = (this.violationCounts[key] ?? 0) + 1;
    if (this.examples.filter((e) => e.property === v.property && e.kind === v.kind).length < 5) this.examples.push(v);
  }
  get violations(): number {
    return Object.values(this.violationCounts).reduce((a, b) => a + b, 0);
  }
  report(): string {
    const lines: string[] = [];
    for (const [p, n] of Object.entries(this.cases)) {
      const outcomes = Object.entries(this.outcomes[p] ?? {}).sort((a, b) => b[1] - a[1]);
      lines.push(`${p}: ${n} cases -- ${outcomes.map(([k, v]) => `${k} ${v}`).join(", ")}`);
    }
    if (Object.keys(this.extended).length)
      lines.push(
        `beyond the spec (not failed): ${JSON.stringify(this.extended)} e.g. ${this.extendedExamples.slice(0, 3).join(" | ")}`,
      );
    lines.push(`violations: ${this.violations}${this.violations ? ` ${JSON.stringify(this.violationCounts)}` : ""}`);
    for (const e of this.examples) lines.push(`  [${e.property}] ${e.kind}: ${e.input} -- ${e.detail}`);
    // ASCII only: inputs hold lone surrogates and controls, which some log transports refuse.
    return lines.join("\n").replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
}

// ---------------------------------------------------------------- the door under test
export interface Sent {
  url: URL;
  method: string;
  headers: Headers;
}

export interface FuzzSetup {
  /** Core emulator URL (JWKS origin). */
  coreUrl: string;
  /** The core's JWKS body, served from memory so another test's core failure mode cannot change a verdict. */
  jwks: string;
  /** A valid v5 access token for FUZZ_USER. */
  token: string;
}

export interface FuzzDoor {
  door: FrontDoor;
  sent: Sent[];
}

const urlOf = (input: RequestInfo | URL): string =>
  typeof input === "string" ? input : input instanceof URL ? input.href : input.url;

/** A FrontDoor (PUBLIC_PATHS=/,/public/*) whose origins are an in-memory recorder answering 200 "ok". */
export function makeDoor(setup: FuzzSetup, vars: Partial<FrontDoorEnv> = {}): FuzzDoor {
  const sent: Sent[] = [];
  const coreFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (urlOf(input).endsWith("/.well-known/jwks.json"))
      return new Response(setup.jwks, { headers: { "content-type": "application/json" } });
    return fetch(input, init);
  };
  const originFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const raw = urlOf(input);
    if (raw.startsWith(setup.coreUrl)) return coreFetch(input, init);
    // What goes on the wire is the WHATWG serialisation of the URL handed to fetch.
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    sent.push({
      url: new URL(raw),
      method: init?.method ?? (input instanceof Request ? input.method : "GET"),
      headers,
    });
    return new Response("ok", { status: 200, headers: { "content-type": "text/plain" } });
  };
  const env: FrontDoorEnv = {
    SUPERTOKENS_CONNECTION_URI: setup.coreUrl,
    ORIGIN_URL: ORIGIN,
    AUTH_ORIGIN_URL: AUTH_ORIGIN,
    PUBLIC_PATHS: "/,/public/*",
    API_DOMAIN: FRONT,
    ...vars,
  };
  const options = frontDoorOptionsFromEnv(env, FRONT);
  const door = new FrontDoor({
    ...options,
    supertokens: { ...options.supertokens, fetch: coreFetch },
    fetch: originFetch,
  });
  return { door, sent };
}

/** Runs one request; `undefined` when the runtime refuses to even build it (an invalid header value). */
async function run(
  fd: FuzzDoor,
  url: string,
  init: RequestInit,
): Promise<{ res: Response; body: string; sent: Sent[] } | { error: unknown } | undefined> {
  let request: Request;
  try {
    request = new Request(url, init);
  } catch {
    return undefined;
  }
  fd.sent.length = 0;
  try {
    const res = await fd.door.fetch(request);
    const body = await res.text().catch(() => "");
    return { res, body, sent: [...fd.sent] };
  } catch (error) {
    return { error };
  }
}

const ST_PREFIX = "x-supertokens-";
const stNames = (h: Headers) => [...h.keys()].filter((n) => n.toLowerCase().replace(/_/g, "-").startsWith(ST_PREFIX));

function outcomeOf(res: Response, body: string, sent: Sent[]): string {
  if (sent.length > 0) {
    const to = sent[0]!.url.origin === AUTH_ORIGIN ? "auth" : "origin";
    return `forwarded-${to}${sent[0]!.headers.has("x-supertokens-user-id") ? "+identity" : ""}`;
  }
  if (res.status === 400) {
    try {
      const b = JSON.parse(body) as { reason?: unknown };
      return `400 ${typeof b.reason === "string" ? b.reason : "?"}`;
    } catch {
      return "400 (not JSON)";
    }
  }
  return String(res.status);
}

// ---------------------------------------------------------------- (i) paths
const PATH_ATOMS = [
  "/",
  "/",
  "/",
  "//",
  ".",
  ".",
  "..",
  "..",
  "%",
  ";",
  ";",
  "\\",
  "=",
  "~",
  "?",
  "#",
  " ",
  "a",
  "x",
  "public",
  "auth",
  "private",
  "secret.txt",
  "session",
  "refresh",
  "0",
  "2",
  "3",
  "5",
  "b",
  "c",
  "e",
  "f",
  "B",
  "C",
  "E",
  "F",
  "%2e",
  "%2E",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "%25",
  "%3b",
  "%3B",
  "%3f",
  "%23",
  "%20",
  "%00",
  "%0a",
  "%7f",
  "%7e",
  "%41",
  "%70",
  "%61",
  "%c0%ae",
  "%C0%AF",
  "%c1%9c",
  "%e0%80%ae",
  "%ed%a0%80",
  "%c3%a9",
  "%C3",
  "%252e",
  "%252f",
  "%255c",
  "%2525",
  "%u002e",
  "%EF%BC%8E",
  "%EF%BC%8F",
  "%E2%80%A5",
  "é",
  "\u0001",
  "\t",
  "\u007f",
];
const PATH_PREFIXES = ["/public/", "/public/", "/auth/", "/", "/api/", "/public/a/", ""];

export const pathArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...PATH_PREFIXES), fc.array(fc.constantFrom(...PATH_ATOMS), { minLength: 1, maxLength: 14 }))
  .map(([prefix, atoms]) => {
    const p = prefix + atoms.join("");
    return p.startsWith("/") ? p : `/${p}`;
  });

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const isDotSegment = (seg: string) => seg === "." || seg === "..";

/** What is wrong with `pathname` as the spec's canonical form (default config), or undefined. */
export function canonicalFormProblem(pathname: string): { kind: string; detail: string } | undefined {
  const bad = (kind: string, detail = kind) => ({ kind, detail });
  if (!pathname.startsWith("/")) return bad("does not start with /");
  if (pathname.includes("//")) return bad("has //");
  if (pathname.includes("\\")) return bad("has a backslash");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pathname)) return bad("raw control character");
  const bytes: number[] = [];
  for (let i = 0; i < pathname.length; i++) {
    if (pathname[i] !== "%") {
      bytes.push(pathname.charCodeAt(i) & 0xff);
      continue;
    }
    const hex = pathname.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return bad("invalid escape", `%${hex}`);
    if (hex !== hex.toUpperCase()) return bad("lower-case escape", `%${hex}`);
    const b = parseInt(hex, 16);
    const c = String.fromCharCode(b);
    if (UNRESERVED.test(c)) return bad("escaped unreserved character", `%${hex}`);
    if (c === "/" || c === "\\") return bad("encoded slash", `%${hex}`);
    if (b < 0x20 || b === 0x7f) return bad("encoded control character", `%${hex}`);
    if (c === "%" && /^[0-9A-Fa-f]{2}$/.test(pathname.slice(i + 3, i + 5)))
      return bad("double encoding", pathname.slice(i, i + 5));
    bytes.push(b);
    i += 2;
  }
  try {
    strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    return bad("invalid UTF-8");
  }
  for (const seg of pathname.split("/")) {
    if (isDotSegment(seg)) return bad("dot segment", seg);
    let decoded = seg;
    try {
      decoded = decodeURIComponent(seg);
    } catch {}
    if (isDotSegment(seg.split(";")[0]!) || isDotSegment(decoded.split(";")[0]!))
      return bad("dot segment once ;params are dropped", seg);
  }
  return undefined;
}

export async function checkPath(fd: FuzzDoor, path: string, tally: Tally): Promise<void> {
  const P = "paths";
  const r = await run(fd, FRONT + path, {});
  if (r === undefined) return tally.count(P, "unsendable");
  if ("error" in r) {
    tally.count(P, "exception");
    return tally.violate({ property: P, kind: "exception", input: JSON.stringify(path), detail: String(r.error) });
  }
  const { res, body, sent } = r;
  tally.count(P, outcomeOf(res, body, sent));
  if (res.status >= 500)
    tally.violate({
      property: P,
      kind: `status ${res.status}`,
      input: JSON.stringify(path),
      detail: body.slice(0, 100),
    });
  for (const s of sent) {
    const forwarded = s.url.pathname;
    const culprit = interpretations(forwarded).find((i) => isProtectedPath(i.path));
    if (culprit) {
      tally.violate({
        property: P,
        kind: `anonymous forward that an origin reads as a protected path (${culprit.how})`,
        input: JSON.stringify(path),
        detail: `forwarded ${forwarded} to ${s.url.host}, read as ${culprit.path} (${culprit.how})`,
      });
    } else {
      const ext = interpretations(forwarded, { extended: true }).find((i) => isProtectedPath(i.path));
      if (ext) {
        const step =
          ext.how.split(">").find((h) => ["nfkc", "u-escapes", "query-cut", "trailing-space"].includes(h)) ?? ext.how;
        tally.extended[step] = (tally.extended[step] ?? 0) + 1;
        if (tally.extendedExamples.length < 10)
          tally.extendedExamples.push(`${JSON.stringify(path)} -> ${forwarded} read as ${ext.path}`);
      }
    }
    const problem = canonicalFormProblem(forwarded);
    if (problem)
      tally.violate({
        property: P,
        kind: `forwarded path not canonical: ${problem.kind}`,
        input: JSON.stringify(path),
        detail: `forwarded ${forwarded}: ${problem.detail}`,
      });
    if (stNames(s.headers).length > 0)
      tally.violate({
        property: P,
        kind: "identity headers without a session",
        input: JSON.stringify(path),
        detail: stNames(s.headers).join(","),
      });
  }
}

// ---------------------------------------------------------------- (ii) tokens
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64urlEncodeText = (s: string) => {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const b64urlDecodeText = (s: string) => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
};

type Mutation = (t: string) => string;
const withSegment = (t: string, i: number, f: (seg: string) => string) => {
  const segs = t.split(".");
  if (i < segs.length) segs[i] = f(segs[i]!);
  return segs.join(".");
};

function mutationArb(charset: Charset): fc.Arbitrary<{ name: string; apply: Mutation }> {
  const seg = fc.integer({ min: 0, max: 2 });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ name: "original", apply: (t: string) => t }) },
    {
      weight: 6,
      arbitrary: fc.tuple(seg, fc.nat(), fc.integer({ min: 0, max: 5 })).map(([i, pos, bit]) => ({
        name: `bit flip in segment ${i}`,
        apply: (t: string) =>
          withSegment(t, i, (s) => {
            if (s.length === 0) return s;
            const p = pos % s.length;
            const v = B64URL.indexOf(s[p]!);
            return s.slice(0, p) + (v < 0 ? "A" : B64URL[v ^ (1 << bit)]!) + s.slice(p + 1);
          }),
      })),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(seg, fc.integer({ min: 1, max: 15 })).map(([i, k]) => ({
        name: `spare bits of segment ${i}`,
        apply: (t: string) =>
          withSegment(t, i, (s) => {
            const spare = s.length % 4 === 2 ? 4 : s.length % 4 === 3 ? 2 : 0;
            if (spare === 0 || s.length === 0) return `${s}A`; // no spare bits: any change is a different token
            const v = B64URL.indexOf(s.at(-1)!);
            return s.slice(0, -1) + B64URL[(v & ~((1 << spare) - 1)) | (k % (1 << spare) || 1)]!;
          }),
      })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<[number, number]>([0, 1], [0, 2], [1, 2]).map(([a, b]) => ({
        name: "segment swap",
        apply: (t: string) => {
          const s = t.split(".");
          [s[a], s[b]] = [s[b]!, s[a]!];
          return s.join(".");
        },
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(seg, fc.constantFrom<[string, string]>(["-", "+"], ["_", "/"])).map(([i, [from, to]]) => ({
        name: "base64 alphabet swap",
        apply: (t: string) => withSegment(t, i, (s) => (s.includes(from) ? s.split(from).join(to) : `${s}${to}`)),
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(seg, fc.constantFrom("=", "==", "==="))
        .map(([i, pad]) => ({ name: "padding", apply: (t: string) => withSegment(t, i, (s) => s + pad) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(0, 1),
          fc.constantFrom('"sub":"admin",', '"sub":"fuzz-user",', '"alg":"none",', '"kid":"x",', '"exp":1,'),
        )
        .map(([i, dup]) => ({
          name: `duplicated JSON key in segment ${i}`,
          apply: (t: string) =>
            withSegment(t, i, (s) => {
              try {
                return b64urlEncodeText(b64urlDecodeText(s).replace(/^\{/, `{${dup}`));
              } catch {
                return `${s}A`;
              }
            }),
        })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, 1).map((i) => ({
        name: `BOM inside segment ${i}`,
        apply: (t: string) =>
          withSegment(t, i, (s) => {
            try {
              return b64urlEncodeText(`\ufeff${b64urlDecodeText(s)}`);
            } catch {
              return `${s}A`;
            }
          }),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        name: "BOM before the token",
        apply: (t: string) => `${charset === "ascii" ? "%EF%BB%BF" : "\u00ef\u00bb\u00bf"}${t}`,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.nat().map((n) => ({ name: "truncation", apply: (t: string) => t.slice(0, n % t.length) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(".", "..", "x", "A", ".A")
        .map((tail) => ({ name: "extra tail", apply: (t: string) => t + tail })),
    },
  );
}

/** Cookie value forms; each says what a cookie parser that unquotes and percent-decodes makes of it. */
function percentEncodeSome(s: string, mask: number): string {
  let out = "";
  for (let i = 0; i < s.length; i++)
    out +=
      (mask >> (i % 30)) & 1 && i % 7 === 0 ? `%${s.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0")}` : s[i];
  return out;
}

export interface TokenCase {
  mutations: string[];
  token: string;
  form: "header" | "cookie" | "cookie-quoted" | "cookie-percent";
  mask: number;
}

/** `charset: "ascii"`: the BOM is written percent-encoded, keeping header values ASCII (see Charset). */
export function tokenArb(original: string, opts: { charset?: Charset } = {}): fc.Arbitrary<TokenCase> {
  return fc
    .tuple(
      fc.array(mutationArb(opts.charset ?? "unicode"), { minLength: 1, maxLength: 3 }),
      fc.constantFrom("header", "cookie", "cookie-quoted", "cookie-percent") as fc.Arbitrary<TokenCase["form"]>,
      fc.nat(),
    )
    .map(([ms, form, mask]) => ({
      mutations: ms.map((m) => m.name),
      token: ms.reduce((t, m) => m.apply(t), original),
      form,
      mask,
    }));
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export async function checkToken(fd: FuzzDoor, original: string, c: TokenCase, tally: Tally): Promise<void> {
  const P = "tokens";
  let headers: Record<string, string>;
  let effective: string; // what the token is once the cookie value is unquoted and decoded
  if (c.form === "header") {
    headers = { authorization: `Bearer ${c.token}` };
    effective = c.token;
  } else {
    const value =
      c.form === "cookie-quoted"
        ? `"${c.token}"`
        : c.form === "cookie-percent"
          ? percentEncodeSome(c.token, c.mask)
          : c.token;
    headers = { cookie: `sAccessToken=${value}` };
    effective = safeDecode(c.token);
  }
  const input = `${c.mutations.join(" + ")} (${c.form})`;
  const r = await run(fd, `${FRONT}/api/x`, { headers });
  if (r === undefined) return tally.count(P, "unsendable");
  if ("error" in r) {
    tally.count(P, "exception");
    return tally.violate({ property: P, kind: "exception", input, detail: String(r.error) });
  }
  const { res, body, sent } = r;
  const outcome = outcomeOf(res, body, sent);
  tally.count(
    P,
    outcome === "forwarded-origin+identity"
      ? effective === original
        ? "accepted (original)"
        : "accepted (MUTANT)"
      : outcome,
  );
  if (res.status >= 500)
    tally.violate({ property: P, kind: `status ${res.status}`, input, detail: body.slice(0, 100) });
  const accepted = sent.some((s) => s.headers.has("x-supertokens-user-id"));
  if (accepted && effective !== original) {
    tally.violate({
      property: P,
      kind: `mutant accepted: ${c.mutations.join(" + ")}`,
      input,
      detail: `token ${c.token.slice(-24)} != original ${original.slice(-24)}`,
    });
  }
  if (!accepted && effective === original && res.status < 500) {
    tally.violate({ property: P, kind: `original refused (${c.form})`, input, detail: `${res.status}` });
  }
  if (sent.length > 0 && !accepted)
    tally.violate({
      property: P,
      kind: "protected path forwarded without a session",
      input,
      detail: sent[0]!.url.href,
    });
}

// ---------------------------------------------------------------- (iii) cookies and headers
/** Whitespace around a cookie name: SP/HTAB (trimmed by cookie parsers), and non-ASCII look-alikes (never trimmed). */
export const ASCII_WS = [" ", "\t", "  ", ""];
/** U+00A0, U+2000, U+FEFF as JS characters and as their UTF-8 bytes read as Latin-1 (how a server may hand them over). */
export const UNICODE_WS = ["\u00a0", "\u00c2\u00a0", "\u2000", "\u00e2\u0080\u0080", "\ufeff", "\u00ef\u00bb\u00bf"];
const LOOKALIKES = [
  "saccesstoken",
  "SAccessToken",
  "sAccessToken2",
  "xsAccessToken",
  "sAccess Token",
  "s%41ccessToken",
  "%73AccessToken",
  '"sAccessToken"',
  "sAccessToken\u0000",
  "sAccessTokeN",
  "sAccessToken;",
  "sAccessToken=",
  "sAccessToken\u000b",
  "sAccessToken\f",
];
export const UNICODE_LOOKALIKES = [
  "sAcc\u00e9ssToken",
  "s\u0410ccessToken" /* Cyrillic A */,
  "sAccessToken\u200b" /* zero-width space */,
];

export interface CookieHeaderCase {
  pairs: { name: string; value: string; kind: "real" | "lookalike" | "refresh" | "other" }[];
  separator: string;
  spoofed: [string, string][];
  path: string;
  method: string;
}

/** SP/HTAB only: what supertokens-node's `cookie` parser trims around a name. */
const trimOws = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, "");

const SPOOF_HEADERS = [
  "x-supertokens-user-id",
  "X-SuperTokens-User-Id",
  "x_supertokens_user_id",
  "X_SUPERTOKENS_TENANT_ID",
  "x-supertokens-recipe-user-id",
  "x-supertokens-access-token-payload",
  "x-supertokens-session-handle",
  "x-supertokens-origin-secret",
  "x-supertokens-roles",
  "x_supertokens-user_id",
  "X-Original-URL",
  "x-rewrite-url",
  "X_Original_URI",
  "x-override-url",
  "X-HTTP-Method-Override",
  "x-http-method",
  "X-Method-Override",
  "x_http_method_override",
  "X-Forwarded-For",
  "x-forwarded-host",
  "X-Forwarded-Proto",
  "forwarded",
  "X-Real-IP",
  "true-client-ip",
  "x_forwarded_for",
];
const ROUTING_NAMES = [
  "x-original-url",
  "x-rewrite-url",
  "x-original-uri",
  "x-override-url",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
];
const FORWARDING_NAMES = [
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "forwarded",
  "x-real-ip",
  "true-client-ip",
];
const SPOOF_VALUES = [
  "spoof-admin",
  "/private/spoof",
  "6.6.6.6-spoof",
  "for=spoof",
  "https-spoof",
  "spoof.evil.example",
  "eyJzdWIiOiJzcG9vZiJ9",
];

/**
 * Which characters header values may hold. workerd sends non-ASCII header values as UTF-8 but logs a
 * multi-kilobyte warning for each, so its test draws "ascii" cases and runs the non-ASCII ones as a small fixed
 * table; Node's Headers refuse characters above U+00FF, so scripts/fuzz.mjs draws "latin1" cases.
 */
export type Charset = "ascii" | "latin1" | "unicode";
const allowed = (charset: Charset) => (s: string) =>
  [...s].every((c) => c.charCodeAt(0) <= (charset === "ascii" ? 0x7f : charset === "latin1" ? 0xff : 0xffff));

export function cookieHeaderArb(token: string, opts: { charset?: Charset } = {}): fc.Arbitrary<CookieHeaderCase> {
  const ok = allowed(opts.charset ?? "unicode");
  const WS = [...ASCII_WS, ...UNICODE_WS].filter(ok);
  const names = [...LOOKALIKES, ...UNICODE_LOOKALIKES].filter(ok);
  const value = fc.constantFrom(
    token,
    `"${token}"`,
    encodeURIComponent(token).replace(/\./g, "%2E"),
    "garbage",
    "",
    `${token}x`,
  );
  const pair = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...WS), fc.constantFrom(...WS), value)
        .map(([a, b, v]) => ({ name: `${a}sAccessToken${b}`, value: v, kind: "real" as const })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...names), fc.constantFrom(...WS), value)
        .map(([n, w, v]) => ({ name: `${w}${n}`, value: v, kind: "lookalike" as const })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom("sRefreshToken", " sRefreshToken", "sRefreshToken\t"), fc.constantFrom("r1", "", '"r2"'))
        .map(([n, v]) => ({ name: n, value: v, kind: "refresh" as const })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom("theme", "a", "", "=", "lang"), fc.constantFrom("dark", "x=y", '"q"', "%zz"))
        .map(([n, v]) => ({ name: n, value: v, kind: "other" as const })),
    },
  );
  return fc.record({
    pairs: fc.array(pair, { minLength: 0, maxLength: 5 }),
    separator: fc.constantFrom("; ", ";", " ; ", ";;", ";\t"),
    spoofed: fc.array(fc.tuple(fc.constantFrom(...SPOOF_HEADERS), fc.constantFrom(...SPOOF_VALUES)), { maxLength: 6 }),
    path: fc.constantFrom("/api/x", "/public/x", "/auth/signin", "/"),
    method: fc.constantFrom("GET", "GET", "POST"),
  });
}

export async function checkCookieHeader(fd: FuzzDoor, token: string, c: CookieHeaderCase, tally: Tally): Promise<void> {
  const P = "cookies+headers";
  const cookie = c.pairs
    .map((p) => (p.name === "" && p.kind === "other" ? p.value : `${p.name}=${p.value}`))
    .join(c.separator);
  const headers = new Map<string, string>();
  if (cookie !== "") headers.set("cookie", cookie);
  for (const [n, v] of c.spoofed) headers.set(n, v);
  const init: RequestInit = { method: c.method, headers: [...headers], body: c.method === "POST" ? "{}" : undefined };
  // A POST with a cookie session needs the SDK's `rid` header (anti-CSRF), which has nothing to do with this property.
  if (c.method === "POST") (init.headers as [string, string][]).push(["rid", "session"]);
  const input = JSON.stringify({ cookie, spoofed: c.spoofed, path: c.path, method: c.method })
    .split(encodeURIComponent(token).replace(/\./g, "%2E"))
    .join("<T%>")
    .split(token)
    .join("<T>");
  const r = await run(fd, FRONT + c.path, init);
  if (r === undefined) return tally.count(P, "unsendable");
  if ("error" in r) {
    tally.count(P, "exception");
    return tally.violate({ property: P, kind: "exception", input, detail: String(r.error) });
  }
  const { res, body, sent } = r;
  tally.count(P, outcomeOf(res, body, sent));
  if (res.status >= 500)
    tally.violate({ property: P, kind: `status ${res.status}`, input, detail: body.slice(0, 100) });
  for (const s of sent) {
    const names = [...s.headers.keys()].map((n) => n.toLowerCase().replace(/_/g, "-"));
    const session = s.headers.has("x-supertokens-user-id");
    if (session) {
      // A session needs a cookie whose name is exactly sAccessToken once SP/HTAB are trimmed (supertokens-node's
      // `cookie` parser; it neither decodes names nor trims other whitespace).
      const real = c.pairs.some((p) => p.kind === "real" && trimOws(p.name) === "sAccessToken");
      if (!real)
        tally.violate({
          property: P,
          kind: "session from a look-alike cookie name",
          input,
          detail: JSON.stringify(
            c.pairs.filter((p) => p.value.includes(token.slice(0, 20)) || p.value.includes("eyJ")).map((p) => p.name),
          ),
        });
      const uid = s.headers.get("x-supertokens-user-id");
      if (uid !== FUZZ_USER) tally.violate({ property: P, kind: "wrong identity", input, detail: String(uid) });
      const st = names.filter((n) => n.startsWith(ST_PREFIX)).sort();
      if (st.length !== 5)
        tally.violate({ property: P, kind: "extra x-supertokens-* header", input, detail: st.join(",") });
    } else if (names.some((n) => n.startsWith(ST_PREFIX))) {
      tally.violate({
        property: P,
        kind: "spoofed identity header at the origin",
        input,
        detail: names.filter((n) => n.startsWith(ST_PREFIX)).join(","),
      });
    }
    for (const n of ROUTING_NAMES)
      if (names.includes(n))
        tally.violate({ property: P, kind: `routing header ${n} at the origin`, input, detail: "" });
    for (const n of FORWARDING_NAMES) {
      const v = s.headers.get(n);
      if (v !== null && /spoof/i.test(v))
        tally.violate({ property: P, kind: `client's ${n} at the origin`, input, detail: v });
    }
    for (const [name] of parseCookiePairs(s.headers.get("cookie") ?? "")) {
      if (trimOws(name) === "sRefreshToken")
        tally.violate({ property: P, kind: "sRefreshToken cookie at the origin", input, detail: s.url.pathname });
    }
  }
}

function parseCookiePairs(header: string): [string, string][] {
  return header
    .split(";")
    .filter((p) => p.trim() !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
    });
}

// ---------------------------------------------------------------- drivers
export interface RunCounts {
  paths: number;
  tokens: number;
  cookies: number;
}

/** Splits a total over the three properties (paths get half: they are the bug). */
export function splitRuns(total: number): RunCounts {
  const tokens = Math.round(total * 0.25);
  const cookies = Math.round(total * 0.25);
  return { paths: total - tokens - cookies, tokens, cookies };
}

/** Runs `n` cases of `arb` through `check` in seeded chunks (fc.sample keeps memory flat for a million cases). */
export async function drive<T>(
  arb: fc.Arbitrary<T>,
  n: number,
  seed: number,
  check: (value: T) => Promise<void>,
  onChunk?: (done: number) => void,
): Promise<void> {
  const CHUNK = 5000;
  for (let done = 0, chunk = 0; done < n; chunk++) {
    const size = Math.min(CHUNK, n - done);
    for (const v of fc.sample(arb, { numRuns: size, seed: seed + chunk })) await check(v);
    done += size;
    onChunk?.(done);
  }
}

// The differential corpus: named access-token cases, each verified by supertokens-node 24.0.3 AND by our engine
// (both against the same core emulator). `expect` is the outcome both must give; a case without `expect` must
// have an entry in DIVERGENCES (the one list of deliberate differences, with Node's and our outcome each).
import type { SuperTokensEdge } from "../../src/index.js";
import type { CoreEmulator, FailureMode, MintOptions, TestSessionOptions } from "../emulator/core.mjs";
import { b64std, b64url } from "./helpers/tokens.js";
import {
  LEGACY_HEADER_V2,
  NodeSessionApi,
  payloadOf,
  supertokens,
  type EngineConfig,
  type VerifyOptions,
} from "./differential-harness.js";

// ------------------------------------------------------------------ configs

export type ConfigName = "default" | "viaToken" | "staticKeys" | "coreOutage";

/** Passed identically to `Session.init(...)` and `createSuperTokens(...)`. */
export const CONFIGS: Record<ConfigName, EngineConfig> = {
  /** Both defaults: same-site app ⇒ anti-CSRF NONE, dynamic signing keys, JWKS interval 14400 s. */
  default: {},
  viaToken: { antiCsrf: "VIA_TOKEN" },
  staticKeys: { useDynamicAccessTokenSigningKey: false },
  /** The defaults again, on fresh engines (cold JWKS caches) for the outage cases. */
  coreOutage: {},
};

/** Node's and our default `jwksRefreshIntervalSec`, in ms (the v2 "call the core?" window). */
const JWKS_INTERVAL_MS = 14400 * 1000;

// ------------------------------------------------------------------ case shape

export interface Ctx {
  emu: CoreEmulator;
  /** Our engine for the case's config (only `perEngine` cases should need it, to create sessions). */
  st: SuperTokensEdge;
  /** `perEngine` cases: which engine the session is made for; otherwise "both" (one token, verified by both). */
  engine: "node" | "ours" | "both";
}

export interface Made {
  token: string | undefined;
  antiCsrf?: string | undefined;
  options?: VerifyOptions;
  /** Freeze Date.now() (ms) at this instant while both engines verify (and the emulator answers). */
  at?: number;
  /** First verify once with both engines at real time (must be OK), so every cache is warm. */
  warm?: boolean;
  /** Runs after the warm-up verifications (e.g. revoke the session the caches now hold). */
  afterWarm?: () => void;
  /** Emulator failure mode (JWKS included) while both engines verify. */
  coreFailure?: FailureMode;
}

export type Expect =
  | {
      status: "OK";
      /** Core `/recipe/session/verify` calls, default 0. */
      coreVerify?: number;
      /** Whether the core issued a new access token, default false. */
      replaced?: boolean;
      userId?: string;
      recipeUserId?: string;
      tenantId?: string | undefined;
      /** JWKS requests during this verification; not compared unless given (cache timing is per engine). */
      jwksFetches?: number;
    }
  | { status: "NO_SESSION"; coreVerify?: number }
  | { status: "TRY_REFRESH_TOKEN"; coreVerify?: number; jwksFetches?: number }
  | { status: "UNAUTHORISED"; clearTokens: boolean; coreVerify?: number }
  /** Our engine only: the JWKS or the core could not be reached. */
  | { status: "CORE_UNAVAILABLE"; coreVerify?: number }
  /** supertokens-node only: a plain (non-session) error escaped, i.e. HTTP 500. */
  | { status: "THROWN"; coreVerify?: number };

export interface Case {
  name: string;
  config?: ConfigName;
  /**
   * Stateful cases (a core verify that promotes a refreshed session): `make` runs once per engine, each engine
   * verifies its own equivalent session, and session-specific values (handle, hashes, iat/exp) are compared
   * against that engine's own token rather than across engines.
   */
  perEngine?: boolean;
  make: (ctx: Ctx) => Made | Promise<Made>;
  expect?: Expect;
}

// ------------------------------------------------------------------ divergences (deliberate)

export interface Divergence {
  case: string;
  node: Expect;
  ours: Expect;
  why: string;
}

const STRICT_GRAMMAR =
  "Our parser accepts only RFC 7515 base64url (no padding) in v3+ segments; Node decodes with Buffer 'base64', " +
  "which also takes + / = and silently skips any other character, and jose 4 verifies the signature over the raw " +
  "segment. Many byte strings would then denote one token; we treat such a token as malformed (= absent).";

/** Every deliberate difference between supertokens-node and our engine, with both outcomes. */
export const DIVERGENCES: Divergence[] = [
  {
    case: "v4 without tId",
    node: { status: "OK", tenantId: undefined },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "Node's `tId` check for v4 is unreachable code, so it yields a session with tenantId undefined. The core " +
      "itself requires tId in v4, and an undefined tenant would break multi-tenant checks: we treat it as malformed.",
  },
  {
    case: "header field jku",
    node: { status: "OK" },
    ours: { status: "TRY_REFRESH_TOKEN" },
    why:
      "jose ignores `jku` (it never fetches it), so Node accepts the token. The core never emits it; our header " +
      "allow-list (kid, typ, version, alg) refuses anything else, like a bad signature (try refresh).",
  },
  {
    case: "header field unknown (x-extra)",
    node: { status: "OK" },
    ours: { status: "TRY_REFRESH_TOKEN" },
    why: "Same header allow-list as `jku`: any header field the core does not emit is refused.",
  },
  {
    case: "core down, cold JWKS cache",
    node: { status: "TRY_REFRESH_TOKEN" },
    ours: { status: "CORE_UNAVAILABLE" },
    why:
      "Node folds every JWKS failure into try-refresh: during an outage every client refreshes (which fails too) " +
      "and is logged out. We answer CORE_UNAVAILABLE (HTTP 503) and keep the session (src/session/get.ts).",
  },
  {
    case: "JWKS answers HTTP 500, cold cache",
    node: { status: "TRY_REFRESH_TOKEN" },
    ours: { status: "CORE_UNAVAILABLE" },
    why: "As for a core that is down.",
  },
  {
    case: "unknown kid while the core is down (warm cache, past the cooldown)",
    node: { status: "TRY_REFRESH_TOKEN" },
    ours: { status: "CORE_UNAVAILABLE" },
    why: "The key may exist (a rotation) but the core cannot say so now: an outage, not a bad token.",
  },
  {
    case: "stale JWKS cache while the core is down",
    node: { status: "TRY_REFRESH_TOKEN", jwksFetches: 1 },
    ours: { status: "OK", jwksFetches: 1 },
    why:
      "jose reloads a set older than jwksRefreshIntervalSec on every call and throws when that fails, so Node " +
      "answers try refresh (and asks the core for the JWKS on every request of the outage). We keep verifying with " +
      "the stale set and retry at most once per jwksCooldownMs (src/jwks/cache.ts freshSet); see " +
      "differential-jwks.test.ts for the request counts.",
  },
  {
    case: "checkDatabase while the core is down",
    node: { status: "THROWN", coreVerify: 1 },
    ours: { status: "CORE_UNAVAILABLE", coreVerify: 1 },
    why: "Node lets the querier's error escape (HTTP 500); we return it as a value (HTTP 503).",
  },
  {
    case: "refreshed token while the core answers HTTP 500",
    node: { status: "THROWN", coreVerify: 1 },
    ours: { status: "CORE_UNAVAILABLE", coreVerify: 1 },
    why: "As for checkDatabase while the core is down.",
  },
  {
    case: "token longer than 16 KB",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "We refuse tokens over 16 KB before parsing (bounded work per request; cookies cap at 4 KB anyway). Node has " +
      "no limit and verifies it.",
  },
  {
    case: "v5 payload in standard base64 (+ /, no padding)",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: STRICT_GRAMMAR,
  },
  {
    case: "v5 payload in standard base64 with = padding",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: STRICT_GRAMMAR,
  },
  {
    case: "v5 signature in standard base64 with = padding",
    node: { status: "OK" },
    ours: { status: "TRY_REFRESH_TOKEN" },
    why: `${STRICT_GRAMMAR} A signature outside the grammar fails verification (try refresh), like any bad signature.`,
  },
  {
    case: "v5 payload with an embedded '!' (skipped by Buffer)",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: STRICT_GRAMMAR,
  },
  {
    case: "sub and rsub with surrounding whitespace",
    node: { status: "OK", userId: "spaced", recipeUserId: "r" },
    ours: { status: "OK", userId: "  spaced  ", recipeUserId: " r " },
    why:
      'Node\'s sanitizeStringInput trims the ids it reads from the token: `" admin "` becomes `admin`, another user. ' +
      'We keep the id exactly as the core wrote it (the core holds `" admin "`); the front door encodes it losslessly.',
  },
  {
    case: "header version 6 (future version)",
    node: { status: "OK" },
    ours: { status: "TRY_REFRESH_TOKEN" },
    why:
      "Node validates unknown versions with the v5 rules. We implement v2–v5 only: a newer token ends in a refresh " +
      "(which re-issues a version we know), never in a logout.",
  },
  {
    case: "header without version",
    node: { status: "OK", tenantId: "public" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "Node reads a missing version as v3. SuperTokens' JWT and OpenID recipes sign other JWTs with the same JWKS: a " +
      "JWT without a version is not a session token (treated as absent).",
  },
  {
    case: 'header version "3abc" (parseInt reads 3)',
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: "Node parseInt()s the version string. We accept only the exact strings the core writes.",
  },
  {
    case: 'header version "05"',
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: 'As for "3abc": not a version string the core writes.',
  },
  {
    case: "duplicate sub in the payload (validly signed)",
    node: { status: "OK", userId: "admin" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "JSON.parse keeps the last of two equal member names, other parsers the first: two readers of one token could " +
      "see two users. We refuse JSON with duplicate member names anywhere in the header or payload.",
  },
  {
    case: "duplicate alg in the header (validly signed)",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: "As for a duplicate sub: a header whose meaning depends on the parser is refused.",
  },
  {
    case: "payload segment with spare bits set (validly signed)",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "A base64url character whose unused low bits are set decodes to the same bytes: two spellings of one payload. " +
      "We accept only the canonical spelling (RFC 4648 §3.5).",
  },
  {
    case: "signature with spare bits set",
    node: { status: "OK" },
    ours: { status: "TRY_REFRESH_TOKEN" },
    why: "As for the payload; a signature outside the canonical grammar fails verification (try refresh).",
  },
  {
    case: "exp in milliseconds",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why:
      "exp/iat/nbf must be NumericDates (safe integers, 0 … year 9999 in seconds). An exp in ms would keep a token " +
      "valid for 50,000 years; Node takes any number.",
  },
  {
    case: "fractional exp, ms still ahead",
    node: { status: "OK" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: "The core writes integer NumericDates; a fractional one is not a session token we issued.",
  },
  {
    case: "fractional exp, ms already past (Node: exp*1000 < now)",
    node: { status: "TRY_REFRESH_TOKEN" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: "As above.",
  },
  {
    case: "nbf as a string",
    node: { status: "TRY_REFRESH_TOKEN" },
    ours: { status: "UNAUTHORISED", clearTokens: false },
    why: "jose refuses a non-numeric nbf at verification (Node: try refresh); we refuse it as malformed structure.",
  },
];

// ------------------------------------------------------------------ disagreements that are NOT deliberate

/**
 * Cases where our engine currently disagrees with supertokens-node and nothing documents why: bugs in src/,
 * reported, not fixed here. The case's `expect` is Node's (= the intended) outcome; `ours` is what our engine
 * answers today. The test asserts both, so it stays green and fails the moment src/ changes: then either delete
 * the entry (fixed) or move it to DIVERGENCES (declared deliberate).
 */
export interface KnownBug {
  case: string;
  ours: Expect;
  where: string;
}

// Fixed in src/token/parse.ts (the signature is judged at verification; any present kid parses): the cases now
// agree with Node and run as ordinary corpus cases. Keep the table for the next disagreement found.
export const KNOWN_BUGS: KnownBug[] = [];

// ------------------------------------------------------------------ helpers

const nowSec = (): number => Math.floor(Date.now() / 1000);
/** A whole-second instant a little in the future, + `ms`: freeze the clock there. */
const futureSecond = (ms = 0): number => (nowSec() + 2) * 1000 + ms;

function mint(ctx: Ctx, o: MintOptions = {}): string {
  return ctx.emu.mintAccessToken(o);
}

function fromB64url(seg: string): Uint8Array {
  return Uint8Array.from(atob(seg.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

/** A token with these segments (`null`: a fresh default header), signed validly with the newest dynamic key. */
function resign(ctx: Ctx, headerSeg: string | null, payloadSeg: string): string {
  const header = headerSeg ?? mint(ctx).split(".")[0]!;
  return `${header}.${payloadSeg}.${ctx.emu.signWith("dynamic", `${header}.${payloadSeg}`)}`;
}

/** The same bytes spelt with a non-zero unused low bit in the last character (a non-canonical base64url). */
function withSpareBits(seg: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(seg[seg.length - 1]!);
  if (seg.length % 4 === 0 || seg.length % 4 === 1) throw new Error("segment has no spare bits");
  return seg.slice(0, -1) + alphabet[last | 1]!;
}

/** A payload segment whose length leaves spare bits (padding the JSON until it does). */
function spareBitsSegment(ctx: Ctx): string {
  const p = payloadOf(mint(ctx));
  for (let pad = 0; ; pad++) {
    const seg = b64url(JSON.stringify({ ...p, pad: "x".repeat(pad) }));
    if (seg.length % 4 === 2 || seg.length % 4 === 3) return withSpareBits(seg);
  }
}

function coreSession(ctx: Ctx, o: Partial<TestSessionOptions> = {}) {
  const r = ctx.emu.createSession({ userId: "core-user", ...o });
  return { token: r.accessToken.token, antiCsrf: r.antiCsrfToken, handle: r.session.handle };
}

/** A session created and refreshed through supertokens-node: its access token carries parentRefreshTokenHash1. */
async function refreshedByNode(userId: string): Promise<{ token: string; antiCsrf: string | undefined }> {
  const s = await NodeSessionApi.createNewSessionWithoutRequestResponse(
    "public",
    supertokens.convertToRecipeUserId(userId),
    { role: "admin" },
  );
  const t = s.getAllSessionTokensDangerously();
  const r = await NodeSessionApi.refreshSessionWithoutRequestResponse(t.refreshToken!, false, t.antiCsrfToken);
  const rt = r.getAllSessionTokensDangerously();
  return { token: rt.accessToken, antiCsrf: rt.antiCsrfToken };
}

/** The same through our engine's create/refresh. */
async function refreshedByOurs(
  st: SuperTokensEdge,
  userId: string,
): Promise<{ token: string; antiCsrf: string | undefined }> {
  const s = await st.createNewSessionWithoutRequestResponse("public", userId, { role: "admin" });
  const t = s.getAllSessionTokensDangerously();
  const r = await st.refreshSessionWithoutRequestResponse(t.refreshToken!, false, t.antiCsrfToken);
  if (r.status !== "OK") throw new Error(`refresh failed: ${r.status}`);
  return { token: r.session.getAccessToken(), antiCsrf: r.session.getAntiCsrfToken() };
}

/** A v5 token whose payload segment is standard base64 containing '+' or '/', signed over that exact segment. */
function stdBase64PayloadToken(ctx: Ctx, padded: boolean): string {
  const base = payloadOf(mint(ctx))!;
  for (let filler = 0; filler < 12; filler++) {
    const seg = b64std(JSON.stringify({ ...base, x: "????????", f: "~".repeat(filler) }));
    const hasPadding = seg.endsWith("=");
    if (!/[+/]/.test(seg) || hasPadding !== padded) continue;
    return mint(ctx, { rawPayloadSegment: seg });
  }
  throw new Error("could not build a standard-base64 payload");
}

function withSegment(token: string, index: 0 | 1 | 2, segment: string): string {
  const parts = token.split(".");
  parts[index] = segment;
  return parts.join(".");
}

// ------------------------------------------------------------------ the corpus

export const CASES: Case[] = [
  // ---- valid tokens of every version ------------------------------------------------------------
  {
    name: "v5 valid (core-created session)",
    make: (ctx) => ({ token: coreSession(ctx, { userId: "alice", payload: { role: "admin" } }).token }),
    expect: { status: "OK", userId: "alice", recipeUserId: "alice", tenantId: "public" },
  },
  {
    name: "v5 valid, custom claims (nested, unicode)",
    make: (ctx) => ({
      token: mint(ctx, {
        sub: "bob",
        payload: { roles: ["a", "b"], nested: { x: 1, y: [null, true] }, name: "Zoë 🙂" },
      }),
    }),
    expect: { status: "OK", userId: "bob" },
  },
  {
    name: "v5 valid, rsub differs from sub (linked account)",
    make: (ctx) => ({ token: mint(ctx, { sub: "primary", rsub: "recipe-user" }) }),
    expect: { status: "OK", userId: "primary", recipeUserId: "recipe-user" },
  },
  {
    name: "v5 valid, tenant tId 'tenant1'",
    make: (ctx) => ({ token: mint(ctx, { tId: "tenant1" }) }),
    expect: { status: "OK", tenantId: "tenant1" },
  },
  {
    name: "v4 valid",
    make: (ctx) => ({ token: mint(ctx, { version: 4, sub: "v4-user", tId: "t4" }) }),
    expect: { status: "OK", userId: "v4-user", recipeUserId: "v4-user", tenantId: "t4" },
  },
  {
    name: "v3 valid",
    make: (ctx) => ({ token: mint(ctx, { version: 3, sub: "v3-user" }) }),
    expect: { status: "OK", userId: "v3-user", tenantId: "public" },
  },
  {
    name: "v3 with tId 'other' (v3 is always tenant public)",
    make: (ctx) => ({ token: mint(ctx, { version: 3, payload: { tId: "other" } }) }),
    expect: { status: "OK", tenantId: "public" },
  },
  {
    name: "v2 valid, signed by the dynamic key in the JWKS",
    make: (ctx) => ({ token: mint(ctx, { version: 2, sub: "legacy", payload: { r: 1 } }) }),
    expect: { status: "OK", userId: "legacy", recipeUserId: "legacy", tenantId: "public" },
  },
  {
    name: "v2 valid, signed by the static key in the JWKS",
    make: (ctx) => ({ token: mint(ctx, { version: 2, key: "static", sub: "legacy-s" }) }),
    expect: { status: "OK", userId: "legacy-s" },
  },
  {
    name: "v1 header, valid",
    make: (ctx) => ({ token: mint(ctx, { version: 1, sub: "legacy-v1", payload: { a: "b" } }) }),
    expect: { status: "OK", userId: "legacy-v1" },
  },
  {
    name: "sub and rsub with surrounding whitespace",
    make: (ctx) => ({ token: mint(ctx, { sub: "  spaced  ", rsub: " r " }) }),
  },
  {
    name: "empty-string sub",
    make: (ctx) => ({ token: mint(ctx, { sub: "", rsub: "" }) }),
    expect: { status: "OK", userId: "", recipeUserId: "" },
  },
  {
    name: "header version 6 (future version)",
    make: (ctx) => ({ token: mint(ctx, { header: { version: "6" } }) }),
  },
  {
    name: "header without version",
    make: (ctx) => ({ token: mint(ctx, { header: { version: undefined }, tId: "ignored-in-v3" }) }),
  },
  {
    name: 'header version "3abc" (parseInt reads 3)',
    make: (ctx) => ({ token: mint(ctx, { header: { version: "3abc" } }) }),
  },
  {
    name: 'header version "05"',
    make: (ctx) => ({ token: mint(ctx, { header: { version: "05" } }) }),
  },
  {
    name: "duplicate sub in the payload (validly signed)",
    make: (ctx) => {
      const p = payloadOf(mint(ctx, { sub: "victim" }));
      const json = JSON.stringify(p).replace('"sub":"victim"', '"sub":"victim","sub":"admin"');
      return { token: resign(ctx, null, b64url(json)) };
    },
  },
  {
    name: "duplicate alg in the header (validly signed)",
    make: (ctx) => {
      const t = mint(ctx);
      const header = JSON.parse(new TextDecoder().decode(fromB64url(t.split(".")[0]!))) as Record<string, unknown>;
      const json = JSON.stringify(header).replace('"alg":"RS256"', '"alg":"none","alg":"RS256"');
      return { token: resign(ctx, b64url(json), t.split(".")[1]!) };
    },
  },
  {
    name: "BOM before the payload JSON (validly signed)",
    make: (ctx) => ({ token: resign(ctx, null, b64url(`\uFEFF${JSON.stringify(payloadOf(mint(ctx)))}`)) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "payload segment with spare bits set (validly signed)",
    make: (ctx) => {
      const seg = spareBitsSegment(ctx);
      return { token: resign(ctx, null, seg) };
    },
  },
  {
    name: "signature with spare bits set",
    make: (ctx) => {
      const t = mint(ctx);
      const [h, p, sig] = t.split(".") as [string, string, string];
      return { token: `${h}.${p}.${withSpareBits(sig)}` };
    },
  },
  {
    name: "exp in milliseconds",
    make: (ctx) => ({ token: mint(ctx, { exp: Date.now() + 3600_000 }) }),
  },
  {
    name: "stt: 0",
    make: (ctx) => ({ token: mint(ctx, { payload: { stt: 0 } }) }),
    expect: { status: "OK" },
  },
  {
    name: "iat in the future (not checked)",
    make: (ctx) => ({ token: mint(ctx, { iat: nowSec() + 3600, exp: nowSec() + 7200 }) }),
    expect: { status: "OK" },
  },
  {
    name: "nbf in the past",
    make: (ctx) => ({ token: mint(ctx, { payload: { nbf: nowSec() - 10 } }) }),
    expect: { status: "OK" },
  },
  {
    name: "parentRefreshTokenHash1 wrongly typed (number ⇒ treated as absent)",
    make: (ctx) => ({ token: mint(ctx, { payload: { parentRefreshTokenHash1: 5 } }) }),
    expect: { status: "OK" },
  },

  // ---- clock ------------------------------------------------------------------------------------
  {
    name: "expired by 1 s",
    make: (ctx) => {
      const at = futureSecond(500);
      return { token: mint(ctx, { exp: Math.floor(at / 1000) - 1 }), at };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "exp == now (jose: exp <= floor(now))",
    make: (ctx) => {
      const at = futureSecond(500);
      return { token: mint(ctx, { exp: Math.floor(at / 1000) }), at };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "exp == now + 1",
    make: (ctx) => {
      const at = futureSecond(999);
      return { token: mint(ctx, { exp: Math.floor(at / 1000) + 1 }), at };
    },
    expect: { status: "OK" },
  },
  {
    name: "fractional exp, ms still ahead",
    make: (ctx) => {
      const at = futureSecond(300);
      return { token: mint(ctx, { exp: Math.floor(at / 1000) + 0.5 }), at };
    },
  },
  {
    name: "fractional exp, ms already past (Node: exp*1000 < now)",
    make: (ctx) => {
      const at = futureSecond(700);
      return { token: mint(ctx, { exp: Math.floor(at / 1000) + 0.5 }), at };
    },
  },
  {
    name: "verified once, then re-verified at exp (cache must not outlive exp)",
    make: (ctx) => {
      const exp = nowSec() + 10;
      return { token: mint(ctx, { exp }), at: exp * 1000, warm: true };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "nbf in the future",
    make: (ctx) => ({ token: mint(ctx, { payload: { nbf: nowSec() + 60 } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "nbf as a string",
    make: (ctx) => ({ token: mint(ctx, { payload: { nbf: String(nowSec() - 60) } }) }),
  },
  {
    name: "v2 expiryTime == now (valid signature)",
    make: (ctx) => {
      const at = futureSecond(123);
      return { token: mint(ctx, { version: 2, expiryTime: at, timeCreated: at - 60_000 }), at };
    },
    expect: { status: "OK" },
  },
  {
    name: "v2 expired by 1 ms (valid signature)",
    make: (ctx) => {
      const at = futureSecond(123);
      return { token: mint(ctx, { version: 2, expiryTime: at - 1, timeCreated: at - 60_000 }), at };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },

  // ---- signatures and keys ----------------------------------------------------------------------
  {
    name: "tampered payload (valid signature of another payload)",
    make: (ctx) => {
      const a = mint(ctx, { sub: "alice" });
      const b = mint(ctx, { sub: "mallory" });
      return { token: withSegment(a, 1, b.split(".")[1]!) };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "stripped signature (empty third segment)",
    make: (ctx) => ({ token: mint(ctx, { signature: "none" }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "stripped signature, sessionRequired false",
    make: (ctx) => ({ token: mint(ctx, { signature: "none" }), options: { sessionRequired: false } }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "signature with non-base64url characters",
    make: (ctx) => ({ token: withSegment(mint(ctx), 2, "!!!!") }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "garbage signature",
    make: (ctx) => ({ token: mint(ctx, { signature: "garbage" }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "foreign signature (published kid, signed by the orphan key)",
    // kid "dynamic" writes the published kid; `key` alone would also write the orphan's (unpublished) kid.
    make: (ctx) => ({ token: mint(ctx, { kid: "dynamic", key: "orphan" }) }),
    expect: { status: "TRY_REFRESH_TOKEN", jwksFetches: 0 },
  },
  // Unknown kids refetch only past the 500 ms cooldown since each engine's last fetch: on the real clock the
  // count would depend on how fast the cases before ran (and could differ between the engines). The clock is
  // frozen 1 s, 2 s, then 5 s (rotated key) ahead: always past the cooldown, never stepping back between them.
  {
    name: "unknown kid (orphan key, its own kid)",
    make: (ctx) => ({ token: mint(ctx, { kid: "orphan" }), at: Date.now() + 1000 }),
    expect: { status: "TRY_REFRESH_TOKEN", jwksFetches: 1 },
  },
  {
    name: "empty-string kid",
    make: (ctx) => ({ token: mint(ctx, { header: { kid: "" } }), at: Date.now() + 2000 }),
    expect: { status: "TRY_REFRESH_TOKEN", jwksFetches: 1 },
  },
  {
    name: "rotated key: token signed by a dynamic key neither cache has seen",
    // The clock is frozen 5 s ahead so both JWKS caches are past their 500 ms unknown-kid cooldown.
    make: (ctx) => {
      const kid = ctx.emu.rotateDynamicKey();
      return { token: mint(ctx, { kid, sub: "rotated" }), at: Date.now() + 5000 };
    },
    expect: { status: "OK", userId: "rotated", jwksFetches: 1 },
  },
  {
    name: "previous dynamic key after a rotation",
    make: (ctx) => ({ token: mint(ctx, { kid: ctx.emu.keyIds().dynamic[1]! }) }),
    expect: { status: "OK", jwksFetches: 0 },
  },
  {
    name: "static-key token, useDynamicAccessTokenSigningKey true",
    make: (ctx) => ({ token: mint(ctx, { kid: "static" }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header alg RS512 (RS256 signature)",
    make: (ctx) => ({ token: mint(ctx, { header: { alg: "RS512" } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header alg none (RS256 signature kept)",
    make: (ctx) => ({ token: mint(ctx, { header: { alg: "none" } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header alg none, empty signature",
    make: (ctx) => ({ token: mint(ctx, { header: { alg: "none" }, signature: "none" }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header crit [exp]",
    make: (ctx) => ({ token: mint(ctx, { header: { crit: ["exp"], exp: 1 } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header b64:false with crit [b64]",
    make: (ctx) => ({ token: mint(ctx, { header: { b64: false, crit: ["b64"] } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header field jku",
    make: (ctx) => ({ token: mint(ctx, { header: { jku: "https://evil.example/jwks.json" } }) }),
  },
  { name: "header field unknown (x-extra)", make: (ctx) => ({ token: mint(ctx, { header: { "x-extra": 1 } }) }) },

  // ---- legacy v2 tokens our keys cannot verify ----------------------------------------------------
  {
    name: "v2 signed by the orphan key, fresh ⇒ core decides",
    make: (ctx) => ({ token: mint(ctx, { version: 2, key: "orphan" }) }),
    expect: { status: "TRY_REFRESH_TOKEN", coreVerify: 1 },
  },
  {
    name: "v2 orphan-signed, timeCreated older than jwksRefreshIntervalSec",
    make: (ctx) => {
      const now = Date.now();
      return {
        token: mint(ctx, {
          version: 2,
          key: "orphan",
          timeCreated: now - JWKS_INTERVAL_MS - 1000,
          expiryTime: now + 3600_000,
        }),
      };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "v2 orphan-signed, timeCreated exactly jwksRefreshIntervalSec ago",
    make: (ctx) => {
      const at = futureSecond(250);
      return {
        token: mint(ctx, { version: 2, key: "orphan", timeCreated: at - JWKS_INTERVAL_MS, expiryTime: at + 3600_000 }),
        at,
      };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "v2 orphan-signed, timeCreated 1 ms inside the window ⇒ core",
    make: (ctx) => {
      const at = futureSecond(250);
      return {
        token: mint(ctx, {
          version: 2,
          key: "orphan",
          timeCreated: at - JWKS_INTERVAL_MS + 1,
          expiryTime: at + 3600_000,
        }),
        at,
      };
    },
    expect: { status: "TRY_REFRESH_TOKEN", coreVerify: 1 },
  },
  {
    name: "v2 orphan-signed and expired",
    make: (ctx) => {
      const now = Date.now();
      return { token: mint(ctx, { version: 2, key: "orphan", timeCreated: now - 60_000, expiryTime: now - 1000 }) };
    },
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "v2 orphan-signed, expiryTime == now ⇒ core",
    make: (ctx) => {
      const at = futureSecond(250);
      return { token: mint(ctx, { version: 2, key: "orphan", timeCreated: at - 60_000, expiryTime: at }), at };
    },
    expect: { status: "TRY_REFRESH_TOKEN", coreVerify: 1 },
  },

  // ---- structure (treated as no token) ----------------------------------------------------------
  ...(["sub", "rsub", "sessionHandle", "refreshTokenHash1", "iat", "exp"] as const).map(
    (claim): Case => ({
      name: `missing ${claim}`,
      make: (ctx) => ({ token: mint(ctx, { omit: [claim] }) }),
      expect: { status: "UNAUTHORISED", clearTokens: false },
    }),
  ),
  {
    name: "stt: 1 (OAuth2 token type)",
    make: (ctx) => ({ token: mint(ctx, { payload: { stt: 1 } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "exp as a string",
    make: (ctx) => ({ token: mint(ctx, { exp: String(nowSec() + 3600) as unknown as number }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "iat as a string",
    make: (ctx) => ({ token: mint(ctx, { iat: String(nowSec()) as unknown as number, exp: nowSec() + 3600 }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  { name: "v4 without tId", make: (ctx) => ({ token: mint(ctx, { version: 4, omit: ["tId"] }) }) },
  {
    name: "header version '2' (non-legacy header)",
    make: (ctx) => ({ token: mint(ctx, { header: { version: "2" } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "legacy v2 header without its = padding",
    make: (ctx) => ({ token: mint(ctx, { version: 2, rawHeaderSegment: LEGACY_HEADER_V2.replace(/=+$/, "") }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "header version as a number",
    make: (ctx) => ({ token: mint(ctx, { header: { version: 5 } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "header version 'abc'",
    make: (ctx) => ({ token: mint(ctx, { header: { version: "abc" } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "header without typ",
    make: (ctx) => ({ token: mint(ctx, { header: { typ: undefined } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "header without kid",
    make: (ctx) => ({ token: mint(ctx, { header: { kid: undefined } }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "header kid as a number",
    make: (ctx) => ({ token: mint(ctx, { header: { kid: 12345 } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "header kid null",
    make: (ctx) => ({ token: mint(ctx, { header: { kid: null } }) }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "payload JSON null",
    make: (ctx) => ({ token: mint(ctx, { rawPayloadSegment: b64url("null") }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "payload JSON array",
    make: (ctx) => ({ token: mint(ctx, { rawPayloadSegment: b64url("[]") }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "payload not JSON",
    make: (ctx) => ({ token: mint(ctx, { rawPayloadSegment: b64url("not json") }) }),
    expect: { status: "UNAUTHORISED", clearTokens: false },
  },
  {
    name: "token longer than 16 KB",
    make: (ctx) => ({ token: mint(ctx, { payload: { blob: "x".repeat(17 * 1024) } }) }),
  },
  {
    name: "v5 payload in standard base64 (+ /, no padding)",
    make: (ctx) => ({ token: stdBase64PayloadToken(ctx, false) }),
  },
  {
    name: "v5 payload in standard base64 with = padding",
    make: (ctx) => ({ token: stdBase64PayloadToken(ctx, true) }),
  },
  {
    name: "v5 signature in standard base64 with = padding",
    make: (ctx) => {
      for (;;) {
        const t = mint(ctx);
        const std = Buffer.from(t.split(".")[2]!, "base64url").toString("base64");
        if (/[+/]/.test(std)) return { token: withSegment(t, 2, std) };
      }
    },
  },
  {
    name: "v5 payload with an embedded '!' (skipped by Buffer)",
    make: (ctx) => {
      const seg = mint(ctx).split(".")[1]!;
      return { token: mint(ctx, { rawPayloadSegment: `${seg.slice(0, 8)}!${seg.slice(8)}` }) };
    },
  },

  // ---- garbage and absent tokens ----------------------------------------------------------------
  { name: "no token", make: () => ({ token: undefined }), expect: { status: "UNAUTHORISED", clearTokens: false } },
  {
    name: "no token, sessionRequired false",
    make: () => ({ token: undefined, options: { sessionRequired: false } }),
    expect: { status: "NO_SESSION" },
  },
  ...(
    [
      ["empty string", ""],
      ["a.b", "a.b"],
      ["a.b.c", "a.b.c"],
      ["four dots", "a.b.c.d.e"],
      ["non-base64 characters", "!!!.@@@.###"],
      ["unicode", "ü.ö.ä"],
      ["emoji", "🙂.🙂.🙂"],
      ["JWT-looking junk", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"],
    ] as const
  ).map(
    ([label, token]): Case => ({
      name: `garbage: ${label}`,
      make: () => ({ token }),
      expect: { status: "UNAUTHORISED", clearTokens: false },
    }),
  ),
  {
    name: "garbage, sessionRequired false",
    make: () => ({ token: "a.b.c", options: { sessionRequired: false } }),
    expect: { status: "NO_SESSION" },
  },
  {
    name: "expired, sessionRequired false",
    make: (ctx) => ({ token: mint(ctx, { exp: nowSec() - 5 }), options: { sessionRequired: false } }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "valid, sessionRequired false",
    make: (ctx) => ({ token: mint(ctx, { sub: "optional" }), options: { sessionRequired: false } }),
    expect: { status: "OK", userId: "optional" },
  },

  // ---- the core's part: refresh promotion, checkDatabase ----------------------------------------
  {
    name: "refreshed session (create + refresh via supertokens-node), first verify",
    perEngine: true,
    make: async () => refreshedByNode("refreshed-user"),
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "refreshed-user" },
  },
  {
    name: "refreshed session (create + refresh via our engine), first verify",
    perEngine: true,
    make: async (ctx) => refreshedByOurs(ctx.st, "refreshed-ours"),
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "refreshed-ours" },
  },
  {
    name: "refreshed session, the promoted token (second request): local again",
    make: async () => {
      const r = await refreshedByNode("promoted-user");
      const promoted = await NodeSessionApi.getSessionWithoutRequestResponse(r.token, r.antiCsrf);
      return { token: promoted.getAccessToken(), antiCsrf: r.antiCsrf };
    },
    expect: { status: "OK", coreVerify: 0, userId: "promoted-user" },
  },
  {
    name: "refreshed session, the same pre-promotion token verified again",
    perEngine: true,
    make: async () => {
      const r = await refreshedByNode("again-user");
      await NodeSessionApi.getSessionWithoutRequestResponse(r.token, r.antiCsrf); // promotes in the core
      return r;
    },
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "again-user" },
  },
  {
    name: "minted token with parentRefreshTokenHash1 for a session the core does not know",
    make: (ctx) => ({ token: mint(ctx, { parentRefreshTokenHash1: "ab".repeat(32) }) }),
    expect: { status: "UNAUTHORISED", clearTokens: true, coreVerify: 1 },
  },
  {
    name: "checkDatabase on a live session",
    make: (ctx) => ({ token: coreSession(ctx, { userId: "live" }).token, options: { checkDatabase: true } }),
    expect: { status: "OK", coreVerify: 1, userId: "live" },
  },
  {
    name: "checkDatabase on a revoked session (caches warm)",
    make: (ctx) => {
      const s = coreSession(ctx, { userId: "revoked" });
      return {
        token: s.token,
        options: { checkDatabase: true },
        warm: true,
        afterWarm: () => void ctx.emu.sessions.delete(s.handle),
      };
    },
    expect: { status: "UNAUTHORISED", clearTokens: true, coreVerify: 1 },
  },
  {
    name: "revoked session without checkDatabase (stateless: still OK)",
    make: (ctx) => {
      const s = coreSession(ctx, { userId: "revoked-2" });
      ctx.emu.sessions.delete(s.handle);
      return { token: s.token };
    },
    expect: { status: "OK", userId: "revoked-2" },
  },
  {
    name: "checkDatabase after the payload changed in the core (core re-mints)",
    make: (ctx) => {
      const s = coreSession(ctx, { userId: "changed", payload: { plan: "free" } });
      ctx.emu.sessions.get(s.handle)!.userDataInJWT = { plan: "pro" };
      return { token: s.token, options: { checkDatabase: true } };
    },
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "changed" },
  },

  // ---- anti-CSRF VIA_TOKEN ----------------------------------------------------------------------
  {
    name: "VIA_TOKEN: matching anti-csrf",
    config: "viaToken",
    make: (ctx) => {
      const s = coreSession(ctx, { userId: "csrf", antiCsrf: true });
      return { token: s.token, antiCsrf: s.antiCsrf };
    },
    expect: { status: "OK", userId: "csrf" },
  },
  {
    name: "VIA_TOKEN: missing anti-csrf",
    config: "viaToken",
    make: (ctx) => ({ token: coreSession(ctx, { antiCsrf: true }).token }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "VIA_TOKEN: wrong anti-csrf",
    config: "viaToken",
    make: (ctx) => ({ token: coreSession(ctx, { antiCsrf: true }).token, antiCsrf: "not-the-token" }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "VIA_TOKEN: antiCsrfCheck false, no anti-csrf",
    config: "viaToken",
    make: (ctx) => ({ token: coreSession(ctx, { antiCsrf: true }).token, options: { antiCsrfCheck: false } }),
    expect: { status: "OK" },
  },
  {
    name: "VIA_TOKEN: token without antiCsrfToken, check on",
    config: "viaToken",
    make: (ctx) => ({ token: mint(ctx), antiCsrf: "anything" }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "VIA_TOKEN: token without antiCsrfToken, antiCsrfCheck false",
    config: "viaToken",
    make: (ctx) => ({ token: mint(ctx), options: { antiCsrfCheck: false } }),
    expect: { status: "OK" },
  },
  {
    name: "VIA_TOKEN: v2 token, matching anti-csrf",
    config: "viaToken",
    make: (ctx) => ({ token: mint(ctx, { version: 2, antiCsrfToken: "legacy-csrf" }), antiCsrf: "legacy-csrf" }),
    expect: { status: "OK" },
  },
  {
    name: "VIA_TOKEN: v2 orphan-signed fresh, anti-csrf checked by the core",
    config: "viaToken",
    make: (ctx) => ({ token: mint(ctx, { version: 2, key: "orphan", antiCsrfToken: "c" }), antiCsrf: "c" }),
    expect: { status: "TRY_REFRESH_TOKEN", coreVerify: 1 },
  },
  {
    name: "VIA_TOKEN: refreshed session, first verify with anti-csrf",
    config: "viaToken",
    perEngine: true,
    make: async () => refreshedByNode("csrf-refreshed"),
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "csrf-refreshed" },
  },
  {
    name: "VIA_TOKEN: checkDatabase with matching anti-csrf",
    config: "viaToken",
    make: (ctx) => {
      const s = coreSession(ctx, { userId: "csrf-db", antiCsrf: true });
      return { token: s.token, antiCsrf: s.antiCsrf, options: { checkDatabase: true } };
    },
    expect: { status: "OK", coreVerify: 1 },
  },

  // ---- useDynamicAccessTokenSigningKey false --------------------------------------------------------
  {
    name: "static config: static-key token",
    config: "staticKeys",
    make: (ctx) => ({ token: coreSession(ctx, { userId: "static", useDynamicSigningKey: false }).token }),
    expect: { status: "OK", userId: "static" },
  },
  {
    name: "static config: dynamic-key token",
    config: "staticKeys",
    make: (ctx) => ({ token: coreSession(ctx, { userId: "dyn" }).token }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "static config: v2 token (kid-prefix rule is v3+ only)",
    config: "staticKeys",
    make: (ctx) => ({ token: mint(ctx, { version: 2 }) }),
    expect: { status: "OK" },
  },
  {
    name: "static config: refreshed session, first verify",
    config: "staticKeys",
    perEngine: true,
    make: async () => refreshedByNode("static-refreshed"),
    expect: { status: "OK", coreVerify: 1, replaced: true, userId: "static-refreshed" },
  },

  // ---- core / JWKS outages (fresh engines: the first case meets cold JWKS caches) ----------------
  {
    name: "core down, cold JWKS cache",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx), coreFailure: "down" }),
  },
  {
    name: "JWKS answers HTTP 500, cold cache",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx), coreFailure: "500" }),
  },
  {
    name: "core back: the JWKS loads",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx) }),
    expect: { status: "OK", jwksFetches: 1 },
  },
  {
    name: "valid token while the core is down (warm cache: no core needed)",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx, { sub: "during-outage" }), coreFailure: "down" }),
    expect: { status: "OK", userId: "during-outage", jwksFetches: 0 },
  },
  {
    name: "expired token while the core is down",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx, { exp: nowSec() - 1 }), coreFailure: "down" }),
    expect: { status: "TRY_REFRESH_TOKEN" },
  },
  {
    name: "unknown kid while the core is down (warm cache, past the cooldown)",
    config: "coreOutage",
    make: (ctx) => ({ token: mint(ctx, { kid: "orphan" }), coreFailure: "down", at: Date.now() + 5000 }),
  },
  {
    name: "checkDatabase while the core is down",
    config: "coreOutage",
    // warm: Node's querier learns the core's API version first (else its /apiversion call fails before verify)
    make: (ctx) => ({
      token: coreSession(ctx).token,
      options: { checkDatabase: true },
      coreFailure: "down",
      warm: true,
    }),
  },
  {
    name: "refreshed token while the core answers HTTP 500",
    config: "coreOutage",
    make: async () => ({ ...(await refreshedByNode("outage-refreshed")), coreFailure: "500" as const }),
  },
  {
    // Last: the clock is frozen past jwksRefreshIntervalSec, so both warm caches are stale (and past any cooldown).
    name: "stale JWKS cache while the core is down",
    config: "coreOutage",
    make: (ctx) => {
      const at = Date.now() + JWKS_INTERVAL_MS + 10_000;
      return { token: mint(ctx, { exp: Math.floor(at / 1000) + 3600 }), coreFailure: "down", at };
    },
  },
];

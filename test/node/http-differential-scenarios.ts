// The scenario table of the HTTP differential tests. Every scenario runs once through supertokens-node and once
// through our engine, each on its own (equivalent) session, and every recorded step must be answered identically.
//
// Clients behave like supertokens-website by default: they send the stored anti-csrf token, `rid: anti-csrf` on
// API calls and `rid: session` on refresh/sign-out, `Authorization: Bearer <access|refresh>` in header mode, and
// cookies by path (the refresh cookie only reaches /auth/session/refresh). Options turn those off one by one, so
// the same scenario exercises the mode-specific anti-CSRF rules of each config file.
import { Client, type Run, type Scenario } from "./http-differential-helpers.js";

const cookieClient = async (r: Run, label = "create (st-auth-mode: cookie)", payload?: Record<string, unknown>) => {
  const c = new Client("cookie");
  await r.create(label, c, { authMode: "cookie", payload });
  return c;
};

const headerClient = async (r: Run, label = "create (no st-auth-mode ⇒ header)", payload?: Record<string, unknown>) => {
  const c = new Client("header");
  await r.create(label, c, { payload });
  return c;
};

/** A session whose access token the core must still promote (a refresh happened, no verify since). */
const refreshedClient = async (r: Run, mode: "cookie" | "header") => {
  const c = mode === "cookie" ? await cookieClient(r) : await headerClient(r);
  await r.refresh("refresh", c);
  return c;
};

const expiredToken = (r: Run) => {
  const now = Math.floor(Date.now() / 1000);
  return r.env.emu.mintAccessToken({ sub: "user-1", iat: now - 7200, exp: now - 10 });
};

// ---------------------------------------------------------------- front-door hardening (names and tokens, exactly)
// The SDK's fetch helper splits the Cookie header on ";" and String.prototype.trim()s each pair; its Bearer token
// is trim()med too. trim() also removes U+00A0, VT and FF, which fetch Headers (ByteStrings) can carry. U+2000 and
// U+FEFF cannot be header characters at all (`new Headers().set()` throws): what a client sends is their UTF-8
// bytes, which a server reads as Latin-1 characters (`wire`) and trim() leaves alone. Ours strips only SP and HTAB.

/** A 200 of the protected API for the minted user; the SDK's 401 bodies. */
const SESSION_OF_USER_1 = { status: 200, body: { userId: "user-1", tenantId: "public" } };
const UNAUTHORISED = { status: 401, body: { message: "unauthorised" } };
const TRY_REFRESH = { status: 401, body: { message: "try refresh token" } };

/** `s` as the Latin-1 characters of its UTF-8 bytes: how a non-Latin-1 character reaches a fetch Request. */
const wire = (s: string) => String.fromCharCode(...new TextEncoder().encode(s));

/** A valid access token of the emulator's current key, for `sub`. */
const minted = (r: Run, sub = "user-1") => r.env.emu.mintAccessToken({ sub });

/** A GET of the protected API carrying exactly this Cookie header (GET: no anti-CSRF rule in any config). */
const getWithCookie = (r: Run, label: string, cookie: string) =>
  r.verify(label, new Client("cookie"), { method: "GET", send: "none", cookie });
const getWithAuthorization = (r: Run, label: string, authorization: string) =>
  r.verify(label, new Client("header"), { method: "GET", send: "none", authorization });

const TRIMMED_NAME =
  "the SDK trim()s each cookie pair (U+00A0, VT, FF are whitespace to String.prototype.trim) and reads sAccessToken; " +
  "we allow only SP/HTAB around a name (RFC 6265), so it is another cookie: no session";
const TRIMMED_VALUE =
  "the SDK trim()s the character off the value; ours keeps it, so the token's signature segment is not base64url: bad signature, try refresh";
const SKIPPED_BY_BUFFER =
  "trim() leaves these bytes, but the SDK's jose 4 decodes the signature with Node's Buffer, which skips non-base64 " +
  "characters, so it verifies; our strict grammar (DIVERGENCES 'v5 payload with an embedded !') sees a bad signature";

export const frontDoorHardeningScenarios: Scenario[] = [
  {
    name: "cookie names: U+00A0 / VT / FF around sAccessToken (SDK trim()s them), U+2000 / U+FEFF as their UTF-8 bytes (nobody trims them)",
    deliberate: [
      { label: "U+00A0 before the name", sdk: SESSION_OF_USER_1, ours: UNAUTHORISED, why: TRIMMED_NAME },
      {
        label: "U+00A0 before the name of the second pair",
        sdk: SESSION_OF_USER_1,
        ours: UNAUTHORISED,
        why: TRIMMED_NAME,
      },
      { label: "VT before the name", sdk: SESSION_OF_USER_1, ours: UNAUTHORISED, why: TRIMMED_NAME },
      { label: "FF before the name", sdk: SESSION_OF_USER_1, ours: UNAUTHORISED, why: TRIMMED_NAME },
      { label: "U+00A0 after the value", sdk: SESSION_OF_USER_1, ours: TRY_REFRESH, why: TRIMMED_VALUE },
      { label: "FF after the value", sdk: SESSION_OF_USER_1, ours: TRY_REFRESH, why: TRIMMED_VALUE },
      {
        label: "U+2000 (UTF-8 bytes) after the value",
        sdk: SESSION_OF_USER_1,
        ours: TRY_REFRESH,
        why: SKIPPED_BY_BUFFER,
      },
      {
        label: "U+FEFF (UTF-8 bytes) after the value",
        sdk: SESSION_OF_USER_1,
        ours: TRY_REFRESH,
        why: SKIPPED_BY_BUFFER,
      },
      {
        label: "a valid sAccessToken, then U+00A0 sAccessToken=x",
        sdk: UNAUTHORISED,
        ours: TRY_REFRESH,
        why:
          "both refuse: the SDK trim()s the second pair into a second sAccessToken, whose value x (the last one wins) is no " +
          "JWT; we read names exactly but count look-alikes as duplicates (src/http/cookies.ts countCookie): multiple tokens",
      },
    ],
    run: async (r) => {
      const t = minted(r);
      await getWithCookie(r, "U+00A0 before the name", `\u00a0sAccessToken=${t}`);
      await getWithCookie(r, "U+00A0 before the name of the second pair", `theme=dark;\u00a0sAccessToken=${t}`);
      await getWithCookie(r, "VT before the name", `\u000bsAccessToken=${t}`);
      await getWithCookie(r, "FF before the name", `\u000csAccessToken=${t}`);
      await getWithCookie(r, "U+00A0 between the name and =", `sAccessToken\u00a0=${t}`);
      await getWithCookie(r, "U+00A0 after the value", `sAccessToken=${t}\u00a0`);
      await getWithCookie(r, "FF after the value", `sAccessToken=${t}\u000c`);
      for (const [name, ch] of [
        ["U+00A0", "\u00a0"],
        ["U+2000", "\u2000"],
        ["U+FEFF", "\ufeff"],
      ] as const) {
        await getWithCookie(r, `${name} (UTF-8 bytes) before the name`, `${wire(ch)}sAccessToken=${t}`);
        await getWithCookie(r, `${name} (UTF-8 bytes) between the name and =`, `sAccessToken${wire(ch)}=${t}`);
      }
      await getWithCookie(r, "U+2000 (UTF-8 bytes) after the value", `sAccessToken=${t}${wire("\u2000")}`);
      await getWithCookie(r, "U+FEFF (UTF-8 bytes) after the value", `sAccessToken=${t}${wire("\ufeff")}`);
      await getWithCookie(
        r,
        "a valid sAccessToken, then U+00A0 sAccessToken=x",
        `sAccessToken=${t};\u00a0sAccessToken=x`,
      );
    },
  },
  {
    // Neither cookie parser decodes names: s%41ccessToken is another cookie for both.
    name: "cookie names: a percent-encoded name (s%41ccessToken) is not sAccessToken",
    run: async (r) => {
      await getWithCookie(r, "only s%41ccessToken=<valid>", `s%41ccessToken=${minted(r)}`);
      await getWithCookie(
        r,
        "s%41ccessToken=<valid> and an unrelated cookie",
        `theme=dark; s%41ccessToken=${minted(r)}`,
      );
    },
  },
  {
    // Was a disagreement: our duplicate count now reads names as the SDK's check does (decoded): both try refresh.
    name: "cookie names: a valid sAccessToken plus s%41ccessToken (the SDK's duplicate check decodes names)",
    run: async (r) => {
      const t = minted(r);
      await getWithCookie(r, "sAccessToken=<valid>; s%41ccessToken=<valid>", `sAccessToken=${t}; s%41ccessToken=${t}`);
    },
  },
  {
    name: "Authorization: U+00A0 / VT around the Bearer token (SDK trim()s them), U+FEFF / U+2000 as their UTF-8 bytes",
    deliberate: [
      {
        label: "Bearer <token>U+00A0",
        sdk: SESSION_OF_USER_1,
        ours: TRY_REFRESH,
        why: "the SDK trim()s the token; ours strips only SP/HTAB, so U+00A0 stays in the signature segment: bad signature, try refresh",
      },
      {
        label: "Bearer U+00A0<token>",
        sdk: SESSION_OF_USER_1,
        ours: UNAUTHORISED,
        why: "the SDK trim()s the token; ours keeps U+00A0 before the header segment, which is then not base64url: no token",
      },
      {
        label: "Bearer <token>VT",
        sdk: SESSION_OF_USER_1,
        ours: TRY_REFRESH,
        why: "as for a trailing U+00A0 (VT is whitespace to trim())",
      },
      {
        label: "Bearer U+FEFF(UTF-8 bytes)<token>",
        sdk: TRY_REFRESH,
        ours: UNAUTHORISED,
        why:
          "trim() leaves the bytes; the SDK's Buffer decoding skips them in the header segment, then the signature over the raw " +
          "segment fails (try refresh); for our grammar it is no token at all (malformed ⇒ unauthorised)",
      },
      {
        label: "Bearer U+2000(UTF-8 bytes)<token>",
        sdk: TRY_REFRESH,
        ours: UNAUTHORISED,
        why: "as for the U+FEFF bytes",
      },
      { label: "Bearer <token>U+FEFF(UTF-8 bytes)", sdk: SESSION_OF_USER_1, ours: TRY_REFRESH, why: SKIPPED_BY_BUFFER },
    ],
    run: async (r) => {
      const t = minted(r);
      await getWithAuthorization(r, "Bearer <token>U+00A0", `Bearer ${t}\u00a0`);
      await getWithAuthorization(r, "Bearer U+00A0<token>", `Bearer \u00a0${t}`);
      await getWithAuthorization(r, "Bearer <token>VT", `Bearer ${t}\u000b`);
      await getWithAuthorization(r, "Bearer U+FEFF(UTF-8 bytes)<token>", `Bearer ${wire("\ufeff")}${t}`);
      await getWithAuthorization(r, "Bearer U+2000(UTF-8 bytes)<token>", `Bearer ${wire("\u2000")}${t}`);
      await getWithAuthorization(r, "Bearer <token>U+FEFF(UTF-8 bytes)", `Bearer ${t}${wire("\ufeff")}`);
      await getWithAuthorization(
        r,
        "Bearer, two spaces, <token>, a tab (HTTP whitespace: both strip it)",
        `Bearer  ${t}\t`,
      );
    },
  },
  {
    name: "identity: a token whose sub is ' admin ' (cookie and header)",
    deliberate: (["cookie", "header"] as const).map((carrier) => ({
      label: `sub ' admin ' (${carrier})`,
      sdk: { status: 200, body: { userId: "admin", tenantId: "public" } },
      ours: { status: 200, body: { userId: " admin ", tenantId: "public" } },
      why:
        "the SDK's sanitizeStringInput trims ids read from the token, making ' admin ' the user admin; we keep the id the core " +
        "wrote (DIVERGENCES 'sub and rsub with surrounding whitespace')",
    })),
    run: async (r) => {
      const t = minted(r, " admin ");
      await getWithCookie(r, "sub ' admin ' (cookie)", `sAccessToken=${t}`);
      await getWithAuthorization(r, "sub ' admin ' (header)", `Bearer ${t}`);
    },
  },
];

export const commonScenarios: Scenario[] = [
  // ---------------------------------------------------------------- create
  {
    name: "create: cookie mode (st-auth-mode: cookie)",
    run: async (r) => void (await cookieClient(r)),
  },
  {
    name: "create: header mode by default, for st-auth-mode header, for an unknown value; COOKIE is case-insensitive",
    run: async (r) => {
      await headerClient(r);
      await r.create("create (st-auth-mode: header)", new Client("header"), { authMode: "header" });
      await r.create("create (st-auth-mode: bogus)", new Client("header"), { authMode: "bogus" });
      await r.create("create (st-auth-mode: COOKIE)", new Client("cookie"), { authMode: "COOKIE" });
    },
  },
  {
    name: "create: clears the other transfer method's stale access token",
    run: async (r) => {
      await r.create("cookie create with a stale Bearer header", new Client("cookie"), {
        authMode: "cookie",
        req: { authorization: "Bearer stale" },
      });
      await r.create("header create with a stale sAccessToken cookie", new Client("header"), {
        req: { cookie: "sAccessToken=stale" },
      });
    },
  },
  {
    name: "create: custom payload reaches the front token (non-ASCII included)",
    run: async (r) => void (await cookieClient(r, "create", { custom: "ü", n: 1, nested: { a: [1, 2] } })),
  },

  // ---------------------------------------------------------------- verify
  {
    name: "verify, cookie mode: GET/POST with and without anti-csrf and rid",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.verify("GET", c, { method: "GET" });
      await r.verify("POST", c);
      await r.verify("GET without anti-csrf, rid", c, { method: "GET", antiCsrf: false, rid: null });
      await r.verify("POST without anti-csrf", c, { antiCsrf: false });
      await r.verify("POST without rid", c, { rid: null });
      await r.verify("POST without anti-csrf, rid", c, { antiCsrf: false, rid: null });
      await r.verify("POST with a wrong anti-csrf", c, { antiCsrf: "wrong" });
      await r.verify(
        "POST without anti-csrf, rid, antiCsrfCheck false",
        c,
        { antiCsrf: false, rid: null },
        { antiCsrfCheck: false },
      );
      await r.verify(
        "GET, antiCsrfCheck true, no anti-csrf",
        c,
        { method: "GET", antiCsrf: false },
        { antiCsrfCheck: true },
      );
      await r.verify("PUT without anti-csrf, rid", c, { method: "PUT", antiCsrf: false, rid: null });
      await r.verify(
        "POST without anti-csrf, rid, optional session",
        c,
        { antiCsrf: false, rid: null },
        { sessionRequired: false },
      );
    },
  },
  {
    name: "verify, header mode: GET/POST, never CSRF-checked",
    run: async (r) => {
      const c = await headerClient(r);
      await r.verify("GET", c, { method: "GET" });
      await r.verify("POST", c);
      await r.verify("POST without anti-csrf, rid", c, { antiCsrf: false, rid: null });
    },
  },
  {
    name: "verify: no token / garbage tokens ⇒ 401 unauthorised, nothing cleared; optional ⇒ no session",
    run: async (r) => {
      const c = new Client("cookie");
      await r.verify("no token", c);
      await r.verify("no token, GET", c, { method: "GET" });
      await r.verify("no token, optional", c, {}, { sessionRequired: false });
      await r.verify("sAccessToken=asdf", c, { cookie: "sAccessToken=asdf" });
      await r.verify("Bearer asdf", c, { authorization: "Bearer asdf" });
      await r.verify("Bearer asdf, optional", c, { authorization: "Bearer asdf" }, { sessionRequired: false });
      await r.verify("Authorization without the Bearer prefix", c, { authorization: "asdf" });
    },
  },
  {
    name: "verify: an access token in both carriers (header wins), foreign Bearer + valid cookie (cookie used)",
    run: async (r) => {
      const ch = await headerClient(r);
      const cc = await cookieClient(r);
      const both = cc.clone();
      both.accessToken = ch.accessToken;
      await r.verify("cookie + header token", both, { send: "both" });
      await r.verify("cookie + foreign Bearer", cc, { authorization: "Bearer not.a.jwt" });
    },
  },
  {
    name: "verify: expired access token ⇒ 401 try refresh (cookie, header, optional); sign-out too",
    run: async (r) => {
      const token = expiredToken(r);
      const c = new Client("cookie");
      c.jar.set("sAccessToken", { value: token, path: "/" });
      await r.verify("expired cookie", c, { method: "GET" });
      await r.verify("expired Bearer", c, { send: "none", authorization: `Bearer ${token}` });
      await r.verify("expired cookie, optional", c, { method: "GET" }, { sessionRequired: false });
      await r.signOut("sign-out with an expired token", c);
    },
  },
  {
    name: "verify: token signed by an unknown key ⇒ 401 try refresh",
    run: async (r) => {
      const c = new Client("cookie");
      c.jar.set("sAccessToken", { value: r.env.emu.mintAccessToken({ sub: "user-1", kid: "orphan" }), path: "/" });
      await r.verify("orphan-key token", c, { method: "GET" });
    },
  },
  {
    name: "verify: duplicate sAccessToken cookies ⇒ 401 try refresh; ignored when the header token is used",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.verify("duplicate sAccessToken", c, { extraCookies: "sAccessToken=other" });
      const h = await headerClient(r);
      await r.verify("header mode + duplicate sAccessToken cookies", h, { cookie: "sAccessToken=a; sAccessToken=b" });
    },
  },
  {
    name: "verify: legacy sIdRefreshToken cookie ⇒ 401 try refresh",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.verify("sIdRefreshToken present", c, { method: "GET", extraCookies: "sIdRefreshToken=legacy" });
    },
  },
  {
    name: "verify: after refresh the core promotes the token ⇒ new access cookie + front-token, once (cookie)",
    run: async (r) => {
      const c = await refreshedClient(r, "cookie");
      await r.verify("POST with the refreshed token (promotion)", c);
      await r.verify("POST again (no new token)", c);
    },
  },
  {
    name: "verify: after refresh the core promotes the token ⇒ st-access-token + front-token, once (header)",
    run: async (r) => {
      const c = await refreshedClient(r, "header");
      await r.verify("POST with the refreshed token (promotion)", c);
      await r.verify("GET again (no new token)", c, { method: "GET" });
    },
  },
  {
    name: "verify: promotion through a GET without anti-csrf / rid; POST without them",
    run: async (r) => {
      const c = await refreshedClient(r, "cookie");
      await r.verify("GET with the refreshed token", c, { method: "GET", antiCsrf: false, rid: null });
      const d = await refreshedClient(r, "cookie");
      await r.verify("POST with the refreshed token without anti-csrf, rid", d, { antiCsrf: false, rid: null });
    },
  },
  {
    name: "verify: core says UNAUTHORISED ⇒ 401 unauthorised and all tokens cleared",
    run: async (r) => {
      const c = await cookieClient(r);
      r.revokeInCore(c);
      await r.verify("checkDatabase on a revoked session", c, {}, { checkDatabase: true });
      const refreshed = await refreshedClient(r, "cookie");
      r.revokeInCore(refreshed);
      await r.verify("refreshed token of a revoked session", refreshed);
      const h = await refreshedClient(r, "header");
      r.revokeInCore(h);
      await r.verify("refreshed token of a revoked session (header)", h);
    },
  },
  {
    name: "verify: revoked session without checkDatabase is still valid (stateless)",
    run: async (r) => {
      const c = await cookieClient(r);
      r.revokeInCore(c);
      await r.verify("revoked in core, no checkDatabase", c);
    },
  },
  {
    name: "verify: a global claim validator fails ⇒ 403 invalid claim (cookie, header); sign-out ignores it",
    run: async (r) => {
      const c = await cookieClient(r, "create blocked (cookie)", { blocked: true });
      await r.verify("POST", c);
      await r.verify("GET, optional session", c, { method: "GET" }, { sessionRequired: false });
      const h = await headerClient(r, "create blocked (header)", { blocked: true });
      await r.verify("POST (header)", h);
      await r.signOut("sign-out of a blocked session", c);
    },
  },

  // ---------------------------------------------------------------- refresh
  {
    name: "refresh, cookie mode: 200 {} with new cookies; without anti-csrf / rid",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.refresh("refresh", c);
      const d = await cookieClient(r, "create 2");
      await r.refresh("refresh without anti-csrf", d.clone(), { antiCsrf: false });
      const e = await cookieClient(r, "create 3");
      await r.refresh("refresh without rid", e.clone(), { rid: null });
      const f = await cookieClient(r, "create 4");
      await r.refresh("refresh with a wrong anti-csrf", f.clone(), { antiCsrf: "wrong" });
    },
  },
  {
    name: "refresh, header mode (Authorization: Bearer <refresh token>): 200 {} with header tokens",
    run: async (r) => {
      const c = await headerClient(r);
      await r.refresh("refresh", c);
      const d = await headerClient(r, "create 2");
      await r.refresh("refresh without anti-csrf, rid", d, { antiCsrf: false, rid: null });
    },
  },
  {
    name: "refresh: tenant path /auth/public/session/refresh (header mode)",
    run: async (r) => {
      const c = await headerClient(r);
      await r.auth("refresh via /auth/public/session/refresh", c, "/auth/public/session/refresh");
    },
  },
  {
    name: "refresh: refresh token in both carriers ⇒ header used, cookies cleared",
    run: async (r) => {
      const cc = await cookieClient(r);
      const ch = await headerClient(r);
      const both = cc.clone();
      both.refreshToken = ch.refreshToken;
      await r.refresh("cookie + header refresh tokens", both, { send: "both" });
    },
  },
  {
    name: "refresh: the same token twice before promotion ⇒ 200 both times",
    run: async (r) => {
      const c = await cookieClient(r);
      const old = c.clone();
      await r.refresh("refresh", c);
      await r.refresh("refresh with the same token again", old);
    },
  },
  {
    name: "refresh: no token / garbage / only an access cookie ⇒ 401 unauthorised, all cleared",
    run: async (r) => {
      const c = new Client("cookie");
      await r.refresh("no token", c);
      await r.refresh("sRefreshToken=asdf", c, { cookie: "sRefreshToken=asdf" });
      await r.refresh("Bearer asdf", c, { authorization: "Bearer asdf" });
      await r.refresh("empty sRefreshToken", c, { cookie: "sRefreshToken=" });
      const s = await cookieClient(r);
      await r.refresh("only sAccessToken", s, { cookie: `sAccessToken=${s.jar.get("sAccessToken")!.value}` });
      await r.refresh("expired sAccessToken only", c, { cookie: `sAccessToken=${expiredToken(r)}` });
    },
  },
  {
    name: "refresh: legacy sIdRefreshToken is cleared (success and failure)",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.refresh("valid refresh + sIdRefreshToken", c, { extraCookies: "sIdRefreshToken=legacy" });
      await r.refresh("only sIdRefreshToken", new Client("cookie"), { cookie: "sIdRefreshToken=legacy" });
      await r.refresh("garbage refresh + sIdRefreshToken", new Client("cookie"), {
        cookie: "sRefreshToken=asdf; sIdRefreshToken=legacy",
      });
    },
  },
  {
    name: "refresh: reused refresh token after promotion ⇒ 401 token theft detected, cleared, revoked in core (cookie)",
    run: async (r) => {
      const c = await cookieClient(r);
      const handle = c.handle();
      const stolen = c.clone();
      await r.refresh("refresh", c);
      await r.verify("verify (promotion)", c);
      await r.refresh("refresh with the old refresh token", stolen);
      r.fact("core", { sessionStillInCore: r.coreHas(c, handle) });
      await r.refresh("refresh with the current refresh token", c);
    },
  },
  {
    name: "refresh: reused refresh token after promotion ⇒ 401 token theft detected, cleared, revoked in core (header)",
    run: async (r) => {
      const c = await headerClient(r);
      const handle = c.handle();
      const stolen = c.clone();
      await r.refresh("refresh", c);
      await r.verify("verify (promotion)", c);
      await r.refresh("refresh with the old refresh token", stolen);
      r.fact("core", { sessionStillInCore: r.coreHas(c, handle) });
    },
  },
  {
    // The SDK throws a plain Error (its frameworks answer 500); both sides go through the same "framework" wrapper.
    name: "refresh: duplicate session cookies without olderCookieDomain ⇒ 500, even with the refresh token in the header",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.refresh("duplicate sRefreshToken", c.clone(), { extraCookies: "sRefreshToken=other" });
      await r.refresh("duplicate sAccessToken", c.clone(), { extraCookies: "sAccessToken=other" });
      const h = await headerClient(r);
      await r.refresh("Bearer refresh + duplicate cookies", h, { cookie: "sRefreshToken=a; sRefreshToken=b" });
    },
  },

  // ---------------------------------------------------------------- sign-out
  {
    name: "sign-out, cookie mode: 200 {status: OK}, cookies cleared, front-token remove",
    run: async (r) => {
      const c = await cookieClient(r);
      const handle = c.handle();
      await r.signOut("sign-out", c);
      r.fact("core", { sessionStillInCore: r.coreHas(c, handle) });
    },
  },
  {
    name: "sign-out, header mode: 200, empty header tokens",
    run: async (r) => {
      const c = await headerClient(r);
      const handle = c.handle();
      await r.signOut("sign-out", c);
      r.fact("core", { sessionStillInCore: r.coreHas(c, handle) });
    },
  },
  {
    name: "sign-out: without anti-csrf / rid (cookie), header mode without them",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.signOut("cookie sign-out without anti-csrf", c.clone(), { antiCsrf: false });
      await r.signOut("cookie sign-out without rid", c.clone(), { rid: null });
      const h = await headerClient(r);
      await r.signOut("header sign-out without anti-csrf, rid", h, { antiCsrf: false, rid: null });
    },
  },
  {
    name: "sign-out of a session already revoked in the core ⇒ still 200 + cleared",
    run: async (r) => {
      const c = await cookieClient(r);
      r.revokeInCore(c);
      await r.signOut("sign-out (cookie)", c);
      const h = await headerClient(r);
      r.revokeInCore(h);
      await r.signOut("sign-out (header)", h);
    },
  },
  {
    name: "sign-out without a session ⇒ 401 unauthorised, nothing cleared",
    run: async (r) => {
      await r.signOut("sign-out, no token", new Client("cookie"));
      await r.signOut("sign-out, garbage cookie", new Client("cookie"), { cookie: "sAccessToken=asdf" });
    },
  },
  {
    name: "sign-out with a refreshed token (core promotes, then the session is cleared), header mode",
    run: async (r) => {
      const c = await refreshedClient(r, "header");
      await r.signOut("sign-out (header)", c);
    },
  },
  {
    name: "sign-out with a refreshed token (core promotes, then the session is cleared), cookie mode",
    browserEffectiveCookies: true,
    run: async (r) => {
      const c = await refreshedClient(r, "cookie");
      await r.signOut("sign-out (cookie)", c);
    },
  },

  // ---------------------------------------------------------------- front-door hardening (above)
  ...frontDoorHardeningScenarios,
];

/** Cross-site website (SameSite=None ⇒ anti-CSRF VIA_CUSTOM_HEADER): what only the `rid` rules reach. */
export const crossSiteScenarios: Scenario[] = [
  {
    name: "cross-site: refresh without rid while a legacy sIdRefreshToken is present",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.refresh("refresh without rid + sIdRefreshToken", c, {
        rid: null,
        extraCookies: "sIdRefreshToken=legacy",
      });
    },
  },
  {
    name: "cross-site: the rid value is irrelevant, only its presence",
    run: async (r) => {
      const c = await cookieClient(r);
      await r.verify("POST with rid: whatever", c, { rid: "whatever" });
      await r.refresh("refresh with rid: anti-csrf", c, { rid: "anti-csrf" });
    },
  },
];

/** antiCsrf "VIA_TOKEN": what only the anti-csrf token rules reach. */
export const viaTokenScenarios: Scenario[] = [
  {
    name: "VIA_TOKEN: another session's anti-csrf token is rejected (verify, refresh, sign-out)",
    run: async (r) => {
      const a = await cookieClient(r, "create A");
      const b = await cookieClient(r, "create B");
      await r.verify("verify A with B's anti-csrf", a, { antiCsrf: b.antiCsrf! });
      await r.signOut("sign-out A with B's anti-csrf", a.clone(), { antiCsrf: b.antiCsrf! });
      await r.refresh("refresh A with B's anti-csrf", a, { antiCsrf: b.antiCsrf! });
    },
  },
  {
    name: "VIA_TOKEN: after refresh the old anti-csrf token no longer passes, the new one does",
    run: async (r) => {
      const c = await cookieClient(r);
      const old = c.antiCsrf!;
      await r.refresh("refresh", c);
      await r.verify("POST with the old anti-csrf", c, { antiCsrf: old });
      await r.verify("POST with the new anti-csrf (promotion, anti-csrf echoed)", c);
    },
  },
];

// ---------------------------------------------------------------- email verification (EmailVerificationClaim)
// Both sides: the claim `st-ev` goes into every new session (fetched from the core's GET /user/id +
// GET /recipe/user/email/verify) and `isVerified()` (refetch a false value after 10 s) is the global validator.
// Every run starts by writing the user into the emulator, so both engines see the same core state.

const EV_USER = "ev-user";
const EV_EMAIL = "ev-user@example.com";
const evUser = (r: Run, verified: boolean, userId = EV_USER) => r.user({ userId, email: EV_EMAIL, verified });
/** The client's `st-ev` entry, re-dated `ageMs` into the past (or removed with `undefined`). */
const evAged = (r: Run, c: Client, value: boolean | undefined, ageMs: number) =>
  r.patchAccessToken(c, { "st-ev": value === undefined ? undefined : { v: value, t: Date.now() - ageMs } });

async function evSignIn(r: Run, mode: "cookie" | "header", userId = EV_USER, label = `sign-in (${mode})`) {
  const c = new Client(mode);
  await r.create(label, c, { authMode: mode === "cookie" ? "cookie" : undefined, userId });
  return c;
}

export const emailVerificationScenarios: Scenario[] = [
  {
    name: "EV: verified user ⇒ st-ev true in the new session, claim OK (cookie, header)",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      await r.verify("POST", c);
      await r.verify("GET, optional session", c, { method: "GET" }, { sessionRequired: false });
      const h = await evSignIn(r, "header");
      await r.verify("POST (header)", h);
    },
  },
  {
    name: "EV: unverified user ⇒ 403 invalid claim (wrong value), also for an optional session; sign-out and refresh ignore it",
    run: async (r) => {
      evUser(r, false);
      const c = await evSignIn(r, "cookie");
      await r.verify("POST", c);
      await r.verify("GET, optional session", c, { method: "GET" }, { sessionRequired: false });
      await r.refresh("refresh", c);
      await r.verify("POST after refresh (promotion, claim still false)", c);
      const h = await evSignIn(r, "header");
      await r.verify("POST (header)", h);
      await r.signOut("sign-out (header)", h);
    },
  },
  {
    name: "EV: verified at the core after sign-in ⇒ the stored false stands within refetchTimeOnFalseInSeconds (10 s)",
    run: async (r) => {
      evUser(r, false);
      const c = await evSignIn(r, "cookie");
      evUser(r, true);
      await r.verify("POST (st-ev false, 0 s old)", c);
    },
  },
  {
    name: "EV: value missing from the token ⇒ refetched: unverified ⇒ 403 (no new token), verified ⇒ 200 + new token (cookie)",
    run: async (r) => {
      evUser(r, false);
      const c = await evSignIn(r, "cookie");
      evAged(r, c, undefined, 0);
      await r.verify("POST without st-ev, user unverified", c);
      r.fact("core payload after the failed refetch", {
        stEv: r.env.emu.sessions.get(c.handle())?.userDataInJWT["st-ev"] !== undefined,
      });
      await r.verify("POST again with the same token", c);
      evUser(r, true);
      await r.verify("POST without st-ev, user verified", c);
      await r.verify("POST with the new token", c);
    },
  },
  {
    name: "EV: value missing from the token, user verified ⇒ 200 + st-access-token and front-token (header)",
    run: async (r) => {
      evUser(r, true);
      const h = await evSignIn(r, "header");
      evAged(r, h, undefined, 0);
      await r.verify("POST without st-ev", h);
      await r.verify("GET with the new token", h, { method: "GET" });
    },
  },
  {
    name: "EV: stale false (11 s > refetchTimeOnFalseInSeconds 10) ⇒ refetched: 403 while unverified, 200 + new token once verified",
    run: async (r) => {
      evUser(r, false);
      const c = await evSignIn(r, "cookie");
      evAged(r, c, false, 11_000);
      await r.verify("POST, st-ev false 11 s old, unverified", c);
      evUser(r, true);
      await r.verify("POST, st-ev false 11 s old, verified", c);
      await r.verify("POST with the new token", c);
    },
  },
  {
    name: "EV: refetchTimeOnFalseInSeconds 3 on the route: a 5 s old false is refetched, with 10 it is not",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      evAged(r, c, false, 5_000);
      const stale = c.clone();
      await r.verify(
        "refetchTimeOnFalse 10: no refetch ⇒ 403",
        stale.clone(),
        {},
        { isVerified: { refetchTimeOnFalseInSeconds: 10 } },
      );
      await r.verify(
        "refetchTimeOnFalse 3: refetch ⇒ 200 + new token",
        stale.clone(),
        {},
        { isVerified: { refetchTimeOnFalseInSeconds: 3 } },
      );
      await r.verify(
        "refetchTimeOnFalse 0: refetch ⇒ 200 + new token (header-less GET)",
        stale,
        { method: "GET" },
        { isVerified: { refetchTimeOnFalseInSeconds: 0 } },
      );
    },
  },
  {
    name: "EV: maxAgeInSeconds 60: a true older than 60 s is refetched (200 + new token; 403 wrong value once unverified), a fresh one is not",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      const maxAge = { isVerified: { maxAgeInSeconds: 60 } };
      evAged(r, c, true, 120_000);
      const old = c.clone();
      await r.verify("st-ev true 120 s old, verified ⇒ refetch", old.clone(), {}, maxAge);
      evUser(r, false);
      await r.verify("st-ev true 120 s old, unverified ⇒ refetch ⇒ 403", old.clone(), {}, maxAge);
      evAged(r, c, true, 30_000);
      await r.verify("st-ev true 30 s old, unverified ⇒ no refetch ⇒ 200", c, {}, maxAge);
      await r.verify("st-ev true 30 s old, no maxAge (global validator) ⇒ 200", c);
    },
  },
  {
    name: "EV: maxAgeInSeconds also refetches a false value younger than refetchTimeOnFalseInSeconds",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "header");
      evAged(r, c, false, 2_000);
      await r.verify(
        "st-ev false 2 s old, maxAge 1 ⇒ refetch ⇒ 200",
        c,
        {},
        { isVerified: { refetchTimeOnFalseInSeconds: 10, maxAgeInSeconds: 1 } },
      );
    },
  },
  {
    name: "EV: a refreshed token with a stale value ⇒ the core promotes it and the refetched value is merged: one new token",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      await r.refresh("refresh", c);
      evAged(r, c, undefined, 0);
      await r.verify("POST (promotion + refetch)", c);
      await r.verify("POST with the new token", c);
      const h = await evSignIn(r, "header");
      await r.refresh("refresh (header)", h);
      evAged(r, h, false, 11_000);
      await r.verify("POST (header, promotion + refetch)", h);
    },
  },
  {
    name: "EV: the session was revoked in the core and the value is refetched ⇒ the merge fails: 401 unauthorised, cleared",
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      evAged(r, c, false, 11_000);
      r.revokeInCore(c);
      await r.verify("POST (refetch, regenerate ⇒ UNAUTHORISED)", c);
      const h = await evSignIn(r, "header");
      evAged(r, h, undefined, 0);
      r.revokeInCore(h);
      await r.verify("POST (header)", h);
    },
  },
  {
    name: "EV + a second global validator: both failures, in the validators' order",
    run: async (r) => {
      evUser(r, false);
      const c = new Client("cookie");
      await r.create("sign-in (blocked, unverified)", c, {
        authMode: "cookie",
        userId: EV_USER,
        payload: { blocked: true },
      });
      await r.verify("POST", c);
      evUser(r, true);
      evAged(r, c, false, 11_000);
      await r.verify("POST after verifying (refetch ⇒ only not-blocked fails; no new token)", c);
      await r.verify("POST, route validators replaced by isVerified only", c, {}, { isVerified: {} });
    },
  },
  {
    name: "EV: a user without an email (passwordless phone) counts as verified",
    run: async (r) => {
      r.user({ userId: "ev-phone", email: null });
      const c = await evSignIn(r, "cookie", "ev-phone");
      await r.verify("POST", c);
    },
  },
  {
    name: "EV: linked account ⇒ sub is the primary user, the claim follows the session's recipe user",
    run: async (r) => {
      r.user({ userId: "ev-primary", email: "primary@example.com", verified: true });
      r.user({ userId: "ev-linked", email: "linked@example.com", verified: false, primaryUserId: "ev-primary" });
      const c = await evSignIn(r, "cookie", "ev-linked");
      await r.verify("POST (primary verified, recipe user not)", c);
      r.user({ userId: "ev-linked", verified: true });
      evAged(r, c, false, 11_000);
      await r.verify("POST after verifying the recipe user (stale false ⇒ refetch)", c);
    },
  },
  {
    name: "EV: user deleted from the core after sign-in, value due for a refetch",
    run: async (r) => {
      evUser(r, false, "ev-gone");
      const c = await evSignIn(r, "cookie", "ev-gone");
      r.env.emu.removeUser("ev-gone");
      await r.verify("POST within refetchTimeOnFalse (no refetch) ⇒ 403", c);
      evAged(r, c, false, 11_000);
      await r.verify("POST with a stale false (refetch: GET /user/id ⇒ UNKNOWN_USER_ID_ERROR)", c);
    },
  },
  {
    name: "EV: core answers 500 while the value is refetched",
    deliberate: [
      {
        label: "POST with a stale false, core 500",
        sdk: {
          status: 500,
          body: {
            thrown:
              "Error: SuperTokens core threw an error for a GET request to path: '/user/id' with status code: 500 and message: Internal Error",
          },
        },
        ours: { status: 503, body: { message: "SuperTokens core unavailable", code: "ERR_CORE_HTTP" } },
        why: "core failures are 503 CORE_UNAVAILABLE, not the SDK's thrown error (README, DIVERGENCES 'checkDatabase while the core is down')",
      },
    ],
    run: async (r) => {
      evUser(r, true);
      const c = await evSignIn(r, "cookie");
      evAged(r, c, false, 11_000);
      r.env.emu.setFailure("500");
      try {
        await r.verify("POST with a stale false, core 500", c);
      } finally {
        r.env.emu.setFailure(null);
      }
    },
  },
  {
    name: "EV: signing in a user the core does not know ⇒ 500 UNKNOWN_USER_ID (the claim cannot be built)",
    run: async (r) => {
      r.env.emu.removeUser("ev-nobody");
      await r.create("sign-in of an unknown user", new Client("cookie"), { authMode: "cookie", userId: "ev-nobody" });
    },
  },
];

// Self-check for the core emulator: raw CDI calls, token formats, control API, then the real
// supertokens-node 24.0.3 SDK driven against it. Run: node_modules/.bin/node test/emulator/selfcheck.mjs
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { startCoreEmulator } from "./core.mjs";

const require = createRequire(import.meta.url);
const b64json = (seg) => JSON.parse(Buffer.from(seg, "base64url").toString("utf8"));
let step = 0;
const ok = (what) => console.log(`ok ${++step} - ${what}`);

const emu = await startCoreEmulator({ apiKey: "k3y" });
const H = { "cdi-version": "5.4", "api-key": "k3y", "content-type": "application/json; charset=utf-8", rid: "session" };
async function core(method, path, body, headers = H) {
  const res = await fetch(emu.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    text,
    json: res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : undefined,
  };
}

try {
  // ---------------------------------------------------------------- transport
  assert.deepEqual((await core("GET", "/apiversion")).json.versions.at(-1), "5.4");
  assert.equal((await core("GET", "/hello")).text, "Hello");
  assert.equal((await core("GET", "/apiversion", undefined, { "cdi-version": "5.4" })).status, 401);
  assert.equal(
    (await core("GET", "/apiversion", undefined, { ...H, "cdi-version": "9.9" })).text,
    "cdi-version 9.9 not supported",
  );
  assert.equal(
    (
      await core("POST", "/recipe/session/verify", undefined, H).then(() =>
        fetch(`${emu.url}/recipe/session/verify`, { method: "POST", headers: H, body: "{bad" }),
      )
    ).status,
    400,
  );
  assert.equal((await core("GET", "/nope/nothing/here")).status, 404);
  const jwksRes = await fetch(`${emu.url}/appid-x/public/.well-known/jwks.json`);
  assert.equal(jwksRes.headers.get("cache-control"), "max-age=60, must-revalidate");
  const jwks = await jwksRes.json();
  assert.equal(jwks.keys.length, 2);
  assert.match(jwks.keys[0].kid, /^d-\d+$/);
  assert.match(jwks.keys[1].kid, /^s-[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(jwks.keys[0]), ["kty", "kid", "n", "e", "alg", "use"]);
  ok("transport: apiversion, hello, api-key, cdi-version, bad json, 404, JWKS shape");

  // ---------------------------------------------------------------- create → verify → refresh → promote → theft → revoke
  const created = (
    await core("POST", "/public/recipe/session", {
      userId: "u1",
      userDataInJWT: { custom: "ü" },
      userDataInDatabase: {},
      useDynamicSigningKey: true,
      enableAntiCsrf: true,
    })
  ).json;
  assert.equal(created.status, "OK");
  const [h, p] = created.accessToken.token.split(".");
  assert.equal(
    Buffer.from(h, "base64url").toString(),
    `{"kid":"${jwks.keys[0].kid}","typ":"JWT","version":"5","alg":"RS256"}`,
  );
  const payload = b64json(p);
  assert.deepEqual(Object.keys(payload), [
    "iat",
    "exp",
    "sub",
    "tId",
    "rsub",
    "sessionHandle",
    "refreshTokenHash1",
    "parentRefreshTokenHash1",
    "antiCsrfToken",
    "custom",
  ]);
  assert.equal(payload.parentRefreshTokenHash1, null);
  assert.equal(payload.antiCsrfToken, created.antiCsrfToken);
  assert.equal(payload.refreshTokenHash1, crypto.createHash("sha256").update(created.refreshToken.token).digest("hex"));
  assert.equal(created.accessToken.expiry, payload.exp * 1000);
  assert.match(created.refreshToken.token, /^[A-Za-z0-9+/=]+\.[0-9a-f]{16}\.V2$/);
  assert.equal(
    (
      await core("POST", "/public/recipe/session", {
        userId: "u1",
        userDataInJWT: { sub: "x" },
        userDataInDatabase: {},
        useDynamicSigningKey: true,
        enableAntiCsrf: false,
      })
    ).text,
    "The user payload contains protected field",
  );
  ok("create: v5 header/payload order, hashes, protected field 400");

  const verifyBody = (accessToken, extra = {}) => ({
    accessToken,
    antiCsrfToken: created.antiCsrfToken,
    doAntiCsrfCheck: true,
    enableAntiCsrf: true,
    checkDatabase: false,
    ...extra,
  });
  let v = (await core("POST", "/recipe/session/verify", verifyBody(created.accessToken.token))).json;
  assert.equal(v.status, "OK");
  assert.equal(v.accessToken, undefined);
  assert.deepEqual(v.session.userDataInJWT, { custom: "ü" });
  v = (await core("POST", "/recipe/session/verify", verifyBody(created.accessToken.token, { antiCsrfToken: "wrong" })))
    .json;
  assert.equal(v.status, "TRY_REFRESH_TOKEN");
  ok("verify: OK without new token; anti-csrf mismatch → TRY_REFRESH_TOKEN");

  const refreshBody = (refreshToken, antiCsrfToken) => ({
    refreshToken,
    antiCsrfToken,
    enableAntiCsrf: true,
    useDynamicSigningKey: true,
  });
  const r1 = (
    await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))
  ).json;
  assert.equal(r1.status, "OK");
  const r1Payload = b64json(r1.accessToken.token.split(".")[1]);
  assert.equal(r1Payload.parentRefreshTokenHash1, payload.refreshTokenHash1);
  assert.equal(
    (await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, "bad"))).json.status,
    "UNAUTHORISED",
  );
  assert.equal(
    (await core("POST", "/recipe/session/refresh", refreshBody("garbage", undefined))).json.status,
    "UNAUTHORISED",
  );
  // Before promotion the old refresh token still works (concurrent tabs).
  const r1b = (
    await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))
  ).json;
  assert.equal(r1b.status, "OK");
  ok("refresh: parent hash set, anti-csrf mismatch/garbage → UNAUTHORISED, old token valid until promotion");

  v = (
    await core("POST", "/recipe/session/verify", verifyBody(r1.accessToken.token, { antiCsrfToken: r1.antiCsrfToken }))
  ).json;
  assert.equal(v.status, "OK");
  assert.ok(v.accessToken, "promotion returns a new access token");
  const promoted = b64json(v.accessToken.token.split(".")[1]);
  assert.equal(promoted.parentRefreshTokenHash1, null);
  assert.equal(promoted.refreshTokenHash1, r1Payload.refreshTokenHash1);
  const again = (
    await core("POST", "/recipe/session/verify", verifyBody(v.accessToken.token, { antiCsrfToken: r1.antiCsrfToken }))
  ).json;
  assert.equal(again.accessToken, undefined);
  ok("verify after refresh: promotion returns new token with null parent; next verify does not");

  const theft = (
    await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))
  ).json;
  assert.deepEqual(theft, {
    status: "TOKEN_THEFT_DETECTED",
    session: { handle: created.session.handle, userId: "u1", recipeUserId: "u1" },
  });
  assert.equal(
    (await core("POST", "/recipe/session/refresh", refreshBody(r1b.refreshToken.token, r1b.antiCsrfToken))).json.status,
    "TOKEN_THEFT_DETECTED",
  );
  const r2 = (await core("POST", "/recipe/session/refresh", refreshBody(r1.refreshToken.token, r1.antiCsrfToken))).json;
  assert.equal(r2.status, "OK", "theft does not revoke at CDI 5.4");
  ok("refresh with old token after promotion → TOKEN_THEFT_DETECTED (session kept)");

  const info = (await core("GET", `/recipe/session?sessionHandle=${encodeURIComponent(created.session.handle)}`)).json;
  assert.equal(info.status, "OK");
  assert.deepEqual(info.userDataInJWT, { custom: "ü" });
  const handles = (
    await core(
      "GET",
      "/public/recipe/session/user?userId=u1&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=false",
    )
  ).json;
  assert.deepEqual(handles.sessionHandles, [created.session.handle]);
  const regen = (
    await core("POST", "/recipe/session/regenerate", {
      accessToken: v.accessToken.token,
      userDataInJWT: { custom: "ü", a: 1, gone: null },
    })
  ).json;
  assert.deepEqual(regen.session.userDataInJWT, { custom: "ü", a: 1 });
  assert.equal(b64json(regen.accessToken.token.split(".")[1]).a, 1);
  ok("session info, handles for user, regenerate (nulls removed)");

  const removed = (await core("POST", "/recipe/session/remove", { sessionHandles: [created.session.handle, "nope"] }))
    .json;
  assert.deepEqual(removed, { status: "OK", sessionHandlesRevoked: [created.session.handle] });
  v = (
    await core(
      "POST",
      "/recipe/session/verify",
      verifyBody(v.accessToken.token, { antiCsrfToken: r1.antiCsrfToken, checkDatabase: true }),
    )
  ).json;
  assert.equal(v.status, "UNAUTHORISED");
  assert.equal(
    (await core("POST", "/recipe/session/refresh", refreshBody(r2.refreshToken.token, r2.antiCsrfToken))).json.status,
    "UNAUTHORISED",
  );
  assert.equal(
    (await core("GET", `/recipe/session?sessionHandle=${created.session.handle}`)).json.message,
    "Session does not exist.",
  );
  ok("revoke: checkDatabase verify → UNAUTHORISED, refresh → UNAUTHORISED");

  // ---------------------------------------------------------------- tenants, user revoke
  const t1 = emu.createSession({ userId: "u2", tenantId: "tenant1", payload: { x: 1 } });
  assert.match(t1.session.handle, /_tenant1$/);
  const t1b = (
    await core("POST", "/appid-a1/tenant1/recipe/session", {
      userId: "u2",
      userDataInJWT: {},
      userDataInDatabase: {},
      useDynamicSigningKey: false,
      enableAntiCsrf: false,
    })
  ).json;
  assert.equal(t1b.antiCsrfToken, undefined, "null top-level fields are omitted");
  assert.match(JSON.parse(Buffer.from(t1b.accessToken.token.split(".")[0], "base64url")).kid, /^s-/);
  assert.equal(b64json(t1b.accessToken.token.split(".")[1]).tId, "tenant1");
  assert.deepEqual(
    (
      await core("POST", "/public/recipe/session/remove", {
        userId: "u2",
        revokeAcrossAllTenants: false,
        revokeSessionsForLinkedAccounts: true,
      })
    ).json.sessionHandlesRevoked,
    [],
  );
  assert.equal(
    (
      await core("POST", "/tenant1/recipe/session/remove", {
        userId: "u2",
        revokeAcrossAllTenants: false,
        revokeSessionsForLinkedAccounts: true,
      })
    ).json.sessionHandlesRevoked.length,
    2,
  );
  assert.ok(emu.stats.counts["POST /recipe/session"] >= 3);
  ok("tenants: handle suffix, static key, tenant-scoped revoke, stats keys without prefixes");

  // ---------------------------------------------------------------- minted tokens
  const verifyRaw = async (accessToken) =>
    (
      await core("POST", "/recipe/session/verify", {
        accessToken,
        doAntiCsrfCheck: false,
        enableAntiCsrf: false,
        checkDatabase: false,
      })
    ).json;
  assert.equal((await verifyRaw(emu.mintAccessToken())).status, "OK");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "static" }))).status, "OK");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "orphan" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal(
    (await verifyRaw(emu.mintAccessToken({ exp: Math.floor(Date.now() / 1000) - 1 }))).status,
    "TRY_REFRESH_TOKEN",
  );
  assert.equal((await verifyRaw(emu.mintAccessToken({ signature: "garbage" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "d-1", key: "dynamic" }))).status, "TRY_REFRESH_TOKEN");
  const v4 = emu.mintAccessToken({ version: 4 });
  assert.deepEqual(Object.keys(b64json(v4.split(".")[1])).sort(), [
    "antiCsrfToken",
    "exp",
    "iat",
    "parentRefreshTokenHash1",
    "refreshTokenHash1",
    "sessionHandle",
    "sub",
    "tId",
  ]);
  assert.equal((await verifyRaw(v4)).status, "OK");
  assert.equal(
    (await verifyRaw(emu.mintAccessToken({ version: 3, omit: ["antiCsrfToken"] }))).status,
    "TRY_REFRESH_TOKEN",
  );
  let v2 = "";
  for (let i = 0; i < 20 && !/[+/]/.test(v2); i++) v2 = emu.mintAccessToken({ version: 2, payload: { role: "x" } });
  const [v2h, v2p, v2s] = v2.split(".");
  assert.equal(v2h, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=");
  assert.match(v2, /[+/]/);
  assert.ok(v2s.endsWith("=") || v2s.length % 4 === 0);
  assert.deepEqual(Object.keys(JSON.parse(Buffer.from(v2p, "base64").toString())), [
    "userId",
    "expiryTime",
    "timeCreated",
    "sessionHandle",
    "refreshTokenHash1",
    "userData",
  ]);
  const v2res = await verifyRaw(v2);
  assert.equal(v2res.status, "OK");
  assert.deepEqual(v2res.session.userDataInJWT, { role: "x" });
  assert.equal((await verifyRaw(emu.mintAccessToken({ version: 2, key: "orphan" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ version: 2, key: "static" }))).status, "OK");
  // A live session's handle + parent hash = promotion path for minted tokens too.
  const live = emu.createSession({ userId: "u3" });
  const minted = emu.mintAccessToken({
    sessionHandle: live.session.handle,
    sub: "u3",
    refreshTokenHash1: b64json(live.accessToken.token.split(".")[1]).refreshTokenHash1,
  });
  assert.equal(
    (
      await core("POST", "/recipe/session/verify", {
        accessToken: minted,
        doAntiCsrfCheck: false,
        enableAntiCsrf: false,
        checkDatabase: true,
      })
    ).json.status,
    "OK",
  );
  ok("mintAccessToken: v2/v3/v4/v5, static/orphan/literal kid, expired, garbage signature, omit");

  // ---------------------------------------------------------------- control API + failure modes
  const emu2 = (path, body) =>
    fetch(`${emu.url}/__emu/${path}`, {
      method: body === undefined ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());
  const oldKid = jwks.keys[0].kid;
  const { kid } = await emu2("rotate", {});
  const jwks2 = await (await fetch(`${emu.url}/.well-known/jwks.json`)).json();
  assert.deepEqual(jwks2.keys.map((k) => k.kid).slice(0, 2), [kid, oldKid]);
  const afterRotate = (await emu2("session", { userId: "u4", antiCsrf: true })).accessToken.token;
  assert.equal(JSON.parse(Buffer.from(afterRotate.split(".")[0], "base64url")).kid, kid);
  const { token } = await emu2("mint", { version: 5, sub: "minted" });
  assert.equal((await verifyRaw(token)).status, "OK");
  await emu2("reset-stats", {});
  await fetch(`${emu.url}/.well-known/jwks.json`);
  assert.deepEqual((await emu2("stats")).counts, { "GET /.well-known/jwks.json": 1 });

  await emu2("failure", { mode: "down" });
  await assert.rejects(fetch(`${emu.url}/.well-known/jwks.json`));
  await emu2("failure", { mode: "500" });
  assert.equal((await fetch(`${emu.url}/hello`)).status, 500);
  await emu2("failure", { mode: "garbage-jwks" });
  assert.equal(await (await fetch(`${emu.url}/.well-known/jwks.json`)).text(), "not json");
  await emu2("failure", { mode: "empty-jwks" });
  assert.deepEqual(await (await fetch(`${emu.url}/.well-known/jwks.json`)).json(), { keys: [] });
  await emu2("failure", { mode: "html" });
  assert.equal(await (await fetch(`${emu.url}/.well-known/jwks.json`)).text(), "<html>");
  await emu2("failure", { mode: "slow", delayMs: 300 });
  const t0 = Date.now();
  await fetch(`${emu.url}/.well-known/jwks.json`);
  assert.ok(Date.now() - t0 >= 290);
  await emu2("reset", {});
  assert.equal(emu.sessions.size, 0);
  assert.equal((await fetch(`${emu.url}/.well-known/jwks.json`)).status, 200);
  ok("/__emu: rotate, session, mint, stats, failure modes (down/500/garbage/empty/html/slow), reset");

  // ---------------------------------------------------------------- users + email verification (raw CDI)
  assert.deepEqual((await core("GET", "/user/id?userId=nobody")).json, { status: "UNKNOWN_USER_ID_ERROR" });
  const noParam = await core("GET", "/user/id");
  assert.deepEqual([noParam.status, noParam.text], [400, "Field name 'userId' is missing in GET request"]);
  assert.equal(
    (await core("GET", "/recipe/user/email/verify?userId=nobody")).text,
    "Field name 'email' is missing in GET request",
  );
  assert.deepEqual((await core("GET", "/recipe/user/email/verify?userId=nobody&email=a%40b.c")).json, {
    status: "OK",
    isVerified: false,
  });
  const made = await emu2("user", { userId: "raw1", email: "raw1@example.com", timeJoined: 1000 });
  assert.deepEqual(made.user, {
    id: "raw1",
    isPrimaryUser: false,
    tenantIds: ["public"],
    timeJoined: 1000,
    emails: ["raw1@example.com"],
    phoneNumbers: [],
    thirdParty: [],
    webauthn: { credentialIds: [] },
    loginMethods: [
      {
        tenantIds: ["public"],
        recipeUserId: "raw1",
        verified: false,
        timeJoined: 1000,
        recipeId: "emailpassword",
        email: "raw1@example.com",
      },
    ],
  });
  assert.deepEqual((await core("GET", "/appid-x/user/id?userId=raw1")).json, { status: "OK", user: made.user });
  await emu2("user", { userId: "raw1", verified: true });
  assert.equal(
    (await core("GET", "/recipe/user/email/verify?userId=raw1&email=raw1%40example.com")).json.isVerified,
    true,
  );
  assert.equal((await core("GET", "/user/id?userId=raw1")).json.user.loginMethods[0].verified, true);
  // Verification belongs to the (user, email) pair: a new email is unverified, the old pair stays verified.
  await emu2("user", { userId: "raw1", email: "new@example.com" });
  assert.equal((await core("GET", "/user/id?userId=raw1")).json.user.loginMethods[0].verified, false);
  assert.equal(
    (await core("GET", "/recipe/user/email/verify?userId=raw1&email=raw1%40example.com")).json.isVerified,
    true,
  );
  const evt = (
    await core("POST", "/public/recipe/user/email/verify/token", { userId: "raw1", email: "new@example.com" })
  ).json;
  assert.equal(evt.status, "OK");
  assert.equal(
    (await core("POST", "/tenant1/recipe/user/email/verify", { method: "token", token: evt.token })).json.status,
    "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
  );
  assert.deepEqual(
    (await core("POST", "/public/recipe/user/email/verify", { method: "token", token: evt.token })).json,
    { status: "OK", userId: "raw1", email: "new@example.com" },
  );
  assert.equal(
    (await core("POST", "/public/recipe/user/email/verify", { method: "token", token: evt.token })).json.status,
    "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
  );
  assert.equal(
    (await core("POST", "/public/recipe/user/email/verify/token", { userId: "raw1", email: "new@example.com" })).json
      .status,
    "EMAIL_ALREADY_VERIFIED_ERROR",
  );
  assert.deepEqual(
    (await core("POST", "/recipe/user/email/verify/remove", { userId: "raw1", email: "new@example.com" })).json,
    { status: "OK" },
  );
  assert.equal(
    (await core("GET", "/recipe/user/email/verify?userId=raw1&email=new%40example.com")).json.isVerified,
    false,
  );
  // Linking: GET /user/id of either id answers the primary user; a session for the linked recipe user gets sub = primary.
  await emu2("user", {
    userId: "raw2",
    email: "raw2@example.com",
    verified: true,
    primaryUserId: "raw1",
    timeJoined: 500,
  });
  const linked = (await core("GET", "/user/id?userId=raw2")).json.user;
  assert.deepEqual([linked.id, linked.isPrimaryUser, linked.timeJoined], ["raw1", true, 500]);
  assert.deepEqual(
    linked.loginMethods.map((m) => [m.recipeUserId, m.verified]),
    [
      ["raw2", true],
      ["raw1", false],
    ],
  );
  assert.deepEqual((await core("GET", "/user/id?userId=raw1")).json.user, linked);
  const linkedSession = (
    await core("POST", "/public/recipe/session", {
      userId: "raw2",
      userDataInJWT: {},
      userDataInDatabase: {},
      useDynamicSigningKey: true,
      enableAntiCsrf: false,
    })
  ).json;
  assert.deepEqual([linkedSession.session.userId, linkedSession.session.recipeUserId], ["raw1", "raw2"]);
  assert.deepEqual(
    [
      b64json(linkedSession.accessToken.token.split(".")[1]).sub,
      b64json(linkedSession.accessToken.token.split(".")[1]).rsub,
    ],
    ["raw1", "raw2"],
  );
  const phone = (await emu2("user", { userId: "raw3" })).user;
  assert.deepEqual(
    [phone.emails, phone.loginMethods[0].recipeId, phone.loginMethods[0].email],
    [[], "passwordless", undefined],
  );
  assert.equal(
    (await fetch(`${emu.url}/__emu/user`, { method: "POST", body: JSON.stringify({ email: "x@y.z" }) })).status,
    400,
  );
  assert.deepEqual(await emu2("user/remove", { userId: "raw2" }), { status: "OK", didExist: true });
  assert.equal(
    (await core("GET", "/recipe/user/email/verify?userId=raw2&email=raw2%40example.com")).json.isVerified,
    false,
  );
  await emu2("reset", {});
  assert.deepEqual((await core("GET", "/user/id?userId=raw1")).json, { status: "UNKNOWN_USER_ID_ERROR" });
  ok(
    "users: GET /user/id (core shape, linking), GET /recipe/user/email/verify per (user, email), token verify, unverify, /__emu/user",
  );

  // ---------------------------------------------------------------- the real supertokens-node SDK
  const supertokens = require("supertokens-node");
  const Session = require("supertokens-node/recipe/session");
  const EmailVerification = require("supertokens-node/recipe/emailverification");
  const { EmailVerificationClaim } = EmailVerification;
  supertokens.init({
    supertokens: { connectionURI: emu.url, apiKey: "k3y" },
    appInfo: { appName: "t", apiDomain: "http://api.test", websiteDomain: "http://web.test" },
    // OPTIONAL: the claim goes into every new session (so its users must exist), but no global validator.
    recipeList: [Session.init(), EmailVerification.init({ mode: "OPTIONAL" })],
  });
  for (const userId of ["user1", "user2"]) emu.upsertUser({ userId });
  await emu2("reset-stats", {});
  const s = await Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId("user1"), {
    custom: "ü",
  });
  const tokens = s.getAllSessionTokensDangerously();
  assert.equal(s.getAccessTokenPayload().custom, "ü");
  assert.equal(s.getAccessTokenPayload().iss, "http://api.test/auth");
  const s1 = await Session.getSessionWithoutRequestResponse(tokens.accessToken, tokens.antiCsrfToken);
  assert.equal(s1.getUserId(), "user1");
  assert.equal(s1.getAllSessionTokensDangerously().accessAndFrontTokenUpdated, false);
  const refreshed = await Session.refreshSessionWithoutRequestResponse(
    tokens.refreshToken,
    undefined,
    tokens.antiCsrfToken,
  );
  const rt = refreshed.getAllSessionTokensDangerously();
  const s2 = await Session.getSessionWithoutRequestResponse(rt.accessToken, rt.antiCsrfToken);
  const s2t = s2.getAllSessionTokensDangerously();
  assert.equal(s2t.accessAndFrontTokenUpdated, true, "first verify after refresh gets a new token from core");
  assert.notEqual(s2t.accessToken, rt.accessToken);
  assert.equal(s2.getAccessTokenPayload().parentRefreshTokenHash1, null);
  const s3 = await Session.getSessionWithoutRequestResponse(s2t.accessToken, rt.antiCsrfToken);
  assert.equal(s3.getAllSessionTokensDangerously().accessAndFrontTokenUpdated, false);
  await assert.rejects(
    Session.refreshSessionWithoutRequestResponse(tokens.refreshToken, undefined, tokens.antiCsrfToken),
    (e) => e.type === "TOKEN_THEFT_DETECTED",
  );
  await s2.mergeIntoAccessTokenPayload({ extra: 42 });
  assert.equal(s2.getAccessTokenPayload().extra, 42);
  assert.equal((await Session.getSessionInformation(s.getHandle())).customClaimsInAccessTokenPayload.extra, 42);
  assert.deepEqual(await Session.getAllSessionHandlesForUser("user1"), [s.getHandle()]);
  assert.equal(await Session.revokeSession(s.getHandle()), true);
  await assert.rejects(
    Session.getSessionWithoutRequestResponse(s2t.accessToken, undefined, { checkDatabase: true }),
    (e) => e.type === "UNAUTHORISED",
  );
  // Without checkDatabase the (stateless) token still verifies locally.
  await Session.getSessionWithoutRequestResponse(s2t.accessToken, undefined);
  console.log("supertokens-node core calls:", JSON.stringify(emu.stats.counts));
  assert.equal(emu.stats.counts["GET /.well-known/jwks.json"], 1);

  // Legacy v2 token (standard base64, no kid) verifies locally in the SDK via the multi-key JWKS.
  const verifiesBefore = emu.stats.counts["POST /recipe/session/verify"];
  const legacy = await Session.getSessionWithoutRequestResponse(
    emu.mintAccessToken({ version: 2, sub: "old", payload: { r: 1 } }),
    undefined,
  );
  assert.equal(legacy.getUserId(), "old");
  assert.deepEqual(legacy.getAccessTokenPayload(), { r: 1 });
  assert.equal(emu.stats.counts["POST /recipe/session/verify"], verifiesBefore, "v2 verified locally, no core call");
  // Orphan-signed and static-signed tokens are rejected by the (dynamic-key) SDK with TRY_REFRESH.
  for (const kid of ["orphan", "static"]) {
    await assert.rejects(
      Session.getSessionWithoutRequestResponse(emu.mintAccessToken({ kid }), undefined),
      (e) => e.type === "TRY_REFRESH_TOKEN",
    );
  }
  // After a rotation, new sessions carry the new kid; the SDK refetches the JWKS (cooldown 500 ms) and accepts them.
  await new Promise((r) => setTimeout(r, 600));
  const newKid = emu.rotateDynamicKey();
  const rotated = await Session.createNewSessionWithoutRequestResponse(
    "public",
    supertokens.convertToRecipeUserId("user2"),
    {},
  );
  assert.equal(JSON.parse(Buffer.from(rotated.getAccessToken().split(".")[0], "base64url")).kid, newKid);
  const jwksBefore = emu.stats.counts["GET /.well-known/jwks.json"];
  await Session.getSessionWithoutRequestResponse(rotated.getAccessToken(), undefined);
  assert.equal(emu.stats.counts["GET /.well-known/jwks.json"], jwksBefore + 1);
  assert.ok(
    emu.stats.requests
      .filter((r) => r.key !== "GET /.well-known/jwks.json" && r.key !== "GET /apiversion")
      .every((r) => r.headers["cdi-version"] === "5.4"),
  );
  ok("supertokens-node 24.0.3: create, verify, refresh, promotion, theft, merge, revoke, checkDatabase UNAUTHORISED");

  // ---------------------------------------------------------------- supertokens-node EmailVerification
  const rid = (id) => supertokens.convertToRecipeUserId(id);
  const fetchClaim = (userId, recipeUserId) =>
    EmailVerificationClaim.fetchValue(userId, rid(recipeUserId), "public", {}, {});
  emu.upsertUser({ userId: "ev1", email: "ev1@example.com" });
  const ev1 = await supertokens.getUser("ev1");
  assert.deepEqual(ev1.toJson(), {
    ...emu.getUser("ev1"),
    loginMethods: emu
      .getUser("ev1")
      .loginMethods.map((m) => ({ phoneNumber: undefined, thirdParty: undefined, webauthn: undefined, ...m })),
  });
  assert.equal(ev1.loginMethods[0].recipeUserId.getAsString(), "ev1");
  assert.equal(await EmailVerification.isEmailVerified(rid("ev1")), false);
  assert.equal(await fetchClaim("ev1", "ev1"), false);
  await emu2("user", { userId: "ev1", verified: true });
  assert.equal(await EmailVerification.isEmailVerified(rid("ev1")), true);
  assert.equal(await EmailVerification.isEmailVerified(rid("ev1"), "other@example.com"), false);
  assert.equal(await fetchClaim("ev1", "ev1"), true);
  assert.deepEqual(await EmailVerification.unverifyEmail(rid("ev1")), { status: "OK" });
  assert.equal(await fetchClaim("ev1", "ev1"), false);
  // The SDK's own token flow against the emulator.
  const evToken = await EmailVerification.createEmailVerificationToken("public", rid("ev1"));
  assert.equal(evToken.status, "OK");
  const verified = await EmailVerification.verifyEmailUsingToken("public", evToken.token, false);
  assert.deepEqual(
    [verified.status, verified.user.recipeUserId.getAsString(), verified.user.email],
    ["OK", "ev1", "ev1@example.com"],
  );
  assert.equal(await EmailVerification.isEmailVerified(rid("ev1")), true);
  assert.deepEqual(await EmailVerification.createEmailVerificationToken("public", rid("ev1")), {
    status: "EMAIL_ALREADY_VERIFIED_ERROR",
  });
  // No email ⇒ counted as verified; unknown user ⇒ the SDK's errors.
  emu.upsertUser({ userId: "ev-phone" });
  assert.equal(await EmailVerification.isEmailVerified(rid("ev-phone")), true);
  assert.equal(await fetchClaim("ev-phone", "ev-phone"), true);
  await assert.rejects(EmailVerification.isEmailVerified(rid("ev-nobody")), /Unknown User ID provided without email/);
  await assert.rejects(fetchClaim("ev-nobody", "ev-nobody"), /UNKNOWN_USER_ID/);
  await assert.rejects(Session.createNewSessionWithoutRequestResponse("public", rid("ev-nobody")), /UNKNOWN_USER_ID/);
  // Linked: the claim reads the session's recipe user's login method out of the primary user.
  emu.upsertUser({ userId: "ev2", email: "ev2@example.com", primaryUserId: "ev1" });
  assert.equal((await supertokens.getUser("ev2")).id, "ev1");
  assert.equal(await fetchClaim("ev1", "ev2"), false);
  const linkedSdk = await Session.createNewSessionWithoutRequestResponse("public", rid("ev2"));
  assert.deepEqual([linkedSdk.getUserId(), linkedSdk.getRecipeUserId().getAsString()], ["ev1", "ev2"]);
  assert.equal(linkedSdk.getAccessTokenPayload()["st-ev"].v, false);
  assert.equal(typeof linkedSdk.getAccessTokenPayload()["st-ev"].t, "number");
  // Validators: a false value is refetched after refetchTimeOnFalseInSeconds, the new value merged through the core.
  const evValidators = (refetchOnFalse, maxAge) => () => [
    EmailVerificationClaim.validators.isVerified(refetchOnFalse, maxAge),
  ];
  let claimCheck = await Session.validateClaimsForSessionHandle(linkedSdk.getHandle(), evValidators(10));
  assert.deepEqual(claimCheck, {
    status: "OK",
    invalidClaims: [{ id: "st-ev", reason: { message: "wrong value", expectedValue: true, actualValue: false } }],
  });
  emu.setEmailVerified("ev2", "ev2@example.com");
  claimCheck = await Session.validateClaimsForSessionHandle(linkedSdk.getHandle(), evValidators(10));
  assert.equal(claimCheck.invalidClaims.length, 1, "within refetchTimeOnFalseInSeconds the stored false stands");
  const userReadsBefore = emu.stats.counts["GET /user/id"];
  await new Promise((r) => setTimeout(r, 5));
  claimCheck = await Session.validateClaimsForSessionHandle(linkedSdk.getHandle(), evValidators(0));
  assert.deepEqual(claimCheck, { status: "OK", invalidClaims: [] });
  assert.equal(emu.stats.counts["GET /user/id"], userReadsBefore + 1);
  assert.equal(
    (await Session.getSessionInformation(linkedSdk.getHandle())).customClaimsInAccessTokenPayload["st-ev"].v,
    true,
  );
  // getSession with a per-call validator: the stale token's value is refetched and passes.
  const sdkVerified = await Session.getSessionWithoutRequestResponse(linkedSdk.getAccessToken(), undefined, {
    overrideGlobalClaimValidators: evValidators(0),
  });
  assert.equal(sdkVerified.getAccessTokenPayload()["st-ev"].v, true);
  assert.equal(sdkVerified.getAllSessionTokensDangerously().accessAndFrontTokenUpdated, true);
  const evRequests = emu.stats.requests.filter(
    (r) => r.key === "GET /user/id" || r.key === "GET /recipe/user/email/verify",
  );
  assert.ok(evRequests.some((r) => r.url === "/recipe/user/email/verify?userId=ev2&email=ev2%40example.com"));
  assert.ok(evRequests.every((r) => r.headers["cdi-version"] === "5.4" && r.headers["api-key"] === "k3y"));
  ok(
    "supertokens-node EmailVerification (OPTIONAL): getUser, isEmailVerified, token flow, unverify, claim fetchValue, linked users, validators",
  );
} finally {
  await emu.close();
}
console.log(`selfcheck passed (${step} groups)`);

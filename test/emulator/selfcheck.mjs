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
  const res = await fetch(emu.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text, json: res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : undefined };
}

try {
  // ---------------------------------------------------------------- transport
  assert.deepEqual((await core("GET", "/apiversion")).json.versions.at(-1), "5.4");
  assert.equal((await core("GET", "/hello")).text, "Hello");
  assert.equal((await core("GET", "/apiversion", undefined, { "cdi-version": "5.4" })).status, 401);
  assert.equal((await core("GET", "/apiversion", undefined, { ...H, "cdi-version": "9.9" })).text, "cdi-version 9.9 not supported");
  assert.equal((await core("POST", "/recipe/session/verify", undefined, H).then(() => fetch(emu.url + "/recipe/session/verify", { method: "POST", headers: H, body: "{bad" }))).status, 400);
  assert.equal((await core("GET", "/nope/nothing/here")).status, 404);
  const jwksRes = await fetch(emu.url + "/appid-x/public/.well-known/jwks.json");
  assert.equal(jwksRes.headers.get("cache-control"), "max-age=60, must-revalidate");
  const jwks = await jwksRes.json();
  assert.equal(jwks.keys.length, 2);
  assert.match(jwks.keys[0].kid, /^d-\d+$/);
  assert.match(jwks.keys[1].kid, /^s-[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(jwks.keys[0]), ["kty", "kid", "n", "e", "alg", "use"]);
  ok("transport: apiversion, hello, api-key, cdi-version, bad json, 404, JWKS shape");

  // ---------------------------------------------------------------- create → verify → refresh → promote → theft → revoke
  const created = (await core("POST", "/public/recipe/session", {
    userId: "u1", userDataInJWT: { custom: "ü" }, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: true,
  })).json;
  assert.equal(created.status, "OK");
  const [h, p] = created.accessToken.token.split(".");
  assert.equal(Buffer.from(h, "base64url").toString(), `{"kid":"${jwks.keys[0].kid}","typ":"JWT","version":"5","alg":"RS256"}`);
  const payload = b64json(p);
  assert.deepEqual(Object.keys(payload), ["iat", "exp", "sub", "tId", "rsub", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken", "custom"]);
  assert.equal(payload.parentRefreshTokenHash1, null);
  assert.equal(payload.antiCsrfToken, created.antiCsrfToken);
  assert.equal(payload.refreshTokenHash1, crypto.createHash("sha256").update(created.refreshToken.token).digest("hex"));
  assert.equal(created.accessToken.expiry, payload.exp * 1000);
  assert.match(created.refreshToken.token, /^[A-Za-z0-9+/=]+\.[0-9a-f]{16}\.V2$/);
  assert.equal((await core("POST", "/public/recipe/session", {
    userId: "u1", userDataInJWT: { sub: "x" }, userDataInDatabase: {}, useDynamicSigningKey: true, enableAntiCsrf: false,
  })).text, "The user payload contains protected field");
  ok("create: v5 header/payload order, hashes, protected field 400");

  const verifyBody = (accessToken, extra = {}) => ({ accessToken, antiCsrfToken: created.antiCsrfToken, doAntiCsrfCheck: true, enableAntiCsrf: true, checkDatabase: false, ...extra });
  let v = (await core("POST", "/recipe/session/verify", verifyBody(created.accessToken.token))).json;
  assert.equal(v.status, "OK");
  assert.equal(v.accessToken, undefined);
  assert.deepEqual(v.session.userDataInJWT, { custom: "ü" });
  v = (await core("POST", "/recipe/session/verify", verifyBody(created.accessToken.token, { antiCsrfToken: "wrong" }))).json;
  assert.equal(v.status, "TRY_REFRESH_TOKEN");
  ok("verify: OK without new token; anti-csrf mismatch → TRY_REFRESH_TOKEN");

  const refreshBody = (refreshToken, antiCsrfToken) => ({ refreshToken, antiCsrfToken, enableAntiCsrf: true, useDynamicSigningKey: true });
  const r1 = (await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))).json;
  assert.equal(r1.status, "OK");
  const r1Payload = b64json(r1.accessToken.token.split(".")[1]);
  assert.equal(r1Payload.parentRefreshTokenHash1, payload.refreshTokenHash1);
  assert.equal((await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, "bad"))).json.status, "UNAUTHORISED");
  assert.equal((await core("POST", "/recipe/session/refresh", refreshBody("garbage", undefined))).json.status, "UNAUTHORISED");
  // Before promotion the old refresh token still works (concurrent tabs).
  const r1b = (await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))).json;
  assert.equal(r1b.status, "OK");
  ok("refresh: parent hash set, anti-csrf mismatch/garbage → UNAUTHORISED, old token valid until promotion");

  v = (await core("POST", "/recipe/session/verify", verifyBody(r1.accessToken.token, { antiCsrfToken: r1.antiCsrfToken }))).json;
  assert.equal(v.status, "OK");
  assert.ok(v.accessToken, "promotion returns a new access token");
  const promoted = b64json(v.accessToken.token.split(".")[1]);
  assert.equal(promoted.parentRefreshTokenHash1, null);
  assert.equal(promoted.refreshTokenHash1, r1Payload.refreshTokenHash1);
  const again = (await core("POST", "/recipe/session/verify", verifyBody(v.accessToken.token, { antiCsrfToken: r1.antiCsrfToken }))).json;
  assert.equal(again.accessToken, undefined);
  ok("verify after refresh: promotion returns new token with null parent; next verify does not");

  const theft = (await core("POST", "/recipe/session/refresh", refreshBody(created.refreshToken.token, created.antiCsrfToken))).json;
  assert.deepEqual(theft, { status: "TOKEN_THEFT_DETECTED", session: { handle: created.session.handle, userId: "u1", recipeUserId: "u1" } });
  assert.equal((await core("POST", "/recipe/session/refresh", refreshBody(r1b.refreshToken.token, r1b.antiCsrfToken))).json.status, "TOKEN_THEFT_DETECTED");
  const r2 = (await core("POST", "/recipe/session/refresh", refreshBody(r1.refreshToken.token, r1.antiCsrfToken))).json;
  assert.equal(r2.status, "OK", "theft does not revoke at CDI 5.4");
  ok("refresh with old token after promotion → TOKEN_THEFT_DETECTED (session kept)");

  const info = (await core("GET", `/recipe/session?sessionHandle=${encodeURIComponent(created.session.handle)}`)).json;
  assert.equal(info.status, "OK");
  assert.deepEqual(info.userDataInJWT, { custom: "ü" });
  const handles = (await core("GET", "/public/recipe/session/user?userId=u1&fetchSessionsForAllLinkedAccounts=true&fetchAcrossAllTenants=false")).json;
  assert.deepEqual(handles.sessionHandles, [created.session.handle]);
  const regen = (await core("POST", "/recipe/session/regenerate", { accessToken: v.accessToken.token, userDataInJWT: { custom: "ü", a: 1, gone: null } })).json;
  assert.deepEqual(regen.session.userDataInJWT, { custom: "ü", a: 1 });
  assert.equal(b64json(regen.accessToken.token.split(".")[1]).a, 1);
  ok("session info, handles for user, regenerate (nulls removed)");

  const removed = (await core("POST", "/recipe/session/remove", { sessionHandles: [created.session.handle, "nope"] })).json;
  assert.deepEqual(removed, { status: "OK", sessionHandlesRevoked: [created.session.handle] });
  v = (await core("POST", "/recipe/session/verify", verifyBody(v.accessToken.token, { antiCsrfToken: r1.antiCsrfToken, checkDatabase: true }))).json;
  assert.equal(v.status, "UNAUTHORISED");
  assert.equal((await core("POST", "/recipe/session/refresh", refreshBody(r2.refreshToken.token, r2.antiCsrfToken))).json.status, "UNAUTHORISED");
  assert.equal((await core("GET", `/recipe/session?sessionHandle=${created.session.handle}`)).json.message, "Session does not exist.");
  ok("revoke: checkDatabase verify → UNAUTHORISED, refresh → UNAUTHORISED");

  // ---------------------------------------------------------------- tenants, user revoke
  const t1 = emu.createSession({ userId: "u2", tenantId: "tenant1", payload: { x: 1 } });
  assert.match(t1.session.handle, /_tenant1$/);
  const t1b = (await core("POST", "/appid-a1/tenant1/recipe/session", { userId: "u2", userDataInJWT: {}, userDataInDatabase: {}, useDynamicSigningKey: false, enableAntiCsrf: false })).json;
  assert.equal(t1b.antiCsrfToken, undefined, "null top-level fields are omitted");
  assert.match(JSON.parse(Buffer.from(t1b.accessToken.token.split(".")[0], "base64url")).kid, /^s-/);
  assert.equal(b64json(t1b.accessToken.token.split(".")[1]).tId, "tenant1");
  assert.deepEqual((await core("POST", "/public/recipe/session/remove", { userId: "u2", revokeAcrossAllTenants: false, revokeSessionsForLinkedAccounts: true })).json.sessionHandlesRevoked, []);
  assert.equal((await core("POST", "/tenant1/recipe/session/remove", { userId: "u2", revokeAcrossAllTenants: false, revokeSessionsForLinkedAccounts: true })).json.sessionHandlesRevoked.length, 2);
  assert.ok(emu.stats.counts["POST /recipe/session"] >= 3);
  ok("tenants: handle suffix, static key, tenant-scoped revoke, stats keys without prefixes");

  // ---------------------------------------------------------------- minted tokens
  const verifyRaw = async (accessToken) => (await core("POST", "/recipe/session/verify", { accessToken, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: false })).json;
  assert.equal((await verifyRaw(emu.mintAccessToken())).status, "OK");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "static" }))).status, "OK");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "orphan" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ exp: Math.floor(Date.now() / 1000) - 1 }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ signature: "garbage" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ kid: "d-1", key: "dynamic" }))).status, "TRY_REFRESH_TOKEN");
  const v4 = emu.mintAccessToken({ version: 4 });
  assert.deepEqual(Object.keys(b64json(v4.split(".")[1])).sort(), ["antiCsrfToken", "exp", "iat", "parentRefreshTokenHash1", "refreshTokenHash1", "sessionHandle", "sub", "tId"]);
  assert.equal((await verifyRaw(v4)).status, "OK");
  assert.equal((await verifyRaw(emu.mintAccessToken({ version: 3, omit: ["antiCsrfToken"] }))).status, "TRY_REFRESH_TOKEN");
  let v2 = "";
  for (let i = 0; i < 20 && !/[+/]/.test(v2); i++) v2 = emu.mintAccessToken({ version: 2, payload: { role: "x" } });
  const [v2h, v2p, v2s] = v2.split(".");
  assert.equal(v2h, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=");
  assert.match(v2, /[+/]/);
  assert.ok(v2s.endsWith("=") || v2s.length % 4 === 0);
  assert.deepEqual(Object.keys(JSON.parse(Buffer.from(v2p, "base64").toString())), ["userId", "expiryTime", "timeCreated", "sessionHandle", "refreshTokenHash1", "userData"]);
  const v2res = await verifyRaw(v2);
  assert.equal(v2res.status, "OK");
  assert.deepEqual(v2res.session.userDataInJWT, { role: "x" });
  assert.equal((await verifyRaw(emu.mintAccessToken({ version: 2, key: "orphan" }))).status, "TRY_REFRESH_TOKEN");
  assert.equal((await verifyRaw(emu.mintAccessToken({ version: 2, key: "static" }))).status, "OK");
  // A live session's handle + parent hash = promotion path for minted tokens too.
  const live = emu.createSession({ userId: "u3" });
  const minted = emu.mintAccessToken({ sessionHandle: live.session.handle, sub: "u3", refreshTokenHash1: b64json(live.accessToken.token.split(".")[1]).refreshTokenHash1 });
  assert.equal((await core("POST", "/recipe/session/verify", { accessToken: minted, doAntiCsrfCheck: false, enableAntiCsrf: false, checkDatabase: true })).json.status, "OK");
  ok("mintAccessToken: v2/v3/v4/v5, static/orphan/literal kid, expired, garbage signature, omit");

  // ---------------------------------------------------------------- control API + failure modes
  const emu2 = (path, body) => fetch(emu.url + "/__emu/" + path, { method: body === undefined ? "GET" : "POST", body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json());
  const oldKid = jwks.keys[0].kid;
  const { kid } = await emu2("rotate", {});
  const jwks2 = await (await fetch(emu.url + "/.well-known/jwks.json")).json();
  assert.deepEqual(jwks2.keys.map((k) => k.kid).slice(0, 2), [kid, oldKid]);
  const afterRotate = (await emu2("session", { userId: "u4", antiCsrf: true })).accessToken.token;
  assert.equal(JSON.parse(Buffer.from(afterRotate.split(".")[0], "base64url")).kid, kid);
  const { token } = await emu2("mint", { version: 5, sub: "minted" });
  assert.equal((await verifyRaw(token)).status, "OK");
  await emu2("reset-stats", {});
  await fetch(emu.url + "/.well-known/jwks.json");
  assert.deepEqual((await emu2("stats")).counts, { "GET /.well-known/jwks.json": 1 });

  await emu2("failure", { mode: "down" });
  await assert.rejects(fetch(emu.url + "/.well-known/jwks.json"));
  await emu2("failure", { mode: "500" });
  assert.equal((await fetch(emu.url + "/hello")).status, 500);
  await emu2("failure", { mode: "garbage-jwks" });
  assert.equal(await (await fetch(emu.url + "/.well-known/jwks.json")).text(), "not json");
  await emu2("failure", { mode: "empty-jwks" });
  assert.deepEqual(await (await fetch(emu.url + "/.well-known/jwks.json")).json(), { keys: [] });
  await emu2("failure", { mode: "html" });
  assert.equal(await (await fetch(emu.url + "/.well-known/jwks.json")).text(), "<html>");
  await emu2("failure", { mode: "slow", delayMs: 300 });
  const t0 = Date.now();
  await fetch(emu.url + "/.well-known/jwks.json");
  assert.ok(Date.now() - t0 >= 290);
  await emu2("reset", {});
  assert.equal(emu.sessions.size, 0);
  assert.equal((await fetch(emu.url + "/.well-known/jwks.json")).status, 200);
  ok("/__emu: rotate, session, mint, stats, failure modes (down/500/garbage/empty/html/slow), reset");

  // ---------------------------------------------------------------- the real supertokens-node SDK
  const supertokens = require("supertokens-node");
  const Session = require("supertokens-node/recipe/session");
  supertokens.init({
    supertokens: { connectionURI: emu.url, apiKey: "k3y" },
    appInfo: { appName: "t", apiDomain: "http://api.test", websiteDomain: "http://web.test" },
    recipeList: [Session.init()],
  });
  await emu2("reset-stats", {});
  const s = await Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId("user1"), { custom: "ü" });
  const tokens = s.getAllSessionTokensDangerously();
  assert.equal(s.getAccessTokenPayload().custom, "ü");
  assert.equal(s.getAccessTokenPayload().iss, "http://api.test/auth");
  const s1 = await Session.getSessionWithoutRequestResponse(tokens.accessToken, tokens.antiCsrfToken);
  assert.equal(s1.getUserId(), "user1");
  assert.equal(s1.getAllSessionTokensDangerously().accessAndFrontTokenUpdated, false);
  const refreshed = await Session.refreshSessionWithoutRequestResponse(tokens.refreshToken, undefined, tokens.antiCsrfToken);
  const rt = refreshed.getAllSessionTokensDangerously();
  const s2 = await Session.getSessionWithoutRequestResponse(rt.accessToken, rt.antiCsrfToken);
  const s2t = s2.getAllSessionTokensDangerously();
  assert.equal(s2t.accessAndFrontTokenUpdated, true, "first verify after refresh gets a new token from core");
  assert.notEqual(s2t.accessToken, rt.accessToken);
  assert.equal(s2.getAccessTokenPayload().parentRefreshTokenHash1, null);
  const s3 = await Session.getSessionWithoutRequestResponse(s2t.accessToken, rt.antiCsrfToken);
  assert.equal(s3.getAllSessionTokensDangerously().accessAndFrontTokenUpdated, false);
  await assert.rejects(Session.refreshSessionWithoutRequestResponse(tokens.refreshToken, undefined, tokens.antiCsrfToken), (e) => e.type === "TOKEN_THEFT_DETECTED");
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
  const legacy = await Session.getSessionWithoutRequestResponse(emu.mintAccessToken({ version: 2, sub: "old", payload: { r: 1 } }), undefined);
  assert.equal(legacy.getUserId(), "old");
  assert.deepEqual(legacy.getAccessTokenPayload(), { r: 1 });
  assert.equal(emu.stats.counts["POST /recipe/session/verify"], verifiesBefore, "v2 verified locally, no core call");
  // Orphan-signed and static-signed tokens are rejected by the (dynamic-key) SDK with TRY_REFRESH.
  for (const kid of ["orphan", "static"]) {
    await assert.rejects(Session.getSessionWithoutRequestResponse(emu.mintAccessToken({ kid }), undefined), (e) => e.type === "TRY_REFRESH_TOKEN");
  }
  // After a rotation, new sessions carry the new kid; the SDK refetches the JWKS (cooldown 500 ms) and accepts them.
  await new Promise((r) => setTimeout(r, 600));
  const newKid = emu.rotateDynamicKey();
  const rotated = await Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId("user2"), {});
  assert.equal(JSON.parse(Buffer.from(rotated.getAccessToken().split(".")[0], "base64url")).kid, newKid);
  const jwksBefore = emu.stats.counts["GET /.well-known/jwks.json"];
  await Session.getSessionWithoutRequestResponse(rotated.getAccessToken(), undefined);
  assert.equal(emu.stats.counts["GET /.well-known/jwks.json"], jwksBefore + 1);
  assert.ok(emu.stats.requests.filter((r) => r.key !== "GET /.well-known/jwks.json" && r.key !== "GET /apiversion").every((r) => r.headers["cdi-version"] === "5.4"));
  ok("supertokens-node 24.0.3: create, verify, refresh, promotion, theft, merge, revoke, checkDatabase UNAUTHORISED");
} finally {
  await emu.close();
}
console.log(`selfcheck passed (${step} groups)`);

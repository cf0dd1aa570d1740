// SuperTokens core emulator: the CDI 5.4 session subset that supertokens-node 24 and supertokens-edge use, plus
// the user and email-verification reads behind EmailVerificationClaim (a small user store, see /__emu/user).
// Semantics follow the core's CDI 5.4 as supertokens-node uses it (checked by selfcheck.mjs). Node builtins only; loopback only.
// Usage: `node test/emulator/core.mjs [--port 3567] [--api-key K]` or `await startCoreEmulator(opts)`.
import http from "node:http";
import crypto from "node:crypto";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";

const SUPPORTED_CDI = ["2.21", "3.0", "4.0", "5.0", "5.1", "5.2", "5.3", "5.4"]; // advertised by /apiversion
// The real core 12.1 accepts all of these in `cdi-version`; anything else is a 400.
const ACCEPTED_CDI = new Set([
  ...Array.from({ length: 15 }, (_, i) => `2.${i + 7}`),
  "3.0",
  "3.1",
  "4.0",
  "5.0",
  "5.1",
  "5.2",
  "5.3",
  "5.4",
  "5.5",
  "5.6",
]);
const LEGACY_HEADER = {
  1: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIxIn0=",
  2: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=",
};
const PROTECTED = {
  3: ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken"],
  4: ["sub", "exp", "iat", "tId", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken"],
  5: [
    "sub",
    "exp",
    "iat",
    "tId",
    "rsub",
    "sessionHandle",
    "refreshTokenHash1",
    "parentRefreshTokenHash1",
    "antiCsrfToken",
  ],
};
const REQUIRED_CLAIMS = {
  2: ["userId", "expiryTime", "timeCreated", "sessionHandle", "refreshTokenHash1", "userData"],
  3: PROTECTED[3],
  4: PROTECTED[4],
  5: PROTECTED[5],
};
// First path segments that are API roots; any other first segment (after /appid-x) is a tenant id.
const API_ROOTS = new Set(["recipe", "user", "users", "apiversion", "hello", ".well-known"]);
const FAILURE_MODES = new Set(["down", "500", "slow", "garbage-jwks", "empty-jwks", "html"]);
const REQUEST_LOG_MAX = 200;
const RECIPE_IDS = new Set(["emailpassword", "thirdparty", "passwordless", "webauthn"]);

const generateKeyPair = promisify(crypto.generateKeyPair);
const sha256 = (s) => crypto.createHash("sha256").update(s).digest("hex");
const nowSec = () => Math.floor(Date.now() / 1000);
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const jsonSeg = (obj, enc) => Buffer.from(JSON.stringify(obj), "utf8").toString(enc);

function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Key-order-insensitive JSON, used to decide whether a token's payload differs from the DB row.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

function withoutNulls(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined));
}

class HttpError extends Error {
  constructor(status, text) {
    super(text);
    this.status = status;
  }
}
const badField = (name) => new HttpError(400, `Field name '${name}' is invalid in JSON input`);
const missingQuery = (name) => new HttpError(400, `Field name '${name}' is missing in GET request`);

function keyFromPair({ publicKey, privateKey }, kid, createdAt) {
  const { n, e } = publicKey.export({ format: "jwk" });
  return { kid, createdAt, publicKey, privateKey, jwk: { kty: "RSA", kid, n, e, alg: "RS256", use: "sig" } };
}

// A random refresh token shaped like the core's: standard base64 (with + / =) . 16 hex . V2
function newRefreshTokenString() {
  const body = crypto.randomBytes(crypto.randomInt(60, 72)).toString("base64");
  return `${body}.${crypto.randomBytes(8).toString("hex")}.V2`;
}

/** Start an emulator on 127.0.0.1. See core.d.mts for the option and return types. */
export async function startCoreEmulator(options = {}) {
  const cfg = {
    apiKey: options.apiKey,
    accessTokenValiditySec: options.accessTokenValiditySec ?? 3600,
    refreshTokenValidityMin: options.refreshTokenValidityMin ?? 144000,
    dynamicKeyUpdateIntervalHours: options.dynamicKeyUpdateIntervalHours ?? 168,
  };
  const [dyn, stat, orphan] = await Promise.all([0, 1, 2].map(() => generateKeyPair("rsa", { modulusLength: 2048 })));
  const startedAt = Date.now();
  const keys = {
    dynamic: [keyFromPair(dyn, `d-${startedAt}`, startedAt)], // newest first
    static: keyFromPair(stat, `s-${crypto.randomUUID()}`, startedAt),
    orphan: keyFromPair(orphan, `d-${startedAt - 7 * 24 * 3600 * 1000}`, startedAt), // never published
  };
  const sessions = new Map(); // handle -> session row
  const refreshTokens = new Map(); // token -> { sessionHandle, parentRefreshTokenHash2, antiCsrfToken }
  const users = new Map(); // recipe user id -> user row (one login method each), see upsertUser
  const verifiedEmails = new Set(); // `${recipeUserId}\n${email}`: the core keys verification by the pair
  const evTokens = new Map(); // email verification token -> { userId, email, tenantId }
  const stats = { counts: {}, requests: [] };
  const state = { failure: null, slowDelayMs: 5000, delayMs: 0, closed: false };
  const timers = new Set();

  // ---------------------------------------------------------------- keys
  function rotateDynamicKey() {
    // kids must stay unique even for two rotations in the same millisecond
    const createdAt = Math.max(Date.now(), keys.dynamic[0].createdAt + 1);
    const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    keys.dynamic.unshift(keyFromPair(pair, `d-${createdAt}`, createdAt));
    return keys.dynamic[0].kid;
  }

  // Lazy version of the core's cron: rotate after the update interval, drop keys nobody can still hold.
  function maintainDynamicKeys() {
    const intervalMs = cfg.dynamicKeyUpdateIntervalHours * 3600 * 1000;
    if (Date.now() - keys.dynamic[0].createdAt >= intervalMs) rotateDynamicKey();
    const keepMs = intervalMs + 2 * cfg.accessTokenValiditySec * 1000;
    keys.dynamic = keys.dynamic.filter((k, i) => i === 0 || Date.now() - k.createdAt < keepMs);
  }

  function currentDynamicKey() {
    maintainDynamicKeys();
    return keys.dynamic[0];
  }

  function keyByName(name) {
    if (name === "dynamic") return currentDynamicKey();
    if (name === "static") return keys.static;
    if (name === "orphan") return keys.orphan;
    throw new Error(`unknown key name ${name}`);
  }

  const publishedKeys = () => [...keys.dynamic, keys.static];
  const findPublishedKey = (kid) => publishedKeys().find((k) => k.kid === kid);
  const jwks = () => {
    maintainDynamicKeys();
    return { keys: publishedKeys().map((k) => ({ ...k.jwk })) };
  };

  /** Sign ASCII `signingInput` with a named key ("dynamic"|"static"|"orphan") or any known kid. */
  function signWith(key, signingInput, encoding = "base64url") {
    const k = ["dynamic", "static", "orphan"].includes(key)
      ? keyByName(key)
      : (findPublishedKey(key) ?? (keys.orphan.kid === key ? keys.orphan : undefined));
    if (!k) throw new Error(`unknown key ${key}`);
    return crypto.sign("sha256", Buffer.from(signingInput, "utf8"), k.privateKey).toString(encoding);
  }

  // ---------------------------------------------------------------- tokens
  // The access token the core itself mints for a session row (create / refresh / promotion / regenerate).
  function coreAccessToken(
    row,
    { refreshTokenHash1, parentRefreshTokenHash1 = null, antiCsrfToken = null, version = 5, exp },
  ) {
    const iat = nowSec();
    const payload = {
      iat,
      exp: exp ?? iat + cfg.accessTokenValiditySec,
      sub: row.userId,
      tId: row.tenantId,
      rsub: row.recipeUserId,
      sessionHandle: row.handle,
      refreshTokenHash1,
      parentRefreshTokenHash1,
      antiCsrfToken,
      ...row.userDataInJWT,
    };
    if (version < 5) delete payload.rsub;
    if (version < 4) delete payload.tId;
    const key = row.useStaticKey ? keys.static : currentDynamicKey();
    const input = `${jsonSeg({ kid: key.kid, typ: "JWT", version: String(version), alg: "RS256" }, "base64url")}.${jsonSeg(payload, "base64url")}`;
    const token = `${input}.${crypto.sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
    return { token, expiry: payload.exp * 1000, createdTime: iat * 1000 };
  }

  /** Mint an arbitrary (possibly broken) access token; see MintOptions in core.d.mts. */
  function mintAccessToken(o = {}) {
    const version = o.version ?? 5;
    const legacy = version <= 2;
    const named = (x) => x === "dynamic" || x === "static" || x === "orphan";
    const pick = (k, def) => (o[k] !== undefined ? o[k] : def);
    let kid;
    let signKey;
    if (o.kid !== undefined && !named(o.kid)) {
      kid = String(o.kid);
      signKey = findPublishedKey(kid) ?? (kid === keys.orphan.kid ? keys.orphan : currentDynamicKey());
    } else {
      signKey = keyByName(o.kid ?? o.key ?? "dynamic");
      kid = signKey.kid;
    }
    if (o.key !== undefined) signKey = keyByName(o.key);

    const nowMs = Date.now();
    const iat = pick("iat", Math.floor(nowMs / 1000));
    const sub = pick("sub", `user-${crypto.randomUUID()}`);
    const common = {
      sessionHandle: pick("sessionHandle", crypto.randomUUID()),
      refreshTokenHash1: pick("refreshTokenHash1", sha256(crypto.randomBytes(32))),
      parentRefreshTokenHash1: pick("parentRefreshTokenHash1", null),
      antiCsrfToken: pick("antiCsrfToken", null),
    };
    let payload;
    if (legacy) {
      const timeCreated = pick("timeCreated", o.iat !== undefined ? o.iat * 1000 : nowMs);
      const expiryTime = pick(
        "expiryTime",
        o.exp !== undefined ? o.exp * 1000 : timeCreated + cfg.accessTokenValiditySec * 1000,
      );
      const { sessionHandle, refreshTokenHash1 } = common;
      payload = { userId: sub, expiryTime, timeCreated, sessionHandle, refreshTokenHash1 };
      if (common.parentRefreshTokenHash1 !== null) payload.parentRefreshTokenHash1 = common.parentRefreshTokenHash1;
      if (common.antiCsrfToken !== null) payload.antiCsrfToken = common.antiCsrfToken;
      payload.userData = { ...(o.payload ?? {}) };
    } else {
      payload = {
        iat,
        exp: pick("exp", iat + cfg.accessTokenValiditySec),
        sub,
        tId: pick("tId", "public"),
        rsub: pick("rsub", sub),
        ...common,
      };
      if (version < 5) delete payload.rsub;
      if (version < 4) delete payload.tId;
      Object.assign(payload, o.payload ?? {});
    }
    for (const k of o.omit ?? []) delete payload[k];

    const enc = legacy ? "base64" : "base64url"; // legacy tokens use standard base64 with padding
    let headerSeg = o.rawHeaderSegment;
    if (headerSeg === undefined) {
      if (legacy && o.header === undefined) headerSeg = LEGACY_HEADER[version === 1 ? 1 : 2];
      else {
        const base = legacy
          ? { alg: "RS256", typ: "JWT", version: String(version) }
          : { kid, typ: "JWT", version: String(version), alg: "RS256" };
        headerSeg = jsonSeg(withoutUndefined({ ...base, ...o.header }), enc);
      }
    }
    const payloadSeg = o.rawPayloadSegment ?? jsonSeg(payload, enc);
    const input = `${headerSeg}.${payloadSeg}`;
    const mode = o.signature ?? "valid";
    let sig = "";
    if (mode === "valid") sig = crypto.sign("sha256", Buffer.from(input), signKey.privateKey).toString(enc);
    else if (mode === "garbage") sig = crypto.randomBytes(256).toString(enc);
    else if (mode !== "none") throw new Error(`unknown signature mode ${mode}`);
    return `${input}.${sig}`;
  }

  function withoutUndefined(obj) {
    return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
  }

  // Parse + verify an access token the way the core does; returns info or a failure reason.
  function inspectAccessToken(token) {
    if (typeof token !== "string") return { error: "Invalid JWT" };
    const parts = token.split(".");
    if (parts.length !== 3) return { error: "Invalid JWT" };
    let version;
    let kid;
    if (parts[0] === LEGACY_HEADER[1] || parts[0] === LEGACY_HEADER[2]) version = 2;
    else {
      const header = tryJson(Buffer.from(parts[0], "base64url").toString("utf8"));
      if (!isObject(header)) return { error: "Invalid JWT header" };
      // The core assumes the latest version when the header carries none.
      version = header.version === undefined ? 5 : typeof header.version === "string" ? Number(header.version) : NaN;
      if (
        header.typ !== "JWT" ||
        header.alg !== "RS256" ||
        typeof header.kid !== "string" ||
        ![3, 4, 5].includes(version)
      ) {
        return { error: "Invalid JWT header" };
      }
      kid = header.kid;
    }
    const payload = tryJson(Buffer.from(parts[1], version === 2 ? "base64" : "base64url").toString("utf8"));
    if (!isObject(payload)) return { error: "Invalid JWT payload" };

    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = Buffer.from(parts[2], version === 2 ? "base64" : "base64url");
    const candidates = version === 2 ? publishedKeys() : [findPublishedKey(kid)].filter(Boolean);
    const ok = candidates.some((k) => {
      try {
        return crypto.verify("sha256", data, k.publicKey, sig);
      } catch {
        return false;
      }
    });
    if (!ok) return { error: "JWT signature verification failed" };
    if (!REQUIRED_CLAIMS[version].every((c) => c in payload)) {
      return { error: "Access token does not contain all the necessary information" };
    }
    const p = payload;
    const info =
      version === 2
        ? {
            userId: p.userId,
            recipeUserId: p.userId,
            tenantId: "public",
            expiryMs: p.expiryTime,
            userData: isObject(p.userData) ? p.userData : {},
          }
        : {
            userId: p.sub,
            recipeUserId: version >= 5 ? p.rsub : p.sub,
            tenantId: version >= 4 ? p.tId : "public",
            expiryMs: p.exp * 1000,
            userData: Object.fromEntries(Object.entries(p).filter(([k]) => !PROTECTED[version].includes(k))),
          };
    Object.assign(info, { sessionHandle: p.sessionHandle, refreshTokenHash1: p.refreshTokenHash1 });
    Object.assign(info, {
      parentRefreshTokenHash1: p.parentRefreshTokenHash1 ?? null,
      antiCsrfToken: p.antiCsrfToken ?? null,
    });
    return { version, kid, payload, info };
  }

  // ---------------------------------------------------------------- session logic (CDI 5.4)
  const sessionJson = ({ handle, userId, recipeUserId, userDataInJWT, tenantId }) => ({
    handle,
    userId,
    recipeUserId,
    userDataInJWT,
    tenantId,
  });

  function assertNoProtected(payload) {
    if (Object.keys(payload).some((k) => PROTECTED[5].includes(k))) {
      throw new HttpError(400, "The user payload contains protected field");
    }
  }

  const refreshValidityMs = () => cfg.refreshTokenValidityMin * 60 * 1000;

  function issueRefreshToken(row, parentRefreshTokenHash2, antiCsrfToken) {
    const token = newRefreshTokenString();
    refreshTokens.set(token, { sessionHandle: row.handle, parentRefreshTokenHash2, antiCsrfToken });
    return token;
  }

  function createSession({
    tenantId = "public",
    userId,
    userDataInJWT = {},
    userDataInDatabase = {},
    useDynamicSigningKey = true,
    enableAntiCsrf = false,
  }) {
    assertNoProtected(userDataInJWT);
    const now = Date.now();
    const handle = crypto.randomUUID() + (tenantId === "public" ? "" : `_${tenantId}`);
    const antiCsrfToken = enableAntiCsrf ? crypto.randomUUID() : null;
    // As the core: the body's userId is the recipe user; the session's userId is its primary user, if linked.
    const row = {
      handle,
      userId: primaryIdOf(userId),
      recipeUserId: userId,
      tenantId,
      userDataInJWT: { ...userDataInJWT },
      userDataInDatabase,
    };
    Object.assign(row, {
      refreshTokenHash2: "",
      expiresAt: now + refreshValidityMs(),
      createdAt: now,
      useStaticKey: !useDynamicSigningKey,
    });
    const refreshToken = issueRefreshToken(row, null, antiCsrfToken);
    row.refreshTokenHash2 = sha256(sha256(refreshToken));
    sessions.set(handle, row);
    return {
      status: "OK",
      session: sessionJson(row),
      accessToken: coreAccessToken(row, { refreshTokenHash1: sha256(refreshToken), antiCsrfToken }),
      refreshToken: { token: refreshToken, expiry: row.expiresAt, createdTime: now },
      antiCsrfToken,
    };
  }

  function verifySession({ accessToken, antiCsrfToken, doAntiCsrfCheck, enableAntiCsrf, checkDatabase }) {
    const parsed = inspectAccessToken(accessToken);
    if (parsed.error) return { status: "TRY_REFRESH_TOKEN", message: parsed.error };
    const t = parsed.info;
    if (typeof t.expiryMs !== "number" || t.expiryMs < Date.now()) {
      return { status: "TRY_REFRESH_TOKEN", message: "Access token expired" };
    }
    if (enableAntiCsrf && doAntiCsrfCheck && (antiCsrfToken == null || antiCsrfToken !== t.antiCsrfToken)) {
      return { status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" };
    }
    const row = sessions.get(t.sessionHandle);
    if (checkDatabase && !row) {
      return { status: "UNAUTHORISED", message: "Either the session has ended or has been blacklisted" };
    }
    const payloadChanged = checkDatabase && canonical(row.userDataInJWT) !== canonical(t.userData);
    if (t.parentRefreshTokenHash1 === null && !payloadChanged) {
      return {
        status: "OK",
        session: {
          handle: t.sessionHandle,
          userId: t.userId,
          recipeUserId: t.recipeUserId,
          userDataInJWT: t.userData,
          tenantId: t.tenantId,
        },
      };
    }
    // Post-refresh token (or changed payload): the core looks at the row and may promote / re-mint.
    if (!row) return { status: "UNAUTHORISED", message: "Session missing in db" };
    const promote = t.parentRefreshTokenHash1 !== null && row.refreshTokenHash2 === sha256(t.parentRefreshTokenHash1);
    if (promote || row.refreshTokenHash2 === sha256(t.refreshTokenHash1) || payloadChanged) {
      if (promote) {
        row.refreshTokenHash2 = sha256(t.refreshTokenHash1);
        row.expiresAt = Date.now() + refreshValidityMs();
      }
      const newToken = coreAccessToken(row, { refreshTokenHash1: t.refreshTokenHash1, antiCsrfToken: t.antiCsrfToken });
      return { status: "OK", session: sessionJson(row), accessToken: newToken };
    }
    return { status: "OK", session: sessionJson(row) };
  }

  function refreshSession({ refreshToken, antiCsrfToken, enableAntiCsrf, useDynamicSigningKey = true }) {
    const rt = refreshTokens.get(refreshToken);
    if (!rt) return { status: "UNAUTHORISED", message: "Refresh token is invalid" };
    if (enableAntiCsrf && rt.antiCsrfToken !== null && rt.antiCsrfToken !== antiCsrfToken) {
      return { status: "UNAUTHORISED", message: "Anti CSRF token missing, or not matching" };
    }
    const row = sessions.get(rt.sessionHandle);
    if (!row || row.expiresAt < Date.now()) {
      return { status: "UNAUTHORISED", message: "Session missing in db or has expired" };
    }
    const hash2 = sha256(sha256(refreshToken));
    if (row.refreshTokenHash2 !== hash2) {
      if (rt.parentRefreshTokenHash2 === null || rt.parentRefreshTokenHash2 !== row.refreshTokenHash2) {
        // Core 5.4 reports theft but does not revoke; the SDK does that.
        return {
          status: "TOKEN_THEFT_DETECTED",
          session: { handle: row.handle, userId: row.userId, recipeUserId: row.recipeUserId },
        };
      }
      // The child of the current token is in use: promote it first.
      row.refreshTokenHash2 = hash2;
      row.expiresAt = Date.now() + refreshValidityMs();
    }
    if (Object.keys(row.userDataInJWT).some((k) => PROTECTED[5].includes(k))) {
      return { status: "UNAUTHORISED", message: "The user payload contains protected field" };
    }
    row.useStaticKey = !useDynamicSigningKey;
    const newAntiCsrf = enableAntiCsrf ? crypto.randomUUID() : null;
    const child = issueRefreshToken(row, hash2, newAntiCsrf);
    return {
      status: "OK",
      session: sessionJson(row),
      accessToken: coreAccessToken(row, {
        refreshTokenHash1: sha256(child),
        parentRefreshTokenHash1: sha256(refreshToken),
        antiCsrfToken: newAntiCsrf,
      }),
      refreshToken: { token: child, expiry: row.expiresAt, createdTime: Date.now() },
      antiCsrfToken: newAntiCsrf,
    };
  }

  function regenerate({ accessToken, userDataInJWT }) {
    const parsed = inspectAccessToken(accessToken);
    if (parsed.error) return { status: "UNAUTHORISED", message: parsed.error };
    const t = parsed.info;
    const row = sessions.get(t.sessionHandle);
    if (!row) return { status: "UNAUTHORISED", message: "Session does not exist." };
    row.userDataInJWT = withoutNulls(userDataInJWT);
    const out = { status: "OK", session: sessionJson(row) };
    if (t.expiryMs >= Date.now()) {
      out.accessToken = coreAccessToken(row, {
        refreshTokenHash1: t.refreshTokenHash1,
        parentRefreshTokenHash1: t.parentRefreshTokenHash1,
        antiCsrfToken: t.antiCsrfToken,
        version: parsed.version >= 3 ? parsed.version : 5,
        exp: Math.floor(t.expiryMs / 1000), // regeneration keeps the old expiry
      });
    }
    return out;
  }

  // ---------------------------------------------------------------- users + email verification (CDI 5.4)
  // Each stored user is one recipe user with one login method; linking (primaryUserId) groups them under a
  // primary user as the core's account linking does. GET /user/id answers like AuthRecipeUserInfo.toJson.
  const primaryIdOf = (recipeUserId) => users.get(recipeUserId)?.primaryUserId ?? recipeUserId;
  const evKey = (userId, email) => `${userId}\n${email}`;

  function upsertUser(o = {}) {
    if (!isObject(o) || typeof o.userId !== "string" || o.userId === "") throw badField("userId");
    for (const k of ["email", "phoneNumber"]) {
      if (o[k] !== undefined && o[k] !== null && typeof o[k] !== "string") throw badField(k);
    }
    if (o.verified !== undefined && typeof o.verified !== "boolean") throw badField("verified");
    if (o.recipeId !== undefined && !RECIPE_IDS.has(o.recipeId)) throw badField("recipeId");
    if (o.tenantIds !== undefined && (!Array.isArray(o.tenantIds) || o.tenantIds.some((t) => typeof t !== "string"))) {
      throw badField("tenantIds");
    }
    const prev = users.get(o.userId);
    const pick = (k, def) => (o[k] !== undefined ? o[k] : prev !== undefined ? prev[k] : def);
    const email = pick("email", null) ?? null;
    // A user without an email is a passwordless (phone) user: the claim then counts as verified.
    const phoneNumber = pick("phoneNumber", null) ?? (email === null ? "+15550000000" : null);
    const recipeId = o.recipeId ?? prev?.recipeId ?? (email === null ? "passwordless" : "emailpassword");
    if (recipeId === "emailpassword" && email === null)
      throw new HttpError(400, "an emailpassword user needs an email");
    const user = {
      userId: o.userId,
      recipeId,
      email,
      phoneNumber,
      thirdParty: pick("thirdParty", null) ?? null,
      tenantIds: pick("tenantIds", ["public"]),
      timeJoined: pick("timeJoined", Date.now()),
      primaryUserId: prev?.primaryUserId ?? null,
      isPrimaryUser: prev?.isPrimaryUser ?? false,
    };
    if (o.primaryUserId !== undefined) {
      if (o.primaryUserId === null || o.primaryUserId === o.userId) {
        user.primaryUserId = null;
      } else {
        const primary = users.get(o.primaryUserId);
        if (typeof o.primaryUserId !== "string" || primary === undefined || primary.primaryUserId !== null) {
          throw new HttpError(400, "primaryUserId must name a stored user that is not itself linked");
        }
        primary.isPrimaryUser = true;
        user.primaryUserId = o.primaryUserId;
      }
    }
    users.set(o.userId, user);
    if (o.verified !== undefined && email !== null) {
      if (o.verified) verifiedEmails.add(evKey(o.userId, email));
      else verifiedEmails.delete(evKey(o.userId, email));
    }
    return { status: "OK", user: userJson(o.userId) };
  }

  // As the core's user deletion: the user's verification data goes with it.
  function removeUser(userId) {
    const existed = users.delete(userId);
    for (const k of verifiedEmails) if (k.startsWith(`${userId}\n`)) verifiedEmails.delete(k);
    for (const [k, v] of evTokens) if (v.userId === userId) evTokens.delete(k);
    for (const u of users.values()) if (u.primaryUserId === userId) u.primaryUserId = null;
    return existed;
  }

  // The user (primary, with all its linked login methods) that recipe or primary user id `id` belongs to.
  function userJson(id) {
    const own = users.get(id);
    if (own === undefined) return undefined;
    const primaryId = own.primaryUserId ?? id;
    const members = [...users.values()]
      .filter((u) => u.userId === primaryId || u.primaryUserId === primaryId)
      .sort((a, b) => a.timeJoined - b.timeJoined);
    const uniq = (xs) => [...new Set(xs)];
    const loginMethods = members.map((u) =>
      withoutNulls({
        tenantIds: [...u.tenantIds],
        recipeUserId: u.userId,
        verified: u.email !== null && verifiedEmails.has(evKey(u.userId, u.email)),
        timeJoined: u.timeJoined,
        recipeId: u.recipeId,
        email: u.email,
        phoneNumber: u.phoneNumber,
        thirdParty: u.thirdParty,
      }),
    );
    const thirdParty = uniq(
      members
        .filter((u) => u.thirdParty)
        .map((u) => JSON.stringify({ id: u.thirdParty.id, userId: u.thirdParty.userId })),
    );
    return {
      id: primaryId,
      isPrimaryUser: users.get(primaryId)?.isPrimaryUser ?? false,
      tenantIds: uniq(members.flatMap((u) => u.tenantIds)),
      timeJoined: Math.min(...members.map((u) => u.timeJoined)),
      emails: uniq(members.map((u) => u.email).filter((e) => e !== null)),
      phoneNumbers: uniq(members.map((u) => u.phoneNumber).filter((p) => p !== null)),
      thirdParty: thirdParty.map((j) => JSON.parse(j)),
      webauthn: { credentialIds: [] },
      loginMethods,
    };
  }

  const queryParam = (query, name) => {
    const v = query.get(name);
    if (v === null) throw missingQuery(name);
    return v;
  };

  const matchesUser = (row, userId) => row.userId === userId || row.recipeUserId === userId;
  const liveRows = () => [...sessions.values()].filter((r) => r.expiresAt >= Date.now());

  // ---------------------------------------------------------------- HTTP routes
  // Type-check body fields like the core does (400 on missing/mistyped); "type?" = optional.
  const req = (body, name, type, optional = false) => {
    const v = body[name];
    if (v === undefined && optional) return v;
    if (type === "object" ? !isObject(v) : typeof v !== type) throw badField(name);
    return v;
  };
  const fields = (body, spec) =>
    Object.fromEntries(Object.entries(spec).map(([k, t]) => [k, req(body, k, t.replace("?", ""), t.endsWith("?"))]));

  const routes = {
    "GET /apiversion": () => ({ versions: SUPPORTED_CDI }),
    "GET /hello": () => "Hello",
    "GET /user/id": ({ query }) => {
      const user = userJson(queryParam(query, "userId"));
      return user === undefined ? { status: "UNKNOWN_USER_ID_ERROR" } : { status: "OK", user };
    },
    // Verification is a fact about (recipe user id, email), whether or not the user exists (as the core).
    "GET /recipe/user/email/verify": ({ query }) => {
      const key = evKey(queryParam(query, "userId"), queryParam(query, "email"));
      return { status: "OK", isVerified: verifiedEmails.has(key) };
    },
    "POST /recipe/user/email/verify/token": ({ body, tenantId }) => {
      const { userId, email } = fields(body, { userId: "string", email: "string" });
      if (verifiedEmails.has(evKey(userId, email))) return { status: "EMAIL_ALREADY_VERIFIED_ERROR" };
      const token = crypto.randomBytes(48).toString("base64url");
      evTokens.set(token, { userId, email, tenantId: tenantId ?? "public" });
      return { status: "OK", token };
    },
    "POST /recipe/user/email/verify": ({ body, tenantId }) => {
      const { method, token } = fields(body, { method: "string", token: "string" });
      if (method !== "token") throw new HttpError(400, "Unsupported method for email verification");
      const t = evTokens.get(token);
      if (t === undefined || t.tenantId !== (tenantId ?? "public"))
        return { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" };
      // Verifying one (user, email) pair uses up all of that pair's tokens.
      for (const [k, v] of evTokens) if (v.userId === t.userId && v.email === t.email) evTokens.delete(k);
      verifiedEmails.add(evKey(t.userId, t.email));
      return { status: "OK", userId: t.userId, email: t.email };
    },
    "POST /recipe/user/email/verify/remove": ({ body }) => {
      const { userId, email } = fields(body, { userId: "string", email: "string" });
      verifiedEmails.delete(evKey(userId, email));
      return { status: "OK" };
    },
    "POST /recipe/user/email/verify/token/remove": ({ body }) => {
      const { userId, email } = fields(body, { userId: "string", email: "string" });
      for (const [k, v] of evTokens) if (v.userId === userId && v.email === email) evTokens.delete(k);
      return { status: "OK" };
    },
    "POST /recipe/session": ({ body, tenantId }) =>
      createSession({
        tenantId: tenantId ?? "public",
        ...fields(body, { userId: "string", userDataInJWT: "object", userDataInDatabase: "object" }),
        ...fields(body, { useDynamicSigningKey: "boolean", enableAntiCsrf: "boolean" }),
      }),
    "POST /recipe/session/verify": ({ body }) =>
      verifySession(
        fields(body, {
          accessToken: "string",
          antiCsrfToken: "string?",
          doAntiCsrfCheck: "boolean",
          enableAntiCsrf: "boolean",
          checkDatabase: "boolean",
        }),
      ),
    "POST /recipe/session/refresh": ({ body }) =>
      refreshSession(
        fields(body, {
          refreshToken: "string",
          antiCsrfToken: "string?",
          enableAntiCsrf: "boolean",
          useDynamicSigningKey: "boolean",
        }),
      ),
    "POST /recipe/session/remove": ({ body, tenantId }) => {
      let handles;
      if (body.sessionHandles !== undefined) {
        if (!Array.isArray(body.sessionHandles) || body.sessionHandles.some((h) => typeof h !== "string")) {
          throw badField("sessionHandles");
        }
        handles = body.sessionHandles.filter((h) => sessions.has(h));
      } else {
        const userId = req(body, "userId", "string");
        const across = req(body, "revokeAcrossAllTenants", "boolean", true) ?? true;
        const tenant = tenantId ?? "public";
        handles = [...sessions.values()]
          .filter((r) => matchesUser(r, userId) && (across || r.tenantId === tenant))
          .map((r) => r.handle);
      }
      for (const h of handles) sessions.delete(h);
      return { status: "OK", sessionHandlesRevoked: handles };
    },
    "GET /recipe/session": ({ query }) => {
      const row = sessions.get(query.get("sessionHandle") ?? "");
      if (!row || row.expiresAt < Date.now()) return { status: "UNAUTHORISED", message: "Session does not exist." };
      const { handle, userId, recipeUserId, expiresAt, createdAt, userDataInDatabase, userDataInJWT, tenantId } = row;
      return {
        status: "OK",
        sessionHandle: handle,
        userId,
        recipeUserId,
        expiry: expiresAt,
        timeCreated: createdAt,
        userDataInDatabase,
        userDataInJWT,
        tenantId,
      };
    },
    "GET /recipe/session/user": ({ query, tenantId }) => {
      const userId = query.get("userId");
      if (userId === null) throw badField("userId");
      const across = query.get("fetchAcrossAllTenants") !== "false";
      const tenant = tenantId ?? "public";
      const sessionHandles = liveRows()
        .filter((r) => matchesUser(r, userId) && (across || r.tenantId === tenant))
        .map((r) => r.handle);
      return { status: "OK", sessionHandles };
    },
    "POST /recipe/session/regenerate": ({ body }) => {
      const accessToken = req(body, "accessToken", "string");
      const userDataInJWT = req(body, "userDataInJWT", "object");
      assertNoProtected(userDataInJWT);
      return regenerate({ accessToken, userDataInJWT });
    },
    "PUT /recipe/session/data": ({ body }) => {
      const row = sessions.get(req(body, "sessionHandle", "string"));
      const data = req(body, "userDataInDatabase", "object");
      if (!row) return { status: "UNAUTHORISED", message: "Session does not exist." };
      row.userDataInDatabase = data;
      return { status: "OK" };
    },
    "PUT /recipe/jwt/data": ({ body }) => {
      const row = sessions.get(req(body, "sessionHandle", "string"));
      const data = req(body, "userDataInJWT", "object");
      assertNoProtected(data);
      if (!row) return { status: "UNAUTHORISED", message: "Session does not exist." };
      row.userDataInJWT = data;
      return { status: "OK" };
    },
  };

  // ---------------------------------------------------------------- test control
  function setFailure(mode, opts = {}) {
    if (mode !== null && !FAILURE_MODES.has(mode)) throw new HttpError(400, `unknown failure mode ${mode}`);
    state.failure = mode;
    if (typeof opts.delayMs === "number") state.slowDelayMs = opts.delayMs;
  }
  function setDelay(ms) {
    state.delayMs = Math.max(0, Number(ms) || 0);
  }
  function resetStats() {
    stats.counts = {};
    stats.requests = [];
  }
  function reset() {
    sessions.clear();
    refreshTokens.clear();
    users.clear();
    verifiedEmails.clear();
    evTokens.clear();
    resetStats();
    state.failure = null;
    state.delayMs = 0;
  }
  function setConfig(c = {}) {
    for (const k of ["accessTokenValiditySec", "refreshTokenValidityMin", "dynamicKeyUpdateIntervalHours"]) {
      if (typeof c[k] === "number") cfg[k] = c[k];
    }
    return { ...cfg, apiKey: undefined };
  }
  // Convenience create for tests; answers exactly like POST /<tenant>/recipe/session (nulls dropped).
  function createTestSession(o) {
    const { tenantId = "public", userId, payload = {}, sessionData = {}, useDynamicSigningKey = true, antiCsrf } = o;
    const out = createSession({
      tenantId,
      userId,
      userDataInJWT: payload,
      userDataInDatabase: sessionData,
      useDynamicSigningKey,
      enableAntiCsrf: antiCsrf === true,
    });
    return withoutNulls(out);
  }
  const keyIds = () => ({ dynamic: keys.dynamic.map((k) => k.kid), static: keys.static.kid, orphan: keys.orphan.kid });

  const emuRoutes = {
    "GET /__emu/stats": () => ({ counts: stats.counts, requests: stats.requests }),
    "POST /__emu/reset-stats": () => {
      resetStats();
      return { status: "OK" };
    },
    "POST /__emu/rotate": () => ({ kid: rotateDynamicKey() }),
    "POST /__emu/failure": ({ body }) => {
      setFailure(body.mode ?? null, body);
      return { status: "OK" };
    },
    "POST /__emu/delay": ({ body }) => {
      setDelay(body.ms ?? body.delayMs);
      return { status: "OK" };
    },
    "POST /__emu/mint": ({ body }) => ({ token: mintAccessToken(body) }),
    "POST /__emu/session": ({ body }) => {
      req(body, "userId", "string");
      return createTestSession(body);
    },
    "POST /__emu/user": ({ body }) => upsertUser(body),
    "POST /__emu/user/remove": ({ body }) => ({ status: "OK", didExist: removeUser(req(body, "userId", "string")) }),
    "GET /__emu/users": () => ({
      users: [...users.values()],
      verifiedEmails: [...verifiedEmails].map((k) => k.split("\n")),
    }),
    "POST /__emu/reset": () => {
      reset();
      return { status: "OK" };
    },
    "GET /__emu/keys": () => keyIds(),
    "GET /__emu/sessions": () => ({ sessions: [...sessions.values()] }),
    "POST /__emu/config": ({ body }) => setConfig(body),
  };

  // ---------------------------------------------------------------- HTTP plumbing
  function send(res, status, body, contentType) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
    res.end(body);
  }
  const sendText = (res, status, text) => send(res, status, text, "text/html; charset=utf-8");
  const sendJson = (res, obj, extra = {}) => {
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(obj);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...extra });
    res.end(body);
  };

  function sleep(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function readBody(request) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      request.on("data", (c) => chunks.push(c));
      request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      request.on("error", reject);
    });
  }

  // [/appid-<app>][/<tenant>]<api path>  →  { tenantId | null, apiPath }
  function splitPath(pathname) {
    const segs = pathname.split("/").filter(Boolean);
    if (segs[0]?.startsWith("appid-")) segs.shift();
    let tenantId = null;
    if (segs.length > 1 && !API_ROOTS.has(segs[0])) tenantId = segs.shift();
    return { tenantId, apiPath: `/${segs.join("/")}` };
  }

  async function onRequest(request, res) {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const raw = await readBody(request).catch(() => null);
    if (raw === null) return;
    const parseBody = () => {
      if (method === "GET" || raw === "") return {};
      const body = tryJson(raw);
      if (!isObject(body)) throw new HttpError(400, "Invalid Json Input");
      return body;
    };

    if (url.pathname.startsWith("/__emu/")) {
      const route = emuRoutes[`${method} ${url.pathname}`];
      if (!route) return sendText(res, 404, "Not found");
      try {
        return sendJson(res, route({ body: parseBody(), query: url.searchParams }));
      } catch (e) {
        return sendText(res, e.status ?? 400, e.message);
      }
    }

    const { tenantId, apiPath } = splitPath(url.pathname);
    const routeKey = `${method} ${apiPath}`;
    stats.counts[routeKey] = (stats.counts[routeKey] ?? 0) + 1;
    stats.requests.push({
      key: routeKey,
      url: request.url,
      tenantId,
      headers: {
        "cdi-version": request.headers["cdi-version"],
        "api-key": request.headers["api-key"],
        rid: request.headers.rid,
      },
      body: tryJson(raw) ?? raw,
    });
    if (stats.requests.length > REQUEST_LOG_MAX) stats.requests.shift();

    if (state.failure === "down") {
      // RST rather than FIN so clients see ECONNRESET, like a crashed core.
      if (typeof request.socket.resetAndDestroy === "function") request.socket.resetAndDestroy();
      else request.socket.destroy();
      return;
    }
    const delay = state.failure === "slow" ? state.slowDelayMs : state.delayMs;
    if (delay > 0) await sleep(delay);
    if (state.failure === "500") return sendText(res, 500, "Internal Error");
    if (state.failure === "html") return send(res, 200, "<html>", "text/html");

    if (method === "GET" && apiPath === "/.well-known/jwks.json") {
      // No cdi-version / api-key needed for the JWKS (the core serves it openly; supertokens-node sends neither).
      if (state.failure === "garbage-jwks") return send(res, 200, "not json", "application/json");
      const body = state.failure === "empty-jwks" ? { keys: [] } : jwks();
      return sendJson(res, body, { "cache-control": "max-age=60, must-revalidate" });
    }

    if (cfg.apiKey !== undefined) {
      const auth = request.headers.authorization;
      const given = request.headers["api-key"] ?? (auth?.startsWith("Bearer ") ? auth.slice(7) : auth);
      if (given !== cfg.apiKey) return sendText(res, 401, "Invalid API key");
    }
    const cdi = request.headers["cdi-version"];
    if (cdi !== undefined && !ACCEPTED_CDI.has(cdi)) return sendText(res, 400, `cdi-version ${cdi} not supported`);

    const route = routes[routeKey];
    if (!route) return sendText(res, 404, "Not found");
    try {
      const out = route({ body: parseBody(), query: url.searchParams, tenantId });
      if (typeof out === "string") return sendText(res, 200, out);
      return sendJson(res, withoutNulls(out)); // the core omits null top-level fields
    } catch (e) {
      if (e instanceof HttpError) return sendText(res, e.status, e.message);
      return sendText(res, 500, String(e?.stack ?? e));
    }
  }

  const server = http.createServer((request, res) => {
    onRequest(request, res).catch((e) => sendText(res, 500, String(e?.stack ?? e)));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve(undefined));
  });
  const port = server.address().port;

  const emulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    keys,
    sessions,
    refreshTokens,
    users,
    config: cfg,
    close: async () => {
      if (state.closed) return;
      state.closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      await closed;
    },
    resetStats,
    reset,
    rotateDynamicKey,
    setFailure,
    setDelay,
    setConfig,
    mintAccessToken,
    signWith,
    jwks,
    keyIds,
    createSession: createTestSession,
    inspectAccessToken,
    upsertUser: (o) => upsertUser(o).user,
    removeUser,
    getUser: (id) => userJson(id),
    setEmailVerified: (userId, email, verified = true) => {
      if (verified) verifiedEmails.add(evKey(userId, email));
      else verifiedEmails.delete(evKey(userId, email));
    },
    isEmailVerified: (userId, email) => verifiedEmails.has(evKey(userId, email)),
  };
  return emulator;
}

// ---------------------------------------------------------------- CLI
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const emu = await startCoreEmulator({ port: Number(arg("--port") ?? 3567), apiKey: arg("--api-key") });
  console.log(`core emulator listening on ${emu.url}`);
  const stop = () => emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

import { describe, expect, it, vi } from "vitest";
import {
  BooleanClaim,
  EmailVerificationClaim,
  PrimitiveArrayClaim,
  PermissionClaim,
  PrimitiveClaim,
  type SessionClaimValidator,
  UserRoleClaim,
} from "../../src/index.js";
import { FrontDoor } from "../../src/worker/index.js";
import {
  API,
  accessTokenOf,
  cookieHeader,
  cookieSession,
  coreUrl,
  countingFetch,
  emu,
  engine,
  frontTokenOf,
  jwtPayload,
  verify,
} from "./helpers/index.js";

const NOW = 1_800_000_000_000;
const now = () => NOW;

describe("claim validators: the SDK's reasons", () => {
  const flag = new BooleanClaim({ key: "st-test", fetchValue: () => undefined, now });
  const roles = new PrimitiveArrayClaim<string>({ key: "st-role", fetchValue: () => undefined, now });
  const tier = new PrimitiveClaim<string>({ key: "tier", fetchValue: () => undefined, now });

  const cases: [string, SessionClaimValidator, Record<string, unknown>, unknown][] = [
    [
      "missing boolean",
      flag.validators.isTrue(),
      {},
      { isValid: false, reason: { message: "value does not exist", expectedValue: true, actualValue: undefined } },
    ],
    [
      "wrong boolean",
      flag.validators.isTrue(),
      { "st-test": { v: false, t: NOW } },
      { isValid: false, reason: { message: "wrong value", expectedValue: true, actualValue: false } },
    ],
    ["right boolean", flag.validators.isTrue(), { "st-test": { v: true, t: NOW } }, { isValid: true }],
    [
      "expired",
      flag.validators.isTrue(60),
      { "st-test": { v: true, t: NOW - 61_000 } },
      { isValid: false, reason: { message: "expired", ageInSeconds: 61, maxAgeInSeconds: 60 } },
    ],
    [
      "primitive",
      tier.validators.hasValue("pro"),
      { tier: { v: "free", t: NOW } },
      { isValid: false, reason: { message: "wrong value", expectedValue: "pro", actualValue: "free" } },
    ],
    [
      "includes missing",
      roles.validators.includes("admin"),
      {},
      {
        isValid: false,
        reason: { message: "value does not exist", expectedToInclude: "admin", actualValue: undefined },
      },
    ],
    [
      "includes wrong",
      roles.validators.includes("admin"),
      { "st-role": { v: ["user"], t: NOW } },
      { isValid: false, reason: { message: "wrong value", expectedToInclude: "admin", actualValue: ["user"] } },
    ],
    [
      "excludes wrong",
      roles.validators.excludes("banned"),
      { "st-role": { v: ["banned"], t: NOW } },
      { isValid: false, reason: { message: "wrong value", expectedToNotInclude: "banned", actualValue: ["banned"] } },
    ],
    [
      "includesAll",
      roles.validators.includesAll(["a", "b"]),
      { "st-role": { v: ["a", "b", "c"], t: NOW } },
      { isValid: true },
    ],
    [
      "excludesAll wrong",
      roles.validators.excludesAll(["a", "b"]),
      { "st-role": { v: ["b"], t: NOW } },
      { isValid: false, reason: { message: "wrong value", expectedToNotInclude: ["a", "b"], actualValue: ["b"] } },
    ],
    [
      "includesAny missing (sic)",
      roles.validators.includesAny(["a"]),
      {},
      {
        isValid: false,
        reason: { message: "value does not exist", expectedToNotInclude: ["a"], actualValue: undefined },
      },
    ],
    [
      "includesAny wrong",
      roles.validators.includesAny(["a", "b"]),
      { "st-role": { v: ["c"], t: NOW } },
      {
        isValid: false,
        reason: { message: "wrong value", expectedToIncludeAtLeastOneOf: ["a", "b"], actualValue: ["c"] },
      },
    ],
  ];
  for (const [name, validator, payload, expected] of cases) {
    it(name, async () => expect(await validator.validate(payload)).toEqual(expected));
  }

  it("refetch rules: missing, older than maxAge, st-ev false for longer than 10 s", () => {
    expect(flag.validators.isTrue().shouldRefetch({})).toBe(true);
    expect(flag.validators.isTrue(60).shouldRefetch({ "st-test": { v: true, t: NOW - 61_000 } })).toBe(true);
    expect(flag.validators.isTrue(60).shouldRefetch({ "st-test": { v: true, t: NOW - 1_000 } })).toBe(false);
    const ev = EmailVerificationClaim.validators.isVerified();
    expect(ev.id).toBe("st-ev");
    const recent = Date.now() - 1_000;
    expect(ev.shouldRefetch({ "st-ev": { v: false, t: recent } })).toBe(false);
    expect(ev.shouldRefetch({ "st-ev": { v: false, t: recent - 20_000 } })).toBe(true);
    expect(ev.shouldRefetch({ "st-ev": { v: true, t: 0 } })).toBe(false);
  });
});

describe("claims in the HTTP flow", () => {
  const plan = new PrimitiveClaim<string>({
    key: "plan",
    fetchValue: ({ userId }) => (userId === "payer" ? "pro" : "free"),
  });

  it("refetches a missing claim through the core, merges it and sends the new token; fails with the SDK's 403", async () => {
    const st = engine({ getGlobalClaimValidators: () => [plan.validators.hasValue("pro")] });
    const ok = await st.getSession(
      new Request(`${API}/x`, { headers: { cookie: cookieHeader(await cookieSession(st, "payer")) } }),
    );
    expect(ok.status).toBe("OK");
    if (ok.status !== "OK") return;
    expect((ok.session!.getAccessTokenPayload().plan as { v: string }).v).toBe("pro");
    const res = ok.applyTo(new Response("x"));
    expect(res.headers.getSetCookie()[0]).toMatch(/^sAccessToken=eyJ/);
    expect(frontTokenOf(res).up.plan.v).toBe("pro");

    const denied = await st.getSession(
      new Request(`${API}/x`, { headers: { cookie: cookieHeader(await cookieSession(st, "free-rider")) } }),
    );
    expect(denied.status).toBe("INVALID_CLAIMS");
    if (denied.status === "OK") return;
    expect(denied.response.status).toBe(403);
    expect(await denied.response.json()).toEqual({
      message: "invalid claim",
      claimValidationErrors: [
        { id: "plan", reason: { message: "wrong value", expectedValue: "pro", actualValue: "free" } },
      ],
    });
  });

  it("overrideGlobalClaimValidators per route; sign-out ignores claims", async () => {
    const st = engine({ getGlobalClaimValidators: () => [plan.validators.hasValue("pro")] });
    const jar = await cookieSession(st, "free-rider");
    const open = await st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(jar) } }), {
      overrideGlobalClaimValidators: () => [],
    });
    expect(open.status).toBe("OK");
    const out = await st.signOut(
      new Request(`${API}/auth/signout`, { method: "POST", headers: { cookie: cookieHeader(jar) } }),
    );
    expect(out.status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The emulator has no user-roles recipe (test/emulator/core.mjs answers neither `/<tenant>/recipe/user/roles` nor
// `/recipe/role/permissions`), so those two core paths are answered by an injected fetch, as the core would; every
// other call goes on to the emulator.

/** A core whose roles recipe knows `roles` ("tenant:userId" → roles) and `permissions` (role → permissions). */
function rolesCore(
  roles: Record<string, string[]>,
  permissions: Record<string, string[]>,
  inner: typeof fetch = (i, init) => fetch(i, init),
) {
  return countingFetch(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const userRoles = /\/([^/]+)\/recipe\/user\/roles$/.exec(url.pathname);
    if (userRoles !== null)
      return Response.json({ status: "OK", roles: roles[`${userRoles[1]}:${url.searchParams.get("userId")}`] ?? [] });
    if (url.pathname.endsWith("/recipe/role/permissions")) {
      const role = url.searchParams.get("role")!;
      return Response.json(
        role in permissions ? { status: "OK", permissions: permissions[role] } : { status: "UNKNOWN_ROLE_ERROR" },
      );
    }
    return inner(input, init);
  });
}

const PERMISSIONS = { admin: ["read", "write"], editor: ["read", "publish"] };

describe("claimsAddedOnCreate", () => {
  const T = 1_800_000_000_000;

  it("a custom claim's value lands in the new token's payload and front token, fetched for that user and tenant", async () => {
    const seen: unknown[] = [];
    const plan = new PrimitiveClaim<string>({
      key: "plan",
      fetchValue: ({ userId, recipeUserId, tenantId }) => {
        seen.push({ userId, recipeUserId, tenantId });
        return "pro";
      },
      now: () => T,
    });
    const nothing = new PrimitiveClaim<string>({ key: "absent", fetchValue: () => undefined });
    const st = engine({ claimsAddedOnCreate: [plan, nothing] });
    const created = await st.createNewSession(new Request(`${API}/login`), "t1", "u-plan", { a: 1 });
    const res = created.applyTo(new Response(""));
    const token = res.headers.get("st-access-token")!;
    expect(jwtPayload(token)).toMatchObject({ a: 1, plan: { v: "pro", t: T }, tId: "t1" });
    expect(jwtPayload(token)).not.toHaveProperty("absent"); // a claim without a value adds nothing
    expect(frontTokenOf(res).up.plan).toEqual({ v: "pro", t: T });
    expect(seen).toEqual([{ userId: "u-plan", recipeUserId: "u-plan", tenantId: "t1" }]);
  });

  it("a linked account: the claim is fetched for the primary user (as supertokens-node)", async () => {
    const tag = Date.now().toString(36);
    const primary = `claims-primary-${tag}`;
    const recipe = `claims-recipe-${tag}`;
    await emu("user", { userId: primary, email: `${primary}@example.com` });
    await emu("user", { userId: recipe, email: `${recipe}@example.com`, primaryUserId: primary });
    const seen: unknown[] = [];
    const plan = new PrimitiveClaim<string>({
      key: "plan",
      fetchValue: ({ userId, recipeUserId }) => {
        seen.push({ userId, recipeUserId });
        return "pro";
      },
    });
    const s = await engine({ claimsAddedOnCreate: [plan] }).createNewSessionWithoutRequestResponse("public", recipe);
    expect(seen).toEqual([{ userId: primary, recipeUserId: recipe }]);
    expect(s.getUserId()).toBe(primary);
    expect(s.getRecipeUserId()).toBe(recipe);
  });

  it("UserRoleClaim and PermissionClaim: the roles and permissions of the user in the session's tenant", async () => {
    const core = rolesCore({ "public:u-roles": ["admin", "editor"], "t1:u-roles": ["editor"] }, PERMISSIONS);
    const st = engine({ claimsAddedOnCreate: [UserRoleClaim, PermissionClaim], fetch: core.fetch });
    const s = await st.createNewSessionWithoutRequestResponse("public", "u-roles");
    const payload = jwtPayload(s.getAccessToken());
    expect((payload["st-role"] as { v: unknown }).v).toEqual(["admin", "editor"]);
    expect((payload["st-perm"] as { v: unknown }).v).toEqual(["read", "write", "publish"]);
    // What was asked of the core: the roles (once per claim), then each role's permissions.
    const asked = core.calls
      .filter((c) => /\/recipe\/(user\/roles|role\/permissions)/.test(c.url))
      .map((c) => `${c.method} ${new URL(c.url).pathname}${new URL(c.url).search}`);
    expect(asked).toEqual([
      "GET /public/recipe/user/roles?userId=u-roles",
      "GET /public/recipe/user/roles?userId=u-roles",
      "GET /recipe/role/permissions?role=admin",
      "GET /recipe/role/permissions?role=editor",
    ]);
    expect(core.to("/recipe/user/roles")[0]!.headers).toMatchObject({ "cdi-version": "5.4", rid: "session" });

    const inT1 = await st.createNewSessionWithoutRequestResponse("t1", "u-roles");
    expect((inT1.getAccessTokenPayload()["st-role"] as { v: unknown }).v).toEqual(["editor"]);
    expect((inT1.getAccessTokenPayload()["st-perm"] as { v: unknown }).v).toEqual(["read", "publish"]);
    expect(core.to("/t1/recipe/user/roles")).toHaveLength(2);
  });
});

describe("UserRoleClaim and PermissionClaim validators", () => {
  const core = rolesCore({ "public:u-admin": ["admin", "editor"], "public:u-none": [] }, PERMISSIONS);

  async function check(
    userId: string,
    validators: SessionClaimValidator[],
    claimsAddedOnCreate = [UserRoleClaim, PermissionClaim],
  ) {
    const st = engine({ claimsAddedOnCreate, fetch: core.fetch, getGlobalClaimValidators: () => validators });
    const jar = await cookieSession(st, userId);
    return st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(jar) } }));
  }

  it("includes / excludes / includesAll / excludesAll pass on the right values", async () => {
    const ok = await check("u-admin", [
      UserRoleClaim.validators.includes("admin"),
      UserRoleClaim.validators.excludes("banned"),
      PermissionClaim.validators.includesAll(["read", "publish"]),
      PermissionClaim.validators.excludesAll(["delete", "drop"]),
      PermissionClaim.validators.includesAny(["delete", "write"]),
    ]);
    expect(ok.status).toBe("OK");
  });

  it("failures answer the SDK's 403 with every failing validator's reason, in order", async () => {
    const denied = await check("u-admin", [
      UserRoleClaim.validators.excludes("admin"),
      UserRoleClaim.validators.includes("admin"),
      PermissionClaim.validators.includes("delete"),
      PermissionClaim.validators.excludesAll(["write", "drop"]),
    ]);
    expect(denied.status).toBe("INVALID_CLAIMS");
    if (denied.status === "OK") return;
    expect(denied.response.status).toBe(403);
    expect(await denied.response.json()).toEqual({
      message: "invalid claim",
      claimValidationErrors: [
        {
          id: "st-role",
          reason: { message: "wrong value", expectedToNotInclude: "admin", actualValue: ["admin", "editor"] },
        },
        {
          id: "st-perm",
          reason: { message: "wrong value", expectedToInclude: "delete", actualValue: ["read", "write", "publish"] },
        },
        {
          id: "st-perm",
          reason: {
            message: "wrong value",
            expectedToNotInclude: ["write", "drop"],
            actualValue: ["read", "write", "publish"],
          },
        },
      ],
    });
  });

  it("a session without the claim refetches it through the core, and the new token carries it", async () => {
    const ok = await check("u-admin", [UserRoleClaim.validators.includes("admin")], []);
    expect(ok.status).toBe("OK");
    if (ok.status !== "OK") return;
    expect(ok.session.accessTokenUpdated).toBe(true);
    const res = ok.applyTo(new Response(""));
    expect(frontTokenOf(res).up["st-role"].v).toEqual(["admin", "editor"]);

    const none = await check("u-none", [UserRoleClaim.validators.includes("admin")], []);
    if (none.status === "OK") throw new Error("expected INVALID_CLAIMS");
    expect(await none.response.json()).toEqual({
      message: "invalid claim",
      claimValidationErrors: [
        { id: "st-role", reason: { message: "wrong value", expectedToInclude: "admin", actualValue: [] } },
      ],
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe("honest errors: a bug is a bug, an outage is an outage", () => {
  const boom: SessionClaimValidator = {
    id: "x",
    shouldRefetch: () => false,
    validate: () => {
      throw new Error("boom");
    },
  };

  it("an exception thrown by a user's claim validator propagates out of st.getSession (not a 503)", async () => {
    const st = engine({ getGlobalClaimValidators: () => [boom] });
    const jar = await cookieSession(st, "u-boom");
    await expect(st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(jar) } }))).rejects.toThrow(
      new Error("boom"),
    );
  });

  it("a core that is down while a claim is refetched is CORE_UNAVAILABLE, the SDK-shaped 503", async () => {
    let down = false;
    const core = rolesCore({ "public:u-down": ["admin"] }, PERMISSIONS);
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError("connection refused")) : core.fetch(input, init);
    const st = engine({
      fetch: flaky,
      coreTimeoutMs: 500,
      getGlobalClaimValidators: () => [UserRoleClaim.validators.includes("admin")],
    });
    const token = await accessTokenOf("u-down");
    expect((await verify(st, token)).status).toBe("OK"); // the JWKS is in memory now
    down = true;
    const r = await st.getSession(new Request(`${API}/x`, { headers: { authorization: `Bearer ${token}` } }));
    expect(r).toMatchObject({ status: "CORE_UNAVAILABLE", reason: "core-unreachable" });
    if (r.status === "OK") return;
    expect(r.response.status).toBe(503);
    expect(await r.response.json()).toEqual({ message: "SuperTokens core unavailable", code: "ERR_CORE_UNREACHABLE" });
  });

  describe("through the front door", () => {
    let down = false;
    const core = rolesCore({ "public:u-fd": ["admin"] }, PERMISSIONS);
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError("connection refused")) : core.fetch(input, init);
    const door = (validator: SessionClaimValidator) =>
      new FrontDoor({
        supertokens: {
          connectionURI: coreUrl(),
          appInfo: { apiDomain: "https://front.test" },
          fetch: flaky,
          coreTimeoutMs: 500,
          getGlobalClaimValidators: () => [validator],
        },
        originURL: "http://origin.test",
        fetch: async () => new Response("origin ok"),
      });

    it("a throwing validator is a 500 ERR_INTERNAL with no details; the error goes to the logs", async () => {
      const logged: unknown[][] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args));
      try {
        const res = await door(boom).fetch(
          new Request("https://front.test/api/me", {
            headers: { authorization: `Bearer ${await accessTokenOf("u-fd")}` },
          }),
        );
        expect(res.status).toBe(500);
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ message: "internal error", code: "ERR_INTERNAL" });
        expect(text).not.toMatch(/boom|at |\.ts/);
      } finally {
        spy.mockRestore();
      }
      expect(logged).toHaveLength(1);
      expect(logged[0]![0]).toBe("supertokens-edge front door:");
      expect(logged[0]![1]).toEqual(new Error("boom"));
    });

    it("a core that is down is still a 503 CORE_UNAVAILABLE", async () => {
      const d = door(UserRoleClaim.validators.includes("admin"));
      const token = await accessTokenOf("u-fd");
      const warm = await d.fetch(
        new Request("https://front.test/api/me", { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(warm.status).toBe(200);
      expect(await warm.text()).toBe("origin ok");
      down = true;
      try {
        const res = await d.fetch(
          new Request("https://front.test/api/me", { headers: { authorization: `Bearer ${token}` } }),
        );
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ message: "SuperTokens core unavailable", code: "ERR_CORE_UNREACHABLE" });
      } finally {
        down = false;
      }
    });
  });
});

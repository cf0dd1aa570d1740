import { describe, expect, it } from "vitest";
import {
  BooleanClaim,
  EmailVerificationClaim,
  PrimitiveArrayClaim,
  PrimitiveClaim,
  type SessionClaimValidator,
} from "../../src/index.js";
import { API, cookieHeader, cookieSession, engine, frontTokenOf } from "./helpers/index.js";

const NOW = 1_800_000_000_000;
const now = () => NOW;

describe("claim validators: the SDK's reasons (protocol §7.3)", () => {
  const flag = new BooleanClaim({ key: "st-test", fetchValue: () => undefined, now });
  const roles = new PrimitiveArrayClaim<string>({ key: "st-role", fetchValue: () => undefined, now });
  const tier = new PrimitiveClaim<string>({ key: "tier", fetchValue: () => undefined, now });

  const cases: [string, SessionClaimValidator, Record<string, unknown>, unknown][] = [
    ["missing boolean", flag.validators.isTrue(), {}, { isValid: false, reason: { message: "value does not exist", expectedValue: true, actualValue: undefined } }],
    ["wrong boolean", flag.validators.isTrue(), { "st-test": { v: false, t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedValue: true, actualValue: false } }],
    ["right boolean", flag.validators.isTrue(), { "st-test": { v: true, t: NOW } }, { isValid: true }],
    ["expired", flag.validators.isTrue(60), { "st-test": { v: true, t: NOW - 61_000 } }, { isValid: false, reason: { message: "expired", ageInSeconds: 61, maxAgeInSeconds: 60 } }],
    ["primitive", tier.validators.hasValue("pro"), { tier: { v: "free", t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedValue: "pro", actualValue: "free" } }],
    ["includes missing", roles.validators.includes("admin"), {}, { isValid: false, reason: { message: "value does not exist", expectedToInclude: "admin", actualValue: undefined } }],
    ["includes wrong", roles.validators.includes("admin"), { "st-role": { v: ["user"], t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedToInclude: "admin", actualValue: ["user"] } }],
    ["excludes wrong", roles.validators.excludes("banned"), { "st-role": { v: ["banned"], t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedToNotInclude: "banned", actualValue: ["banned"] } }],
    ["includesAll", roles.validators.includesAll(["a", "b"]), { "st-role": { v: ["a", "b", "c"], t: NOW } }, { isValid: true }],
    ["excludesAll wrong", roles.validators.excludesAll(["a", "b"]), { "st-role": { v: ["b"], t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedToNotInclude: ["a", "b"], actualValue: ["b"] } }],
    ["includesAny missing (sic)", roles.validators.includesAny(["a"]), {}, { isValid: false, reason: { message: "value does not exist", expectedToNotInclude: ["a"], actualValue: undefined } }],
    ["includesAny wrong", roles.validators.includesAny(["a", "b"]), { "st-role": { v: ["c"], t: NOW } }, { isValid: false, reason: { message: "wrong value", expectedToIncludeAtLeastOneOf: ["a", "b"], actualValue: ["c"] } }],
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
  const plan = new PrimitiveClaim<string>({ key: "plan", fetchValue: ({ userId }) => (userId === "payer" ? "pro" : "free") });

  it("refetches a missing claim through the core, merges it and sends the new token; fails with the SDK's 403", async () => {
    const st = engine({ getGlobalClaimValidators: () => [plan.validators.hasValue("pro")] });
    const ok = await st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(await cookieSession(st, "payer")) } }));
    expect(ok.status).toBe("OK");
    if (ok.status !== "OK") return;
    expect((ok.session!.getAccessTokenPayload().plan as { v: string }).v).toBe("pro");
    const res = ok.applyTo(new Response("x"));
    expect(res.headers.getSetCookie()[0]).toMatch(/^sAccessToken=eyJ/);
    expect(frontTokenOf(res).up.plan.v).toBe("pro");

    const denied = await st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(await cookieSession(st, "free-rider")) } }));
    expect(denied.status).toBe("INVALID_CLAIMS");
    if (denied.status === "OK") return;
    expect(denied.response.status).toBe(403);
    expect(await denied.response.json()).toEqual({
      message: "invalid claim",
      claimValidationErrors: [{ id: "plan", reason: { message: "wrong value", expectedValue: "pro", actualValue: "free" } }],
    });
  });

  it("overrideGlobalClaimValidators per route; sign-out ignores claims", async () => {
    const st = engine({ getGlobalClaimValidators: () => [plan.validators.hasValue("pro")] });
    const jar = await cookieSession(st, "free-rider");
    const open = await st.getSession(new Request(`${API}/x`, { headers: { cookie: cookieHeader(jar) } }), {
      overrideGlobalClaimValidators: () => [],
    });
    expect(open.status).toBe("OK");
    const out = await st.signOut(new Request(`${API}/auth/signout`, { method: "POST", headers: { cookie: cookieHeader(jar) } }));
    expect(out.status).toBe(200);
  });
});

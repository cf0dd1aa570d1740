import { Querier } from "../core/querier.js";
import type { JsonObject } from "../token/json.js";

// Session claims as supertokens-node defines them: payload entries `{ v: value, t: fetchedAtMs }` under a key,
// validators that may ask for a refetch, and the exact failure reasons the SDK puts in a 403 body.
// Which validators run, and what happens with their results, is decided in claim-validation.ts.

export type ClaimValidationResult = { isValid: true } | { isValid: false; reason?: unknown };

export interface SessionClaimValidator {
  id: string;
  /** Present for validators of a claim whose value can be (re)fetched. */
  claim?: SessionClaim<unknown>;
  shouldRefetch(payload: JsonObject): boolean | Promise<boolean>;
  validate(payload: JsonObject): ClaimValidationResult | Promise<ClaimValidationResult>;
}

export interface ClaimValidationError {
  id: string;
  reason?: unknown;
}

export interface ClaimFetchContext {
  userId: string;
  recipeUserId: string;
  tenantId: string;
  payload: JsonObject;
  /** The core client, for claims whose value lives in the core (email verification, roles). */
  core: Querier;
}

export type ClaimFetcher<T> = (input: ClaimFetchContext) => Promise<T | undefined> | T | undefined;

export class SessionClaim<T> {
  readonly key: string;
  readonly fetchValue: ClaimFetcher<T>;
  readonly now: () => number;

  constructor(conf: { key: string; fetchValue: ClaimFetcher<T>; now?: () => number }) {
    this.key = conf.key;
    this.fetchValue = conf.fetchValue;
    this.now = conf.now ?? (() => Date.now());
  }

  getValueFromPayload(payload: JsonObject): T | undefined {
    const entry = payload[this.key] as { v?: T } | undefined | null;
    return entry?.v;
  }

  getLastRefetchTime(payload: JsonObject): number | undefined {
    const entry = payload[this.key] as { t?: number } | undefined | null;
    return entry?.t;
  }

  addToPayload(payload: JsonObject, value: T): JsonObject {
    return { ...payload, [this.key]: { v: value, t: this.now() } };
  }

  removeFromPayloadByMerge(payload: JsonObject): JsonObject {
    return { ...payload, [this.key]: null };
  }

  protected isStale(payload: JsonObject, maxAgeInSeconds: number | undefined): boolean {
    if (this.getValueFromPayload(payload) === undefined) return true;
    const t = this.getLastRefetchTime(payload);
    return maxAgeInSeconds !== undefined && (t ?? 0) < this.now() - maxAgeInSeconds * 1000;
  }

  /**
   * The SDK's validator skeleton: refetch when missing or older than `maxAgeInSeconds`; fail with "value does not
   * exist", then "expired", then "wrong value" (reason keys in the SDK's order, `expected` naming the expectation).
   */
  protected makeValidator(
    id: string | undefined,
    maxAgeInSeconds: number | undefined,
    expected: { missing: Record<string, unknown>; wrong: Record<string, unknown> },
    matches: (value: T) => boolean,
  ): SessionClaimValidator {
    return {
      id: id ?? this.key,
      claim: this as SessionClaim<unknown>,
      shouldRefetch: (payload) => this.isStale(payload, maxAgeInSeconds),
      validate: (payload) => {
        const v = this.getValueFromPayload(payload);
        if (v === undefined) {
          return { isValid: false, reason: { message: "value does not exist", ...expected.missing, actualValue: v } };
        }
        const expired = this.expired(payload, maxAgeInSeconds);
        if (expired) return expired;
        if (!matches(v))
          return { isValid: false, reason: { message: "wrong value", ...expected.wrong, actualValue: v } };
        return { isValid: true };
      },
    };
  }

  protected expired(payload: JsonObject, maxAgeInSeconds: number | undefined) {
    if (maxAgeInSeconds === undefined) return undefined;
    const ageInSeconds = (this.now() - (this.getLastRefetchTime(payload) ?? 0)) / 1000;
    return ageInSeconds > maxAgeInSeconds
      ? { isValid: false as const, reason: { message: "expired", ageInSeconds, maxAgeInSeconds } }
      : undefined;
  }
}

export class PrimitiveClaim<T extends string | number | boolean> extends SessionClaim<T> {
  readonly defaultMaxAgeInSeconds: number | undefined;
  constructor(conf: { key: string; fetchValue: ClaimFetcher<T>; defaultMaxAgeInSeconds?: number; now?: () => number }) {
    super(conf);
    this.defaultMaxAgeInSeconds = conf.defaultMaxAgeInSeconds;
  }

  readonly validators = {
    hasValue: (val: T, maxAgeInSeconds?: number, id?: string) => this.hasValue(val, maxAgeInSeconds, id),
  };

  protected hasValue(val: T, maxAgeInSeconds = this.defaultMaxAgeInSeconds, id?: string): SessionClaimValidator {
    const e = { expectedValue: val };
    return this.makeValidator(id, maxAgeInSeconds, { missing: e, wrong: e }, (v) => v === val);
  }
}

export class BooleanClaim extends PrimitiveClaim<boolean> {
  override readonly validators = {
    hasValue: (val: boolean, maxAgeInSeconds?: number, id?: string) => this.hasValue(val, maxAgeInSeconds, id),
    isTrue: (maxAgeInSeconds?: number, id?: string) => this.hasValue(true, maxAgeInSeconds, id),
    isFalse: (maxAgeInSeconds?: number, id?: string) => this.hasValue(false, maxAgeInSeconds, id),
  };
}

type ArrayCheck = "includes" | "excludes" | "includesAll" | "excludesAll" | "includesAny";

export class PrimitiveArrayClaim<T extends string | number | boolean> extends SessionClaim<T[]> {
  readonly defaultMaxAgeInSeconds: number | undefined;
  constructor(conf: {
    key: string;
    fetchValue: ClaimFetcher<T[]>;
    defaultMaxAgeInSeconds?: number;
    now?: () => number;
  }) {
    super(conf);
    this.defaultMaxAgeInSeconds = conf.defaultMaxAgeInSeconds;
  }

  private validator(
    check: ArrayCheck,
    expected: T | T[],
    maxAgeInSeconds: number | undefined,
    id?: string,
  ): SessionClaimValidator {
    // The reason keys supertokens-node uses, including includesAny's "expectedToNotInclude" when missing (sic).
    const missingKey = check === "includes" || check === "includesAll" ? "expectedToInclude" : "expectedToNotInclude";
    const wrongKey = check === "includesAny" ? "expectedToIncludeAtLeastOneOf" : missingKey;
    const ok = (v: T[]): boolean => {
      const list = Array.isArray(expected) ? expected : [expected];
      switch (check) {
        case "includes":
        case "includesAll":
          return list.every((x) => v.includes(x));
        case "excludes":
        case "excludesAll":
          return list.every((x) => !v.includes(x));
        case "includesAny":
          return list.some((x) => v.includes(x));
      }
    };
    return this.makeValidator(
      id,
      maxAgeInSeconds,
      { missing: { [missingKey]: expected }, wrong: { [wrongKey]: expected } },
      (v) => Array.isArray(v) && ok(v),
    );
  }

  readonly validators = {
    includes: (val: T, maxAge = this.defaultMaxAgeInSeconds, id?: string) =>
      this.validator("includes", val, maxAge, id),
    excludes: (val: T, maxAge = this.defaultMaxAgeInSeconds, id?: string) =>
      this.validator("excludes", val, maxAge, id),
    includesAll: (vals: T[], maxAge = this.defaultMaxAgeInSeconds, id?: string) =>
      this.validator("includesAll", vals, maxAge, id),
    excludesAll: (vals: T[], maxAge = this.defaultMaxAgeInSeconds, id?: string) =>
      this.validator("excludesAll", vals, maxAge, id),
    includesAny: (vals: T[], maxAge = this.defaultMaxAgeInSeconds, id?: string) =>
      this.validator("includesAny", vals, maxAge, id),
  };
}

/** The recipe user's email; `undefined` when it has none (passwordless by phone, …). */
function recipeUserEmail(user: unknown, recipeUserId: string): string | undefined {
  const methods = (user as { loginMethods?: { recipeUserId?: string; email?: string }[] } | undefined)?.loginMethods;
  const method = Array.isArray(methods) ? methods.find((m) => m.recipeUserId === recipeUserId) : undefined;
  if (method === undefined) throw new Error("UNKNOWN_USER_ID"); // as the SDK: the user has no such login method
  return method.email;
}

/** `st-ev`: the email-verification recipe's claim; its value is fetched from the core like the SDK does. */
export class EmailVerificationClaimClass extends BooleanClaim {
  constructor() {
    super({
      key: "st-ev",
      fetchValue: async ({ recipeUserId, core }) => {
        const user = await core.get("/user/id", { userId: recipeUserId });
        if (user.status !== "OK") throw new Error("UNKNOWN_USER_ID");
        const email = recipeUserEmail(user.user, recipeUserId);
        if (email === undefined) return true; // no email: considered verified (as the SDK)
        const res = await core.get("/recipe/user/email/verify", { userId: recipeUserId, email });
        return res.isVerified === true;
      },
    });
  }

  override readonly validators = {
    hasValue: (val: boolean, maxAgeInSeconds?: number, id?: string) => this.hasValue(val, maxAgeInSeconds, id),
    isTrue: (maxAgeInSeconds?: number, id?: string) => this.hasValue(true, maxAgeInSeconds, id),
    isFalse: (maxAgeInSeconds?: number, id?: string) => this.hasValue(false, maxAgeInSeconds, id),
    /** As the SDK: refetch when missing, past `maxAgeInSeconds`, or `false` for longer than `refetchTimeOnFalseInSeconds`. */
    isVerified: (refetchTimeOnFalseInSeconds = 10, maxAgeInSeconds?: number): SessionClaimValidator => {
      const base = this.hasValue(true, maxAgeInSeconds, "st-ev");
      return {
        ...base,
        shouldRefetch: (payload) => {
          const v = this.getValueFromPayload(payload);
          if (v === undefined) return true;
          const t = this.getLastRefetchTime(payload) ?? 0;
          if (maxAgeInSeconds !== undefined && t < this.now() - maxAgeInSeconds * 1000) return true;
          return v === false && t < this.now() - refetchTimeOnFalseInSeconds * 1000;
        },
      };
    },
  };
}

export const EmailVerificationClaim = /* @__PURE__ */ new EmailVerificationClaimClass();

/** `st-role`: the user's roles in the session's tenant. */
export const UserRoleClaim = /* @__PURE__ */ new PrimitiveArrayClaim<string>({
  key: "st-role",
  fetchValue: async ({ userId, tenantId, core }) => {
    const res = await core.get(Querier.tenantPath("/<tenantId>/recipe/user/roles", tenantId), { userId });
    return Array.isArray(res.roles) ? (res.roles as string[]) : [];
  },
});

/** `st-perm`: the permissions of all the user's roles in the session's tenant. */
export const PermissionClaim = /* @__PURE__ */ new PrimitiveArrayClaim<string>({
  key: "st-perm",
  fetchValue: async ({ userId, tenantId, core }) => {
    const res = await core.get(Querier.tenantPath("/<tenantId>/recipe/user/roles", tenantId), { userId });
    const roles = Array.isArray(res.roles) ? (res.roles as string[]) : [];
    const perms = new Set<string>();
    for (const role of roles) {
      const p = await core.get("/recipe/role/permissions", { role });
      if (Array.isArray(p.permissions)) for (const x of p.permissions) perms.add(String(x));
    }
    return [...perms];
  },
});

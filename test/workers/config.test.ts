// The configuration a user writes: every wrong option is a TypeError whose whole message names it (src/config.ts
// `resolveConfig`), and the defaults that depend on the two domains — SameSite, then the anti-CSRF mode — as the
// cookies and the answers show them.
import { describe, expect, it } from "vitest";
import { siteOf } from "../../src/config.js";
import { createSuperTokens, type SuperTokensConfig } from "../../src/index.js";
import { cookieHeader, cookieJar, engine } from "./helpers/index.js";

/** What `createSuperTokens(config)` threw (the test fails if it did not throw). */
function thrownBy(config: unknown): Error {
  try {
    createSuperTokens(config as SuperTokensConfig);
  } catch (e) {
    return e as Error;
  }
  throw new Error("createSuperTokens did not throw");
}

const base = { connectionURI: "http://c", appInfo: { apiDomain: "a.com" } };

describe("config is validated once: a TypeError whose whole message names the option", () => {
  const cases: [name: string, config: unknown, message: string][] = [
    ["no config", null, "createSuperTokens needs a config object"],
    [
      "no connectionURI",
      { connectionURI: "", appInfo: { apiDomain: "a.com" } },
      "connectionURI is required (a string)",
    ],
    [
      "connectionURI not a string",
      { connectionURI: 3567, appInfo: { apiDomain: "a.com" } },
      "connectionURI is required (a string)",
    ],
    [
      "connectionURI of separators only",
      { connectionURI: " ; ", appInfo: { apiDomain: "a.com" } },
      "connectionURI is required (a string)",
    ],
    [
      "bad connectionURI",
      { connectionURI: "not a url", appInfo: { apiDomain: "a.com" } },
      "connectionURI has an entry that is not a valid URL",
    ],
    [
      "ftp connectionURI",
      { connectionURI: "ftp://x", appInfo: { apiDomain: "a.com" } },
      "connectionURI entries must be http(s) URLs",
    ],
    ["no appInfo", { connectionURI: "http://c" }, "appInfo is required ({ apiDomain, … })"],
    ["no apiDomain", { connectionURI: "http://c", appInfo: {} }, "appInfo.apiDomain is required"],
    ["apiDomain not a string", { ...base, appInfo: { apiDomain: 443 } }, "appInfo.apiDomain must be a string, got 443"],
    ["empty apiDomain", { ...base, appInfo: { apiDomain: "  " } }, "appInfo.apiDomain must not be empty"],
    [
      "apiDomain not a URL",
      { ...base, appInfo: { apiDomain: "http://" } },
      'appInfo.apiDomain is not a valid URL: "http://"',
    ],
    [
      "ftp apiDomain",
      { ...base, appInfo: { apiDomain: "ftp://a.com" } },
      'appInfo.apiDomain must be http(s), got "ftp://a.com"',
    ],
    [
      "ftp websiteDomain",
      { ...base, appInfo: { apiDomain: "a.com", websiteDomain: "ftp://a.com" } },
      'appInfo.websiteDomain must be http(s), got "ftp://a.com"',
    ],
    [
      "apiBasePath with a query",
      { ...base, appInfo: { apiDomain: "a.com", apiBasePath: "/auth?x" } },
      'appInfo.apiBasePath must be a plain path, got "/auth?x"',
    ],
    [
      "apiBasePath with an escape",
      { ...base, appInfo: { apiDomain: "a.com", apiBasePath: "/a%2Fb" } },
      'appInfo.apiBasePath must be a plain path, got "/a%2Fb"',
    ],
    [
      "apiBasePath with dot segments",
      { ...base, appInfo: { apiDomain: "a.com", apiBasePath: "/a/../auth" } },
      'appInfo.apiBasePath must not contain dot segments, got "/a/../auth"',
    ],
    [
      "apiGatewayPath not a string",
      { ...base, appInfo: { apiDomain: "a.com", apiGatewayPath: 1 } },
      "appInfo.apiGatewayPath must be a string, got 1",
    ],
    [
      "apiKey not a string (named, never shown: it is a secret)",
      { ...base, apiKey: 42 },
      "apiKey must be a string, got a number",
    ],
    // The SDK's own wording would be "must be one of"; ours lists the values without a conjunction.
    [
      "bad antiCsrf",
      { ...base, antiCsrf: "YES" },
      'antiCsrf must be one of "VIA_TOKEN", "VIA_CUSTOM_HEADER" or "NONE", got "YES"',
    ],
    [
      "antiCsrf x",
      { ...base, antiCsrf: "x" },
      'antiCsrf must be one of "VIA_TOKEN", "VIA_CUSTOM_HEADER" or "NONE", got "x"',
    ],
    [
      "cookieSameSite not one of the three",
      { ...base, cookieSameSite: "sideways" },
      'cookieSameSite must be one of "strict", "lax" or "none", got "sideways"',
    ],
    ["bad interval", { ...base, jwksRefreshIntervalSec: -1 }, "jwksRefreshIntervalSec must be a number ≥ 1, got -1"],
    [
      "interval as a string",
      { ...base, jwksRefreshIntervalSec: "60" },
      'jwksRefreshIntervalSec must be a number ≥ 1, got "60"',
    ],
    [
      "sessionExpiredStatusCode 600",
      { ...base, sessionExpiredStatusCode: 600 },
      "sessionExpiredStatusCode must be an integer from 400 to 599, got 600",
    ],
    [
      "sessionExpiredStatusCode 399",
      { ...base, sessionExpiredStatusCode: 399 },
      "sessionExpiredStatusCode must be an integer from 400 to 599, got 399",
    ],
    [
      "invalidClaimStatusCode not an integer",
      { ...base, invalidClaimStatusCode: 403.5 },
      "invalidClaimStatusCode must be an integer from 400 to 599, got 403.5",
    ],
    [
      "same status codes",
      { ...base, sessionExpiredStatusCode: 403 },
      "sessionExpiredStatusCode and invalidClaimStatusCode must differ",
    ],
    [
      "bad KV",
      { ...base, jwksCache: {} },
      "jwksCache must be a Workers KV namespace or an object with get(key) and put(key, value, { expirationTtl })",
    ],
    ["fetch not a function", { ...base, fetch: "fetch" }, 'fetch must be a function, got "fetch"'],
    [
      "useDynamicAccessTokenSigningKey not a boolean",
      { ...base, useDynamicAccessTokenSigningKey: "yes" },
      'useDynamicAccessTokenSigningKey must be a boolean, got "yes"',
    ],
    ["cookieSecure as a string", { ...base, cookieSecure: "true" }, 'cookieSecure must be a boolean, got "true"'],
    [
      "cookieSecure as a function",
      { ...base, cookieSecure: () => true },
      "cookieSecure must be a boolean, got a function",
    ],
    [
      "exposeAccessToken… not a boolean",
      { ...base, exposeAccessTokenToFrontendInCookieBasedAuth: 1 },
      "exposeAccessTokenToFrontendInCookieBasedAuth must be a boolean, got 1",
    ],
    ["coreTimeoutMs 0", { ...base, coreTimeoutMs: 0 }, "coreTimeoutMs must be a number ≥ 1, got 0"],
    ["jwksCooldownMs negative", { ...base, jwksCooldownMs: -1 }, "jwksCooldownMs must be a number ≥ 0, got -1"],
    [
      "verifiedTokenCacheSize 1.5",
      { ...base, verifiedTokenCacheSize: 1.5 },
      "verifiedTokenCacheSize must be an integer ≥ 0, got 1.5",
    ],
    ["cookieDomain not a string", { ...base, cookieDomain: 1 }, "cookieDomain must be a string, got 1"],
    [
      "cookieDomain with a space",
      { ...base, cookieDomain: "exa mple.com" },
      'cookieDomain is not a valid domain, got "exa mple.com"',
    ],
    [
      "olderCookieDomain with a port and a bad character",
      { ...base, olderCookieDomain: "a_b.com" },
      'olderCookieDomain is not a valid domain, got "a_b.com"',
    ],
    [
      "accessTokenPath with a space",
      { ...base, accessTokenPath: "/a b" },
      'accessTokenPath must be a plain path, got "/a b"',
    ],
    [
      "getTokenTransferMethod as a value",
      { ...base, getTokenTransferMethod: "cookie" },
      'getTokenTransferMethod must be a function, got "cookie"',
    ],
    ["now as a value", { ...base, now: 5 }, "now must be a function, got 5"],
    [
      "claimsAddedOnCreate of non-claims",
      { ...base, claimsAddedOnCreate: [{}] },
      "claimsAddedOnCreate must be an array of claims (e.g. [UserRoleClaim])",
    ],
    [
      "claimsAddedOnCreate not an array",
      { ...base, claimsAddedOnCreate: "st-role" },
      "claimsAddedOnCreate must be an array of claims (e.g. [UserRoleClaim])",
    ],
    [
      "getGlobalClaimValidators as a list",
      { ...base, getGlobalClaimValidators: [] },
      "getGlobalClaimValidators must be a function, got []",
    ],
    ["onEvent as a value", { ...base, onEvent: "x" }, 'onEvent must be a function, got "x"'],
    ["debug as a number", { ...base, debug: 1 }, "debug must be a boolean, got 1"],
  ];
  it.each(cases)("%s", (_name, config, message) => {
    const e = thrownBy(config);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(`supertokens-edge: ${message}`);
  });

  it("a connectionURI is never echoed (it can carry credentials)", () => {
    for (const connectionURI of [
      "http://admin:s3cret@core.example.com;not a url s3cret",
      "ftp://admin:s3cret@core.example.com",
    ]) {
      const e = thrownBy({ connectionURI, appInfo: { apiDomain: "a.com" } });
      expect(e.message).not.toContain("s3cret");
    }
  });

  // Was a bug (src/config.ts `show`): an apiKey of the wrong type is echoed in the message (`got ["sk-live-…"]`), unlike
  // connectionURI, which is never echoed because it can carry credentials; an API key always is one.
  it("an apiKey of the wrong type is named but never echoed", () => {
    const e = thrownBy({ ...base, apiKey: ["sk-live-s3cret"] });
    expect(e.message).toMatch(/^supertokens-edge: apiKey must be a string/);
    expect(e.message).not.toContain("s3cret");
  });

  // Was a bug (src/config.ts `show`): the value is printed with JSON.stringify, which throws for a BigInt, so the
  // TypeError the user gets is "Do not know how to serialize a BigInt", naming no option.
  it("a BigInt status code still names the option", () => {
    const e = thrownBy({ ...base, sessionExpiredStatusCode: 401n });
    expect(e.message).toBe("supertokens-edge: sessionExpiredStatusCode must be an integer from 400 to 599, got 401n");
  });

  // Was a bug (src/config.ts `show`): JSON.stringify(NaN) is "null", so the message says "got null" for NaN (and Infinity).
  it("NaN is shown as NaN, not as null", () => {
    expect(thrownBy({ ...base, jwksRefreshIntervalSec: Number.NaN }).message).toBe(
      "supertokens-edge: jwksRefreshIntervalSec must be a number ≥ 1, got NaN",
    );
  });

  it('cookieSameSite is case-insensitive, as supertokens-node ("Lax" is lax)', () => {
    expect(createSuperTokens({ ...base, cookieSameSite: "Lax" as never }).config.cookieSameSite).toBe("lax");
  });

  it("valid edge values are accepted", () => {
    const st = createSuperTokens({
      ...base,
      sessionExpiredStatusCode: 599,
      invalidClaimStatusCode: 400,
      verifiedTokenCacheSize: 0,
      jwksCooldownMs: 0,
      jwksRefreshIntervalSec: 1,
      apiKey: "",
      cookieDomain: "",
      appInfo: { apiDomain: "a.com", apiBasePath: "/", apiGatewayPath: "/gw/" },
    });
    expect(st.config).toMatchObject({
      apiDomain: "https://a.com",
      apiBasePath: "",
      apiGatewayPath: "/gw",
      refreshTokenPath: "/gw/session/refresh",
      apiKey: undefined,
      sessionExpiredStatusCode: 599,
      invalidClaimStatusCode: 400,
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// SameSite "site": siteOf (a registrable-domain heuristic, src/config.ts) decides the default SameSite, and SameSite
// decides the default anti-CSRF mode (VIA_CUSTOM_HEADER for None, else NONE), as supertokens-node does.

describe("siteOf", () => {
  const table: [origin: string, site: string][] = [
    ["https://example.com", "example.com"],
    ["https://api.example.com", "example.com"],
    ["https://a.b.c.example.com:8443", "example.com"],
    ["https://API.Example.COM", "example.com"],
    ["https://shop.co.uk", "shop.co.uk"],
    ["https://api.shop.co.uk", "shop.co.uk"],
    ["https://www.example.com.au", "example.com.au"],
    ["https://example.io", "example.io"],
    ["https://alice.workers.dev", "alice.workers.dev"],
    ["https://api.alice.workers.dev", "alice.workers.dev"],
    ["https://my-app.vercel.app", "my-app.vercel.app"],
    ["https://preview.my-app.vercel.app", "my-app.vercel.app"],
    ["https://x.pages.dev", "x.pages.dev"],
    ["http://localhost:3000", "localhost"],
    ["http://127.0.0.1:8080", "localhost"],
    ["http://10.0.0.7", "localhost"],
    ["http://[::1]:3000", "localhost"],
  ];
  it.each(table)("%s → %s", (origin, site) => expect(siteOf(origin)).toBe(site));
});

describe("the default SameSite and anti-CSRF mode, as the cookies and answers show them", () => {
  const rows: [name: string, apiDomain: string, websiteDomain: string, sameSite: "lax" | "none"][] = [
    ["the same origin", "https://example.com", "https://example.com", "lax"],
    ["a sub-domain API", "https://api.example.com", "https://example.com", "lax"],
    ["two sub-domains", "https://api.example.com", "https://app.example.com", "lax"],
    ["different registrable domains", "https://api.example.com", "https://example.org", "none"],
    ["co.uk: one shop", "https://api.shop.co.uk", "https://www.shop.co.uk", "lax"],
    ["co.uk: two shops", "https://api.shop.co.uk", "https://other.co.uk", "none"],
    ["workers.dev: one account", "https://api.alice.workers.dev", "https://alice.workers.dev", "lax"],
    ["workers.dev: two accounts", "https://api.alice.workers.dev", "https://bob.workers.dev", "none"],
    ["vercel.app: two projects", "https://api-app.vercel.app", "https://web-app.vercel.app", "none"],
    ["vercel.app: one project", "https://api.web-app.vercel.app", "https://web-app.vercel.app", "lax"],
    ["https API, http website", "https://api.example.com", "http://example.com", "none"],
    ["localhost, two ports", "http://localhost:3001", "http://localhost:3000", "lax"],
    ["an IP and localhost", "http://127.0.0.1:8080", "http://localhost:3000", "lax"],
    [
      "two private IPs (every IP counts as localhost, as supertokens-node)",
      "http://10.0.0.1:8080",
      "http://10.0.0.2",
      "lax",
    ],
    ["localhost over two protocols", "http://localhost:3001", "https://localhost:3000", "none"],
  ];

  it.each(rows)("%s: SameSite=%s", async (_name, apiDomain, websiteDomain, sameSite) => {
    const st = engine({ appInfo: { apiDomain, websiteDomain } });
    expect(st.config.cookieSameSite).toBe(sameSite);
    const secure = apiDomain.startsWith("https:");
    const created = await st.createNewSession(
      new Request(`${apiDomain}/login`, { headers: { "st-auth-mode": "cookie" } }),
      "public",
      "u-site",
    );
    const res = created.applyTo(new Response(""));
    const attributes = `HttpOnly${secure ? "; Secure" : ""}; SameSite=${sameSite === "lax" ? "Lax" : "None"}`;
    for (const line of res.headers.getSetCookie()) expect(line.endsWith(`; ${attributes}`), line).toBe(true);
    // Cross-site cookies are ambient credentials another site can send: VIA_CUSTOM_HEADER then wants `rid`.
    const cookie = cookieHeader(cookieJar(res));
    const post = await st.getSession(new Request(`${apiDomain}/transfer`, { method: "POST", headers: { cookie } }));
    if (sameSite === "lax") {
      expect(post.status).toBe("OK");
      expect(res.headers.get("anti-csrf")).toBeNull();
    } else {
      expect(post).toMatchObject({ status: "TRY_REFRESH_TOKEN", reason: "anti-csrf" });
      if (post.status === "OK") return;
      expect(post.response.status).toBe(401);
      expect(await post.response.json()).toEqual({ message: "try refresh token" });
      const withRid = await st.getSession(
        new Request(`${apiDomain}/transfer`, { method: "POST", headers: { cookie, rid: "anti-csrf" } }),
      );
      expect(withRid.status).toBe("OK");
    }
  });

  it("an explicit cookieSameSite or antiCsrf wins over the default", async () => {
    const st = engine({
      appInfo: { apiDomain: "https://api.example.com", websiteDomain: "https://example.org" },
      cookieSameSite: "lax",
    });
    expect(st.config.cookieSameSite).toBe("lax");
    const jar = cookieJar(
      (
        await st.createNewSession(
          new Request("https://api.example.com/login", { headers: { "st-auth-mode": "cookie" } }),
          "public",
          "u",
        )
      ).applyTo(new Response("")),
    );
    // SameSite=Lax chosen by hand: no anti-CSRF default any more.
    expect(
      (
        await st.getSession(
          new Request("https://api.example.com/x", { method: "POST", headers: { cookie: cookieHeader(jar) } }),
        )
      ).status,
    ).toBe("OK");

    const viaToken = engine({
      appInfo: { apiDomain: "https://api.example.com", websiteDomain: "https://example.org" },
      antiCsrf: "VIA_TOKEN",
    });
    const created = (
      await viaToken.createNewSession(
        new Request("https://api.example.com/login", { headers: { "st-auth-mode": "cookie" } }),
        "public",
        "u",
      )
    ).applyTo(new Response(""));
    expect(created.headers.get("anti-csrf")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("cross-site cookies over plain http on a public domain are refused at sign-in, with the SDK's message", async () => {
    const st = engine({ appInfo: { apiDomain: "http://api.example.com", websiteDomain: "https://example.com" } });
    expect(st.config.cookieSameSite).toBe("none");
    expect(st.config.cookieSecure).toBe(false);
    await expect(
      st.createNewSession(
        new Request("http://api.example.com/login", { headers: { "st-auth-mode": "cookie" } }),
        "public",
        "u",
      ),
    ).rejects.toThrow(
      new TypeError(
        "supertokens-edge: since your API and website domain are different, for sessions to work, please use https on your apiDomain and dont set cookieSecure to false.",
      ),
    );
    // Header mode is not affected: the frontend keeps the tokens itself.
    const header = await st.createNewSession(new Request("http://api.example.com/login"), "public", "u");
    expect(header.transferMethod).toBe("header");
  });
});

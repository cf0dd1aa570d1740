// The default SameSite and anti-CSRF mode, ours (siteOf: a registrable-domain heuristic without the public-suffix
// list, src/config.ts) against supertokens-node 24.0.3's (tldts with the full list, private domains included) for
// the same apiDomain and websiteDomain. No core is needed: both decide when they are configured.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { createSuperTokens } from "../../src/index.js";
import { antiCsrfMode } from "../../src/session/anti-csrf.js";
import { bootNodeSdk, NodeSessionApi } from "./helpers/supertokens-node.js";

const require = createRequire(import.meta.url);
const SessionRecipe = require("supertokens-node/lib/build/recipe/session/recipe").default as {
  getInstanceOrThrowError(): {
    config: {
      getCookieSameSite(input: { request: undefined; userContext: object }): string;
      antiCsrfFunctionOrString: string | ((input: { request: undefined; userContext: object }) => string);
    };
  };
};

interface Defaults {
  sameSite: string;
  antiCsrf: string;
}

function sdkDefaults(apiDomain: string, websiteDomain: string): Defaults {
  bootNodeSdk({ connectionURI: "http://127.0.0.1:1", apiDomain, websiteDomain, recipeList: [NodeSessionApi.init()] });
  const { config } = SessionRecipe.getInstanceOrThrowError();
  const input = { request: undefined, userContext: {} };
  const antiCsrf = config.antiCsrfFunctionOrString;
  return {
    sameSite: config.getCookieSameSite(input),
    antiCsrf: typeof antiCsrf === "string" ? antiCsrf : antiCsrf(input),
  };
}

function ourDefaults(apiDomain: string, websiteDomain: string): Defaults {
  const { config } = createSuperTokens({ connectionURI: "http://127.0.0.1:1", appInfo: { apiDomain, websiteDomain } });
  return { sameSite: config.cookieSameSite, antiCsrf: antiCsrfMode(config) };
}

const LAX = { sameSite: "lax", antiCsrf: "NONE" };
const NONE = { sameSite: "none", antiCsrf: "VIA_CUSTOM_HEADER" };

describe("default SameSite and anti-CSRF: ours = supertokens-node's", () => {
  const agree: [api: string, website: string, expected: Defaults][] = [
    ["https://example.com", "https://example.com", LAX],
    ["https://api.example.com", "https://example.com", LAX],
    ["https://api.example.com", "https://app.example.com", LAX],
    ["https://a.b.c.example.com", "https://example.com", LAX],
    ["https://api.example.com", "https://example.org", NONE],
    ["https://api.shop.co.uk", "https://www.shop.co.uk", LAX],
    ["https://api.shop.co.uk", "https://other.co.uk", NONE],
    ["https://api.example.com.au", "https://example.com.au", LAX],
    ["https://api.example.co.jp", "https://www.example.co.jp", LAX],
    ["https://api.alice.workers.dev", "https://alice.workers.dev", LAX],
    ["https://api.alice.workers.dev", "https://bob.workers.dev", NONE],
    ["https://api.web-app.vercel.app", "https://web-app.vercel.app", LAX],
    ["https://api-app.vercel.app", "https://web-app.vercel.app", NONE],
    ["https://api.x.pages.dev", "https://x.pages.dev", LAX],
    ["https://x.github.io", "https://y.github.io", NONE],
    ["https://api.x.netlify.app", "https://x.netlify.app", LAX],
    ["https://api.example.com", "http://example.com", NONE],
    ["http://localhost:3001", "http://localhost:3000", LAX],
    ["http://127.0.0.1:8080", "http://localhost:3000", LAX],
    ["http://10.0.0.1:8080", "http://10.0.0.2", LAX],
    ["http://localhost:3001", "https://localhost:3000", NONE],
  ];
  it.each(agree)("%s + %s", (api, website, expected) => {
    expect(sdkDefaults(api, website), "supertokens-node").toEqual(expected);
    expect(ourDefaults(api, website), "ours").toEqual(expected);
  });

  // Was a bug (src/config.ts siteOf): hosting suffixes missing from PRIVATE_SUFFIXES make two different sites one, so
  // the default is SameSite=Lax (and no anti-CSRF) where the browser sees a cross-site request and withholds the
  // cookies: an S3 website calling API Gateway, two Cloud Run services, two Azure Static Web Apps.
  const sdkSaysCrossSite: [api: string, website: string][] = [
    ["https://abc123.execute-api.us-east-1.amazonaws.com", "https://bucket.s3-website-us-east-1.amazonaws.com"],
    ["https://api-abc-uc.a.run.app", "https://web-abc-uc.a.run.app"],
    ["https://api-x.azurestaticapps.net", "https://web-x.azurestaticapps.net"],
    // Was a bug (src/hosts.ts isLocalHostname, used by siteOf): `*.localhost` counts as `localhost`, but for
    // supertokens-node (and the browser's public-suffix rule) `api.localhost` is its own site.
    ["http://api.localhost:3001", "http://localhost:3000"],
  ];
  it.each(sdkSaysCrossSite)("%s + %s: cross-site for supertokens-node, so for us too", (api, website) => {
    expect(sdkDefaults(api, website), "supertokens-node").toEqual(NONE);
    expect(ourDefaults(api, website), "ours").toEqual(NONE);
  });

  it("a deliberate difference: supertokens-node treats every host starting with `localhost` as localhost", () => {
    // `localhost.example.com` is an ordinary sub-domain of example.com (same site as the website, for browsers too);
    // supertokens-node's `hostname.startsWith("localhost")` makes it cross-site.
    expect(sdkDefaults("https://localhost.example.com", "https://example.com")).toEqual(NONE);
    expect(ourDefaults("https://localhost.example.com", "https://example.com")).toEqual(LAX);
  });
});

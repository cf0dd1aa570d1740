import { createMemoryJwksCache, createSuperTokens, type SuperTokensEdge } from "supertokens-edge";

// One engine per server process / Edge isolate, built on the first request that needs it: `next build` evaluates
// these modules with none of the variables below set, and must not fail for it.
const jwksCache = createMemoryJwksCache();
let engine: SuperTokensEdge | undefined;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} is required (see examples/nextjs/README.md)`);
  return value;
}

/** The default suits a Next.js app, whose pages own `/auth`: the refresh API is `POST /api/auth/session/refresh`. */
export const apiBasePath = () => process.env.API_BASE_PATH || "/api/auth";

/** The lazy factory every `supertokens-edge/next` helper takes. */
export function getSuperTokens(): SuperTokensEdge {
  engine ??= createSuperTokens({
    connectionURI: required("SUPERTOKENS_CONNECTION_URI"),
    apiKey: process.env.SUPERTOKENS_API_KEY || undefined,
    appInfo: {
      apiDomain: required("API_DOMAIN"),
      websiteDomain: process.env.WEBSITE_DOMAIN || undefined,
      apiBasePath: apiBasePath(),
    },
    jwksCache,
  });
  return engine;
}

/** A same-site path to go back to after sign-in or refresh (never `//host` or `/\host`: no open redirect). */
export function safeRedirectPath(value: string | null | undefined, fallback = "/"): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : fallback;
}

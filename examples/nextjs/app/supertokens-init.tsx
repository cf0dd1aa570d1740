"use client";

import SuperTokens from "supertokens-web-js";
import Session from "supertokens-web-js/recipe/session";

let initialised = false;

/**
 * The official frontend SDK, initialised once in the browser before any page code runs: its fetch interception
 * refreshes on 401 "try refresh token" and it drives refresh and sign-out. Cookie mode (its default) is what
 * lets server components see the session.
 */
export function SuperTokensInit({ apiDomain, apiBasePath }: { apiDomain: string; apiBasePath: string }) {
  if (typeof window !== "undefined" && !initialised) {
    SuperTokens.init({
      appInfo: {
        appName: "supertokens-edge Next.js example",
        apiDomain: apiDomain || window.location.origin,
        apiBasePath,
      },
      recipeList: [Session.init()],
    });
    initialised = true;
  }
  return null;
}

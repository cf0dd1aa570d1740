// HTTP differential, cross-site app: apiDomain https://api.example.com, website https://other.com
// ⇒ SameSite=None, anti-CSRF defaults to VIA_CUSTOM_HEADER (verify and refresh need a `rid` header).
// supertokens-node 24.0.3 (supertokens-node/custom) vs our engine; see http-differential-scenarios.ts.
import { afterAll, beforeAll, describe, it } from "vitest";
import { cacheControlNotes, divergenceNotes, runDifferential, setupDifferential, type DiffEnv, type Scenario } from "./http-differential-helpers.js";
import { commonScenarios, crossSiteScenarios } from "./http-differential-scenarios.js";

let env: DiffEnv;
beforeAll(async () => {
  env = await setupDifferential({ websiteDomain: "https://other.com", blockedValidator: true });
});
afterAll(async () => {
  if (cacheControlNotes.length > 0) console.info(`cache-control differences (not asserted):\n  ${cacheControlNotes.join("\n  ")}`);
  if (divergenceNotes.length > 0) console.info(`accepted divergences (set-then-clear cookies, README "Deliberate differences"):\n  ${divergenceNotes.join("\n  ")}`);
  await env?.close();
});

const scenarios: Scenario[] = [...commonScenarios, ...crossSiteScenarios];

describe("HTTP differential, cross-site (None, anti-CSRF VIA_CUSTOM_HEADER)", () => {
  for (const s of scenarios) (s.knownBug ? it.fails : it)(s.name, async () => void (await runDifferential(env, s)));
});

// HTTP differential, same-site app (https://api.example.com + https://example.com, SameSite=Lax) with
// antiCsrf "VIA_TOKEN": cookie sessions get an anti-csrf token that state-changing requests and refresh must carry.
// supertokens-node 24.0.3 (supertokens-node/custom) vs our engine; see http-differential-scenarios.ts.
import { afterAll, beforeAll, describe, it } from "vitest";
import { cacheControlNotes, divergenceNotes, runDifferential, setupDifferential, type DiffEnv, type Scenario } from "./http-differential-helpers.js";
import { commonScenarios, viaTokenScenarios } from "./http-differential-scenarios.js";

let env: DiffEnv;
beforeAll(async () => {
  env = await setupDifferential({ websiteDomain: "https://example.com", antiCsrf: "VIA_TOKEN", blockedValidator: true });
});
afterAll(async () => {
  if (cacheControlNotes.length > 0) console.info(`cache-control differences (not asserted):\n  ${cacheControlNotes.join("\n  ")}`);
  if (divergenceNotes.length > 0) console.info(`accepted divergences (set-then-clear cookies, README "Deliberate differences"):\n  ${divergenceNotes.join("\n  ")}`);
  await env?.close();
});

const scenarios: Scenario[] = [...commonScenarios, ...viaTokenScenarios];

describe("HTTP differential, same-site, antiCsrf VIA_TOKEN", () => {
  for (const s of scenarios) (s.knownBug ? it.fails : it)(s.name, async () => void (await runDifferential(env, s)));
});

// HTTP differential, same-site app: apiDomain https://api.example.com, website https://example.com
// ⇒ SameSite=Lax, anti-CSRF defaults to NONE. supertokens-node 24.0.3 (supertokens-node/custom) vs our engine,
// same emulator, same requests; see http-differential-scenarios.ts for the table.
import { afterAll, beforeAll, describe, it } from "vitest";
import { cacheControlNotes, divergenceNotes, runDifferential, setupDifferential, type DiffEnv, type Scenario } from "./http-differential-helpers.js";
import { commonScenarios } from "./http-differential-scenarios.js";

let env: DiffEnv;
beforeAll(async () => {
  env = await setupDifferential({ websiteDomain: "https://example.com", blockedValidator: true });
});
afterAll(async () => {
  if (cacheControlNotes.length > 0) console.info(`cache-control differences (not asserted):\n  ${cacheControlNotes.join("\n  ")}`);
  if (divergenceNotes.length > 0) console.info(`accepted divergences (set-then-clear cookies, README "Deliberate differences"):\n  ${divergenceNotes.join("\n  ")}`);
  await env?.close();
});

const scenarios: Scenario[] = [...commonScenarios];

describe("HTTP differential, same-site (Lax, anti-CSRF NONE)", () => {
  for (const s of scenarios) (s.knownBug ? it.fails : it)(s.name, async () => void (await runDifferential(env, s)));
});

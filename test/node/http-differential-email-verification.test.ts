// HTTP differential with email verification required: supertokens-node 24.0.3 with
// EmailVerification.init({ mode: "REQUIRED" }) vs our engine with claimsAddedOnCreate [EmailVerificationClaim] and
// the global validators EmailVerificationClaim.validators.isVerified() and not-blocked; same-site app (Lax, anti-CSRF NONE), same
// emulator (its user store answers GET /user/id and GET /recipe/user/email/verify). See http-differential-scenarios.ts.
import { afterAll, beforeAll, describe, it } from "vitest";
import { cacheControlNotes, divergenceNotes, runDifferential, setupDifferential, type DiffEnv, type Scenario } from "./http-differential-helpers.js";
import { emailVerificationScenarios } from "./http-differential-scenarios.js";

let env: DiffEnv;
beforeAll(async () => {
  env = await setupDifferential({ websiteDomain: "https://example.com", emailVerification: true, blockedValidator: true });
});
afterAll(async () => {
  if (cacheControlNotes.length > 0) console.info(`cache-control differences (not asserted):\n  ${cacheControlNotes.join("\n  ")}`);
  if (divergenceNotes.length > 0) console.info(`accepted divergences:\n  ${divergenceNotes.join("\n  ")}`);
  await env?.close();
});

const scenarios: Scenario[] = [...emailVerificationScenarios];

describe("HTTP differential, email verification REQUIRED (EmailVerificationClaim)", () => {
  for (const s of scenarios) (s.knownBug ? it.fails : it)(s.name, async () => void (await runDifferential(env, s)));
});

// HTTP differential, same-site app: apiDomain https://api.example.com, website https://example.com
// ⇒ SameSite=Lax, anti-CSRF defaults to NONE. supertokens-node 24.0.3 (supertokens-node/custom) vs our engine,
// same emulator, same requests; see http-differential-scenarios.ts for the table.
import { describeDifferential } from "./http-differential-helpers.js";
import { commonScenarios } from "./http-differential-scenarios.js";

describeDifferential(
  "HTTP differential, same-site (Lax, anti-CSRF NONE)",
  { websiteDomain: "https://example.com", blockedValidator: true },
  commonScenarios,
);

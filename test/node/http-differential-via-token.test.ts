// HTTP differential, same-site app (https://api.example.com + https://example.com, SameSite=Lax) with
// antiCsrf "VIA_TOKEN": cookie sessions get an anti-csrf token that state-changing requests and refresh must carry.
// supertokens-node 24.0.3 (supertokens-node/custom) vs our engine; see http-differential-scenarios.ts.
import { describeDifferential } from "./http-differential-helpers.js";
import { commonScenarios, viaTokenScenarios } from "./http-differential-scenarios.js";

describeDifferential(
  "HTTP differential, same-site, antiCsrf VIA_TOKEN",
  { websiteDomain: "https://example.com", antiCsrf: "VIA_TOKEN", blockedValidator: true },
  [...commonScenarios, ...viaTokenScenarios],
);

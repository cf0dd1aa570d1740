// HTTP differential, cross-site app: apiDomain https://api.example.com, website https://other.com
// ⇒ SameSite=None, anti-CSRF defaults to VIA_CUSTOM_HEADER (verify and refresh need a `rid` header).
// supertokens-node 24.0.3 (supertokens-node/custom) vs our engine; see http-differential-scenarios.ts.
import { describeDifferential } from "./http-differential-helpers.js";
import { commonScenarios, crossSiteScenarios } from "./http-differential-scenarios.js";

describeDifferential(
  "HTTP differential, cross-site (None, anti-CSRF VIA_CUSTOM_HEADER)",
  { websiteDomain: "https://other.com", blockedValidator: true },
  [...commonScenarios, ...crossSiteScenarios],
);

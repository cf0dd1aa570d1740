// HTTP differential with email verification required: supertokens-node 24.0.3 with
// EmailVerification.init({ mode: "REQUIRED" }) vs our engine with claimsAddedOnCreate [EmailVerificationClaim] and
// the global validators EmailVerificationClaim.validators.isVerified() and not-blocked; same-site app (Lax, anti-CSRF NONE), same
// emulator (its user store answers GET /user/id and GET /recipe/user/email/verify). See http-differential-scenarios.ts.
import { describeDifferential } from "./http-differential-helpers.js";
import { emailVerificationScenarios } from "./http-differential-scenarios.js";

describeDifferential(
  "HTTP differential, email verification REQUIRED (EmailVerificationClaim)",
  { websiteDomain: "https://example.com", emailVerification: true, blockedValidator: true },
  emailVerificationScenarios,
  "accepted divergences:",
);

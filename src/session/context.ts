import type { ResolvedConfig } from "../config.js";
import type { Querier } from "../core/querier.js";
import type { JwksManager } from "../jwks/cache.js";
import type { VerifiedTokenCache } from "./verified-cache.js";

/** Everything a session decision may use; built once by `createSuperTokens`. */
export interface EngineContext {
  config: ResolvedConfig;
  querier: Querier;
  jwks: JwksManager;
  verified: VerifiedTokenCache;
}

/** Claims supertokens-node never lets a user payload set (protocol §1.4). */
export const PROTECTED_PROPS = [
  "sub",
  "iat",
  "exp",
  "sessionHandle",
  "parentRefreshTokenHash1",
  "refreshTokenHash1",
  "antiCsrfToken",
  "rsub",
  "tId",
  "stt",
] as const;

export function withoutProtectedProps(payload: Record<string, unknown>): Record<string, unknown> {
  const out = { ...payload };
  for (const k of PROTECTED_PROPS) delete out[k];
  return out;
}

import type { AntiCsrfMode, ResolvedConfig } from "../config.js";

/**
 * The one anti-CSRF resolver: the configured mode, else VIA_CUSTOM_HEADER when cookies are cross-site
 * (SameSite=None), else NONE — supertokens-node's default. VIA_TOKEN is never a default.
 */
export function antiCsrfMode(config: ResolvedConfig): AntiCsrfMode {
  return config.antiCsrf ?? (config.cookieSameSite === "none" ? "VIA_CUSTOM_HEADER" : "NONE");
}

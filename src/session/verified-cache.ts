import type { ParsedAccessToken } from "../token/parse.js";
import type { AccessTokenInfo } from "../token/verify.js";

/**
 * Tokens whose signature already checked out, keyed by the exact token string.
 *
 * Why this is safe: what is cached is a pure function of (token bytes, key set) — the signature check and the
 * structure check. Everything that depends on the request or the clock still runs on every hit: expiry/nbf
 * (against `now`), the kid-prefix rule, anti-CSRF, `checkDatabase` and the parent-hash core call. The cache is
 * cleared whenever the key set changes (a key vanishing must un-trust its tokens at once), entries leave at
 * their `exp`, and its size is bounded (oldest first out) so a flood of distinct tokens costs bounded memory.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { token: ParsedAccessToken; info: AccessTokenInfo }>();
  constructor(private readonly max: number) {}

  get(raw: string): { token: ParsedAccessToken; info: AccessTokenInfo } | undefined {
    return this.max === 0 ? undefined : this.entries.get(raw);
  }

  set(raw: string, token: ParsedAccessToken, info: AccessTokenInfo): void {
    if (this.max === 0) return;
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(raw, { token, info });
  }

  delete(raw: string): void {
    this.entries.delete(raw);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

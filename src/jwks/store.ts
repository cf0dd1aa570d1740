/**
 * Where key sets are shared between isolates. A Workers KV namespace fits as is; so does any object with
 * these two methods (Vercel Edge / Next.js: a Redis client wrapper, or `createMemoryJwksCache()`).
 * Layout: one key per set of core hosts, `supertokens-edge:jwks:v1:<hash>`, holding `{ fetchedAt, keys }`
 * with `expirationTtl = max(60, jwksRefreshIntervalSec)`.
 */
export interface JwksCacheStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/** An in-memory `JwksCacheStore` (module scope it to share keys across requests on runtimes without KV). */
export function createMemoryJwksCache(now: () => number = Date.now): JwksCacheStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const e = entries.get(key);
      if (e === undefined) return null;
      if (e.expiresAt <= now()) {
        entries.delete(key);
        return null;
      }
      return e.value;
    },
    async put(key, value, options) {
      const ttl = options?.expirationTtl ?? Number.POSITIVE_INFINITY;
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
    },
  };
}

import type { ResolvedConfig } from "../config.js";
import { Querier } from "../core/querier.js";
import { createEmit, type Emit } from "../events.js";
import { JwksManager } from "../jwks/cache.js";
import { VerifiedTokenCache } from "./verified-cache.js";

/** Everything a session decision may use; built once per engine (per isolate), from a resolved config. */
export interface EngineContext {
  readonly config: ResolvedConfig;
  readonly querier: Querier;
  readonly jwks: JwksManager;
  readonly verified: VerifiedTokenCache;
  /** `undefined` when nobody listens (see events.ts). */
  readonly emit: Emit;
}

export function createEngineContext(config: ResolvedConfig): EngineContext {
  const emit = createEmit(config.onEvent, config.debug);
  const verified = new VerifiedTokenCache(config.verifiedTokenCacheSize);
  return {
    config,
    verified,
    emit,
    querier: new Querier({
      hosts: config.hosts,
      apiKey: config.apiKey,
      fetch: config.fetch,
      timeoutMs: config.coreTimeoutMs,
      now: config.now,
      emit,
    }),
    jwks: new JwksManager({
      hosts: config.hosts,
      fetch: config.fetch,
      timeoutMs: config.coreTimeoutMs,
      refreshIntervalSec: config.jwksRefreshIntervalSec,
      cooldownMs: config.jwksCooldownMs,
      store: config.jwksCache,
      now: config.now,
      onKeysChanged: () => verified.clear(),
      emit,
    }),
  };
}

/** Times a decision and reports it, only when somebody listens. */
export function decided<T extends { status: string; reason?: string }>(
  ctx: EngineContext,
  decision: "getSession" | "refreshSession" | "createNewSession" | "signOut" | "validateClaims",
  startedAt: number,
  result: T,
): T {
  const emit = ctx.emit;
  if (emit !== undefined) {
    emit({
      type: "decision",
      decision,
      status: result.status,
      ...(result.reason ? { reason: result.reason } : {}),
      ms: ctx.config.now() - startedAt,
    });
  }
  return result;
}

import type { ErrorCode } from "./errors.js";

/** A decision of the engine or the HTTP layer, with its reason (see `Reason` in session/outcomes.ts). */
export interface DecisionEvent {
  type: "decision";
  decision: "getSession" | "refreshSession" | "createNewSession" | "signOut" | "validateClaims";
  status: string;
  reason?: string;
  ms: number;
}

/** One call to the core (after failover and retries: the host that answered, or the last one tried). */
export interface CoreCallEvent {
  type: "core";
  method: string;
  path: string;
  /** The HTTP status, or `undefined` when no host answered. */
  status: number | undefined;
  ms: number;
  error?: ErrorCode;
}

/** One JWKS load: from the shared store (KV), from the core, or kept from memory when neither gave a newer set. */
export interface JwksLoadEvent {
  type: "jwks";
  source: "memory" | "kv" | "core";
  ms: number;
  kids: string[];
  error?: ErrorCode;
}

export type SuperTokensEvent = DecisionEvent | CoreCallEvent | JwksLoadEvent;

/** `undefined` when nobody listens: every emitter checks that first, so observability costs nothing when off. */
export type Emit = ((event: SuperTokensEvent) => void) | undefined;

/** supertokens-node's switch: `DEBUG=com.supertokens` (read where `process.env` exists; edge runtimes use `debug`). */
function debugFromEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return typeof env?.DEBUG === "string" && /(^|[\s,])com\.supertokens(\*|\b)/.test(env.DEBUG);
}

export function createEmit(onEvent: ((event: SuperTokensEvent) => void) | undefined, debug: boolean | undefined): Emit {
  const log = debug ?? debugFromEnvironment();
  if (!log) return onEvent;
  const print = (event: SuperTokensEvent) => console.debug(`com.supertokens-edge ${JSON.stringify(event)}`);
  if (onEvent === undefined) return print;
  return (event) => {
    print(event);
    onEvent(event);
  };
}

// Shared plumbing of the differential tests: the official supertokens-node SDK and our engine, both pointed at
// the same core emulator, and their answers reduced to one comparable `Outcome` shape.
//
// supertokens-node is booted (and reset per engine config) by test/node/helpers/supertokens-node.ts.
import { createSuperTokens, type SuperTokensEdge } from "../../src/index.js";
import type { CoreEmulator } from "../emulator/core.mjs";
import { API_DOMAIN, bootNodeSdk, NodeSessionApi, type NodeSessionContainer } from "./helpers/supertokens-node.js";
import { decodeJsonSegment } from "./helpers/tokens.js";

export { NodeSessionApi, supertokens } from "./helpers/supertokens-node.js";

/** The website of the differential corpus: same site as {@link API_DOMAIN}. */
const WEBSITE_DOMAIN = "https://example.com";

/** The session options both engines get (names are the same in supertokens-node and ours). */
export interface EngineConfig {
  antiCsrf?: "VIA_TOKEN" | "NONE";
  useDynamicAccessTokenSigningKey?: boolean;
  jwksRefreshIntervalSec?: number;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** (Re)initialises supertokens-node against `coreUrl` with `config`; its JWKS cache starts empty. */
export function initNodeSdk(coreUrl: string, config: EngineConfig): void {
  bootNodeSdk({
    connectionURI: coreUrl,
    websiteDomain: WEBSITE_DOMAIN,
    recipeList: [NodeSessionApi.init(defined({ ...config }))],
  });
}

/** A fresh instance of our engine (empty JWKS and verified-token caches). */
export function createOurs(coreUrl: string, config: EngineConfig): SuperTokensEdge {
  return createSuperTokens({
    connectionURI: coreUrl,
    appInfo: { apiDomain: API_DOMAIN, websiteDomain: WEBSITE_DOMAIN },
    ...defined({ ...config }),
  });
}

export interface VerifyOptions {
  antiCsrfCheck?: boolean;
  checkDatabase?: boolean;
  sessionRequired?: boolean;
}

/** What one engine answered, reduced to what must be identical between the two. */
export type Outcome =
  | {
      status: "OK";
      userId: string;
      recipeUserId: string;
      tenantId: string | undefined;
      handle: string;
      payload: Record<string, unknown>;
      accessToken: string;
      /** Node: `getAllSessionTokensDangerously().accessAndFrontTokenUpdated`; ours: `session.accessTokenUpdated`. */
      replaced: boolean;
    }
  | { status: "NO_SESSION" }
  | { status: "TRY_REFRESH_TOKEN" }
  | { status: "UNAUTHORISED"; clearTokens: boolean }
  | { status: "CORE_UNAVAILABLE"; message: string }
  | { status: "THROWN"; message: string };

export type Measured = Outcome & {
  /** calls of the core's POST /recipe/session/verify during this verification */ coreVerify: number;
  jwksFetches: number;
};

type LooseGet = (token: string | undefined, antiCsrf?: string, options?: VerifyOptions) => Promise<unknown>;

export async function verifyWithNode(
  token: string | undefined,
  antiCsrf?: string,
  options?: VerifyOptions,
): Promise<Outcome> {
  try {
    const get = NodeSessionApi.getSessionWithoutRequestResponse as unknown as LooseGet;
    const s = (await get(token, antiCsrf, options)) as NodeSessionContainer | undefined;
    if (s === undefined) return { status: "NO_SESSION" };
    return {
      status: "OK",
      userId: s.getUserId(),
      recipeUserId: s.getRecipeUserId().getAsString(),
      tenantId: s.getTenantId(),
      handle: s.getHandle(),
      payload: s.getAccessTokenPayload() as Record<string, unknown>,
      accessToken: s.getAccessToken(),
      replaced: s.getAllSessionTokensDangerously().accessAndFrontTokenUpdated,
    };
  } catch (e) {
    if (e instanceof NodeSessionApi.Error) {
      if (e.type === NodeSessionApi.Error.TRY_REFRESH_TOKEN) return { status: "TRY_REFRESH_TOKEN" };
      if (e.type === NodeSessionApi.Error.UNAUTHORISED) {
        const payload = (e as { payload?: { clearTokens?: boolean } }).payload;
        // SessionError defaults a missing payload to { clearTokens: true }.
        return { status: "UNAUTHORISED", clearTokens: payload?.clearTokens !== false };
      }
    }
    return { status: "THROWN", message: String((e as Error)?.message ?? e) };
  }
}

export async function verifyWithOurs(
  st: SuperTokensEdge,
  token: string | undefined,
  antiCsrf?: string,
  options?: VerifyOptions,
): Promise<Outcome> {
  try {
    const get = st.getSessionWithoutRequestResponse.bind(st) as unknown as LooseGet;
    const r = (await get(token, antiCsrf, options)) as
      | Awaited<ReturnType<SuperTokensEdge["getSessionWithoutRequestResponse"]>>
      | {
          status: "OK";
          session: undefined;
        };
    switch (r.status) {
      case "OK": {
        const s = r.session;
        if (s === undefined) return { status: "NO_SESSION" };
        return {
          status: "OK",
          userId: s.getUserId(),
          recipeUserId: s.getRecipeUserId(),
          tenantId: s.getTenantId(),
          handle: s.getHandle(),
          payload: s.getAccessTokenPayload(),
          accessToken: s.getAccessToken(),
          replaced: s.accessTokenUpdated,
        };
      }
      case "TRY_REFRESH_TOKEN":
        return { status: "TRY_REFRESH_TOKEN" };
      case "UNAUTHORISED":
        return { status: "UNAUTHORISED", clearTokens: r.clearTokens };
      case "CORE_UNAVAILABLE":
        return { status: "CORE_UNAVAILABLE", message: r.error.message };
    }
  } catch (e) {
    return { status: "THROWN", message: String((e as Error)?.message ?? e) };
  }
}

const VERIFY = "POST /recipe/session/verify";
const JWKS = "GET /.well-known/jwks.json";

/** Runs `fn` and reports how often it made the emulator answer a core verify / a JWKS request. */
export async function measured(emu: CoreEmulator, fn: () => Promise<Outcome>): Promise<Measured> {
  const v0 = emu.stats.counts[VERIFY] ?? 0;
  const j0 = emu.stats.counts[JWKS] ?? 0;
  const out = await fn();
  return { ...out, coreVerify: (emu.stats.counts[VERIFY] ?? 0) - v0, jwksFetches: (emu.stats.counts[JWKS] ?? 0) - j0 };
}

export function jwksFetchCount(emu: CoreEmulator): number {
  return emu.stats.counts[JWKS] ?? 0;
}

// ------------------------------------------------------------------ token helpers

export const LEGACY_HEADER_V2 = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIyIn0=";
export const LEGACY_HEADER_V1 = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsInZlcnNpb24iOiIxIn0=";

/** The (unverified) payload of a token, or undefined. Accepts both alphabets like supertokens-node does. */
export function payloadOf(token: string | undefined): Record<string, unknown> | undefined {
  const seg = token?.split(".")[1];
  if (seg === undefined) return undefined;
  try {
    const v = decodeJsonSegment(seg);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// The one set of helpers of the tests that run in workerd: the core emulator (running in Node, reached over HTTP
// through `inject`), an engine factory, a counting fetch, a cookie jar, base64url JSON, the KV binding and the
// recording origin of the front-door tests.
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { createSuperTokens, type SuperTokensConfig, type SuperTokensEdge } from "../../../src/index.js";
import { type EmulatorClient, emulatorClient } from "../../emulator/client.js";
import type { MintOptions, TestSessionOptions } from "../../emulator/core.mjs";
import type { RecordedRequest } from "../../setup/recorded-request.js";

export { type EmulatorClient, emulatorClient } from "../../emulator/client.js";
export type { MintOptions, SessionRow, TestSessionOptions } from "../../emulator/core.mjs";
export type { RecordedRequest } from "../../setup/recorded-request.js";

// ---------------------------------------------------------------- the core emulator

/** The emulator shared by the engine tests (test/setup/global-emulator.ts). */
export const coreUrl = (): string => inject("coreUrl");

let shared: EmulatorClient | undefined;
const core = (): EmulatorClient => (shared ??= emulatorClient(coreUrl()));

export const emu = <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => core().emu<T>(path, body);
export const mint = (opts: MintOptions): Promise<string> => core().mint(opts);
export const countOf = (key: string): Promise<number> => core().countOf(key);
/** The sessions the shared emulator holds now. */
export const liveSessions = () => core().sessions();
/** The access token of a new session of `userId` in the shared emulator. */
export const accessTokenOf = async (userId: string, opts: Omit<TestSessionOptions, "userId"> = {}): Promise<string> =>
  (await core().session({ userId, ...opts })).accessToken.token;

// ---------------------------------------------------------------- engines

export const API = "https://api.example.com";

/** A config against the shared emulator, apiDomain {@link API}; `config` overrides any of it. */
export function engineConfig(config: Partial<SuperTokensConfig> = {}): SuperTokensConfig {
  return { connectionURI: coreUrl(), appInfo: { apiDomain: API }, ...config };
}

export const engine = (config: Partial<SuperTokensConfig> = {}): SuperTokensEdge =>
  createSuperTokens(engineConfig(config));

/** Verifies `token` as a GET-like call (no anti-CSRF check). */
export const verify = (st: SuperTokensEdge, token: string) =>
  st.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });

/** The Workers KV namespace of wrangler.toml. */
export const KV = (env as unknown as { SUPERTOKENS_JWKS: KVNamespace }).SUPERTOKENS_JWKS;

// ---------------------------------------------------------------- fetch

export interface FetchCall {
  url: string;
  method: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** The JSON body parsed (the text when it is not JSON), `undefined` without a body. */
  body: unknown;
}

function bodyOf(body: BodyInit | null | undefined): unknown {
  if (body === undefined || body === null || body === "") return undefined;
  try {
    return JSON.parse(String(body));
  } catch {
    return String(body);
  }
}

/** A fetch that records every call, then hands it to `inner` (the real fetch by default). */
export function countingFetch(inner: typeof fetch = (input, init) => fetch(input, init)) {
  const calls: FetchCall[] = [];
  const f: typeof fetch = (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? request?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    calls.push({
      url: request?.url ?? String(input),
      method: init?.method ?? request?.method ?? "GET",
      headers,
      body: bodyOf(init?.body),
    });
    return inner(input, init);
  };
  return {
    fetch: f,
    calls,
    /** The calls whose URL path (before any query) ends with `suffix`. */
    to: (suffix: string) => calls.filter((c) => c.url.split("?")[0]!.endsWith(suffix)),
    jwksCalls: () => calls.filter((c) => c.url.endsWith("/.well-known/jwks.json")).length,
  };
}

// ---------------------------------------------------------------- cookies

/** The cookies a response's Set-Cookie lines leave in `jar` (name → value; a cleared cookie is removed). */
export function cookieJar(res: Response, jar: Record<string, string> = {}): Record<string, string> {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    if (value === "") delete jar[name];
    else jar[name] = value;
  }
  return jar;
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

/** A Set-Cookie line that clears its cookie (epoch expiry). */
export const isClearing = (line: string) => /Expires=Thu, 01 Jan 1970/.test(line);

/** Signs `userId` in with `st-auth-mode: cookie` (a request to `${site}/login`) and returns the cookie jar. */
export async function cookieSession(st: SuperTokensEdge, userId: string, site = API): Promise<Record<string, string>> {
  const created = await st.createNewSession(
    new Request(`${site}/login`, { headers: { "st-auth-mode": "cookie" } }),
    "public",
    userId,
  );
  return cookieJar(created.applyTo(new Response("")));
}

// ---------------------------------------------------------------- base64url JSON

/** JSON in base64url or standard base64 (padded or not), decoded as UTF-8. */
export function decodeBase64UrlJson(s: string): Record<string, unknown> {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  const bytes = Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** UTF-8 JSON as unpadded base64url. */
export function encodeBase64UrlJson(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** The (unverified) payload of a JWT. */
export const jwtPayload = (token: string) => decodeBase64UrlJson(token.split(".")[1]!);

/** The decoded `front-token` header of a response (`{ uid, ate, up }`). */
export const frontTokenOf = (res: Response) =>
  decodeBase64UrlJson(res.headers.get("front-token")!) as { uid: string; ate: number; up: Record<string, any> };

// ---------------------------------------------------------------- the recording origin (test/setup/recording-origin.ts)

/** The recording origin's control API: what it received (oldest first), and forgetting it. */
export function recordingOrigin(url: string) {
  return {
    url,
    requests: async (): Promise<RecordedRequest[]> => (await fetch(`${url}/__origin/requests`)).json(),
    reset: async (): Promise<void> => void (await fetch(`${url}/__origin/reset`, { method: "POST" })),
  };
}

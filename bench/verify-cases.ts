import { compactVerify, importJWK, jwtVerify } from "jose";
import type { createSuperTokens as CreateSuperTokens } from "../src/index.js";

// The verification benchmark's cases, the same in every runtime (bench/verify.bench.test.ts runs them in workerd,
// bench/verify-node.bench.test.ts in Node 22). Not a test: `npm run bench` prints ops/s and ratios to the raw
// WebCrypto verify, every runtime measured in one run. The engine is measured as users run it: bundled into one
// module (bench/run.mjs builds bench/.out/supertokens-edge.mjs with esbuild), not module by module through the
// test runner's import wrappers.

export const DURATION_MS = 3000;
export const DISTINCT = 2000;
export const ROUNDS = 6;

export interface BenchRow {
  name: string;
  opsPerSec: number;
}

/**
 * Every case runs in ROUNDS interleaved slices (so CPU-frequency and JIT drift hit all cases alike), after a
 * warm-up; ops/s = all ops over all time spent in that case.
 */
async function measureAll(cases: [string, (i: number) => Promise<unknown>][]): Promise<BenchRow[]> {
  const totals = cases.map(([name]) => ({ name, ops: 0, ms: 0 }));
  for (const [, fn] of cases) for (let i = 0; i < 300; i++) await fn(i);
  for (let round = 0; round < ROUNDS; round++) {
    for (let c = 0; c < cases.length; c++) {
      const fn = cases[c]![1];
      const t = totals[c]!;
      const start = performance.now();
      while (performance.now() - start < DURATION_MS / ROUNDS) {
        for (let k = 0; k < 50; k++) await fn(t.ops++);
      }
      t.ms += performance.now() - start;
    }
  }
  return totals.map((t) => ({ name: t.name, opsPerSec: (t.ops / t.ms) * 1000 }));
}

function b64urlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** supertokens-node, initialised against the same core (it is a CommonJS singleton). */
export interface Sdk {
  verify(token: string): Promise<unknown>;
}

/** The bundled engine that bench/run.mjs builds before either runtime runs. */
export async function bundledEngine(): Promise<typeof CreateSuperTokens> {
  const path = "./.out/supertokens-edge.mjs"; // built by bench/run.mjs; not a module the type checker knows
  const mod = (await import(/* @vite-ignore */ path)) as { createSuperTokens: typeof CreateSuperTokens };
  return mod.createSuperTokens;
}

export async function runVerifyBench(core: string, sdk: Sdk): Promise<BenchRow[]> {
  const createSuperTokens = await bundledEngine();
  const post = async (path: string, body: unknown) =>
    (await (await fetch(`${core}/__emu/${path}`, { method: "POST", body: JSON.stringify(body) })).json()) as {
      token: string;
    };
  const tokens: string[] = [];
  for (let i = 0; i < DISTINCT; i++) tokens.push((await post("mint", { sub: `user-${i}`, rsub: `user-${i}` })).token);
  const jwks = (await (await fetch(`${core}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  const kid = (JSON.parse(atob(tokens[0]!.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as { kid: string })
    .kid;
  const jwk = jwks.keys.find((k) => k.kid === kid)!;
  const rawKey = await crypto.subtle.importKey(
    "jwk",
    jwk as unknown as JsonWebKey,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const joseKey = await importJWK(jwk, "RS256");
  const enc = new TextEncoder();

  const raw = async (t: string) => {
    const dot = t.lastIndexOf(".");
    const ok = await crypto.subtle.verify(
      "RSASSA-PKCS1-v1_5",
      rawKey,
      b64urlToBytes(t.slice(dot + 1)),
      enc.encode(t.slice(0, dot)),
    );
    if (!ok) throw new Error("raw verify failed");
  };
  const engine = (onEvent?: () => void) => {
    const st = createSuperTokens({ connectionURI: core, appInfo: { apiDomain: "https://api.example.com" }, onEvent });
    return async (t: string) => {
      const r = await st.getSessionWithoutRequestResponse(t, undefined, { antiCsrfCheck: false });
      if (r.status !== "OK") throw new Error(`ours: ${r.status}`);
    };
  };
  const ours = engine();
  let events = 0;
  const observed = engine(() => void events++);

  const distinct = (f: (t: string) => Promise<unknown>) => (i: number) => f(tokens[i % DISTINCT]!);
  const same = (f: (t: string) => Promise<unknown>) => () => f(tokens[0]!);
  const rows = await measureAll([
    ["raw crypto.subtle.verify", distinct(raw)],
    ["jose compactVerify (key in hand)", distinct((t) => compactVerify(t, joseKey))],
    ["jose jwtVerify (key in hand)", distinct((t) => jwtVerify(t, joseKey))],
    ["supertokens-node getSessionWithoutRequestResponse", distinct(sdk.verify)],
    ["supertokens-edge getSession, distinct tokens", distinct(ours)],
    ["supertokens-edge getSession, distinct tokens, onEvent on", distinct(observed)],
    ["supertokens-edge getSession, same token again", same(ours)],
    ["supertokens-node, same token again", same(sdk.verify)],
  ]);
  if (events === 0) throw new Error("onEvent was never called");
  return rows;
}

/** One line the runner (bench/run.mjs) collects from each runtime's output. */
export function report(runtime: string, rows: BenchRow[]): void {
  console.log(`BENCH_RESULT ${JSON.stringify({ runtime, rows })}`);
  const base = rows[0]!.opsPerSec;
  console.log(
    [
      "",
      `| case (${runtime}, ${DURATION_MS} ms each in ${ROUNDS} interleaved slices, ${DISTINCT} distinct RS256 tokens) | ops/s | × raw |`,
      "|---|---:|---:|",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString("en-US")} | ${(r.opsPerSec / base).toFixed(2)} |`,
      ),
      "",
    ].join("\n"),
  );
}

import { compactVerify, importJWK, jwtVerify } from "jose";
import { expect, inject, it } from "vitest";
import { createSuperTokens } from "../src/index.js";

// Not a test: `npm run bench` prints ops/s and ratios to the raw WebCrypto verify, measured in one run.
const DURATION_MS = 3000;
const DISTINCT = 2000;

const ROUNDS = 6;

/**
 * Every case runs in ROUNDS interleaved slices (so CPU-frequency and JIT drift hit all cases alike), after a
 * warm-up; ops/s = all ops over all time spent in that case.
 */
async function measureAll(cases: [string, (i: number) => Promise<unknown>][]) {
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

it("verification throughput", async () => {
  const core = inject("coreUrl");
  const post = async (path: string, body: unknown) =>
    (await fetch(`${core}/__emu/${path}`, { method: "POST", body: JSON.stringify(body) })).json() as Promise<any>;
  const tokens: string[] = [];
  for (let i = 0; i < DISTINCT; i++) tokens.push((await post("mint", { sub: `user-${i}`, rsub: `user-${i}` })).token);
  const jwks = (await (await fetch(`${core}/.well-known/jwks.json`)).json()) as { keys: any[] };
  const kid = JSON.parse(atob(tokens[0]!.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).kid;
  const jwk = jwks.keys.find((k) => k.kid === kid);
  const rawKey = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const joseKey = await importJWK(jwk, "RS256");
  const enc = new TextEncoder();

  const raw = async (t: string) => {
    const dot = t.lastIndexOf(".");
    const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", rawKey, b64urlToBytes(t.slice(dot + 1)), enc.encode(t.slice(0, dot)));
    if (!ok) throw new Error("raw verify failed");
  };

  const st = createSuperTokens({ connectionURI: core, appInfo: { apiDomain: "https://api.example.com" } });
  const ours = async (t: string) => {
    const r = await st.getSessionWithoutRequestResponse(t, undefined, { antiCsrfCheck: false });
    if (r.status !== "OK") throw new Error(`ours: ${r.status}`);
  };

  const supertokens = (await import("supertokens-node")).default;
  const Session = (await import("supertokens-node/recipe/session")).default;
  supertokens.init({
    supertokens: { connectionURI: core },
    appInfo: { appName: "bench", apiDomain: "https://api.example.com", websiteDomain: "https://example.com" },
    recipeList: [Session.init()],
  });
  const sdk = async (t: string) => {
    await Session.getSessionWithoutRequestResponse(t, undefined, { antiCsrfCheck: false });
  };

  const distinct = (f: (t: string) => Promise<unknown>) => (i: number) => f(tokens[i % DISTINCT]!);
  const same = (f: (t: string) => Promise<unknown>) => () => f(tokens[0]!);
  const results = await measureAll([
    ["raw crypto.subtle.verify", distinct(raw)],
    ["jose compactVerify (key in hand)", distinct((t) => compactVerify(t, joseKey))],
    ["jose jwtVerify (key in hand)", distinct((t) => jwtVerify(t, joseKey))],
    ["supertokens-node getSessionWithoutRequestResponse", distinct(sdk)],
    ["supertokens-edge getSession, distinct tokens", distinct(ours)],
    ["supertokens-edge getSession, same token again", same(ours)],
    ["supertokens-node, same token again", same(sdk)],
  ]);

  const base = results[0]!.opsPerSec;
  const lines = [
    "",
    `| case (workerd, ${DURATION_MS} ms each in ${ROUNDS} interleaved slices, ${DISTINCT} distinct RS256 tokens) | ops/s | × raw |`,
    "|---|---:|---:|",
    ...results.map((r) => `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString("en-US")} | ${(r.opsPerSec / base).toFixed(2)} |`),
    "",
  ];
  console.log(lines.join("\n"));
  expect(results.length).toBe(7);
});

// Differential JWKS-cache test: supertokens-node 24.0.3 (jose 4 createRemoteJWKSet, cacheMaxAge =
// jwksRefreshIntervalSec, cooldown 500 ms) and our engine must hit the core's /.well-known/jwks.json equally often.
// The clock (Date only) is fake for the whole file, so cooldowns and cache ages are exact; both engines verify at
// the same instants, Node first, and each engine's fetches are counted separately.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SuperTokensEdge } from "../../src/index.js";
import { startCoreEmulator, type CoreEmulator } from "../emulator/core.mjs";
import { createOurs, initNodeSdk, measured, verifyWithNode, verifyWithOurs, type Measured } from "./differential-harness.js";

const INTERVAL_MS = 14400 * 1000; // default jwksRefreshIntervalSec of both

let emu: CoreEmulator;
let st: SuperTokensEdge;
let t0: number;

beforeAll(async () => {
  emu = await startCoreEmulator();
  vi.useFakeTimers({ toFake: ["Date"] });
  t0 = Date.now();
  initNodeSdk(emu.url, {});
  st = createOurs(emu.url, {});
});
afterAll(async () => {
  vi.useRealTimers();
  await emu?.close();
});

/** Verifies every token with Node, then every token with ours, at clock `t0 + atMs`; returns both sides. */
async function both(atMs: number, tokens: string[]): Promise<{ node: Measured[]; ours: Measured[]; nodeFetches: number; oursFetches: number }> {
  vi.setSystemTime(t0 + atMs);
  const node: Measured[] = [];
  const ours: Measured[] = [];
  for (const t of tokens) node.push(await measured(emu, () => verifyWithNode(t)));
  for (const t of tokens) ours.push(await measured(emu, () => verifyWithOurs(st, t)));
  const sum = (xs: Measured[]) => xs.reduce((a, x) => a + x.jwksFetches, 0);
  return { node, ours, nodeFetches: sum(node), oursFetches: sum(ours) };
}

const statuses = (xs: Measured[]) => xs.map((x) => x.status);
/** Tokens that stay unexpired across the whole file (the last step is 4 h later). */
const mintMany = (n: number, kid?: string) =>
  Array.from({ length: n }, (_, i) => emu.mintAccessToken({ sub: `u${i}`, exp: Math.floor(t0 / 1000) + 20_000, ...(kid ? { kid } : {}) }));

describe("JWKS fetches: supertokens-node vs ours", () => {
  it("N valid tokens: one fetch each", async () => {
    const r = await both(0, mintMany(8));
    expect(statuses(r.node)).toEqual(Array(8).fill("OK"));
    expect(statuses(r.ours)).toEqual(Array(8).fill("OK"));
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });

  it("unknown kid within the 500 ms cooldown: no refetch", async () => {
    const r = await both(100, [emu.mintAccessToken({ kid: "orphan" })]);
    expect(statuses(r.node)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect(statuses(r.ours)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 0, ours: 0 });
  });

  it("unknown kid after the cooldown: one refetch, still refused", async () => {
    const r = await both(600, [emu.mintAccessToken({ kid: "orphan" })]);
    expect(statuses(r.node)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect(statuses(r.ours)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });

  let rotatedTokens: string[] = [];
  it("key rotated, new kid within the cooldown of the last refetch: refused without refetch", async () => {
    vi.setSystemTime(t0 + 700);
    const kid = emu.rotateDynamicKey();
    rotatedTokens = mintMany(6, kid);
    const r = await both(700, rotatedTokens.slice(0, 1));
    expect(statuses(r.node)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect(statuses(r.ours)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 0, ours: 0 });
  });

  it("after the cooldown, tokens with the new kid: exactly one more fetch each", async () => {
    const r = await both(1200, rotatedTokens.slice(1));
    expect(statuses(r.node)).toEqual(Array(5).fill("OK"));
    expect(statuses(r.ours)).toEqual(Array(5).fill("OK"));
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });

  it("tokens of the old key and the new key while the cache is fresh: no fetch", async () => {
    const r = await both(INTERVAL_MS - 1000, [...mintMany(2, emu.keyIds().dynamic[1]), ...mintMany(2)]);
    expect(statuses(r.node)).toEqual(Array(4).fill("OK"));
    expect(statuses(r.ours)).toEqual(Array(4).fill("OK"));
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 0, ours: 0 });
  });

  it("cache older than jwksRefreshIntervalSec: the next verification refetches once", async () => {
    const r = await both(1200 + INTERVAL_MS, mintMany(4));
    expect(statuses(r.node)).toEqual(Array(4).fill("OK"));
    expect(statuses(r.ours)).toEqual(Array(4).fill("OK"));
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });
});

// Differential JWKS-cache test: supertokens-node 24.0.3 (jose 4 createRemoteJWKSet, cacheMaxAge =
// jwksRefreshIntervalSec, cooldown 500 ms) and our engine must hit the core's /.well-known/jwks.json equally often.
// The clock (Date only) is fake for the whole file, so cooldowns and cache ages are exact; both engines verify at
// the same instants, Node first, and each engine's fetches are counted separately.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SuperTokensEdge } from "../../src/index.js";
import {
  createOurs,
  initNodeSdk,
  measured,
  verifyWithNode,
  verifyWithOurs,
  type Measured,
} from "./differential-harness.js";
import { useCoreEmulator } from "./helpers/emulator.js";

const INTERVAL_MS = 14400 * 1000; // default jwksRefreshIntervalSec of both

const emu = useCoreEmulator();
let st: SuperTokensEdge;
let t0: number;

beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  t0 = Date.now();
  initNodeSdk(emu().url, {});
  st = createOurs(emu().url, {});
});
afterAll(() => {
  vi.useRealTimers();
});

/** Verifies every token with Node, then every token with ours, at clock `t0 + atMs`; returns both sides. */
async function both(
  atMs: number,
  tokens: string[],
): Promise<{ node: Measured[]; ours: Measured[]; nodeFetches: number; oursFetches: number }> {
  vi.setSystemTime(t0 + atMs);
  const node: Measured[] = [];
  const ours: Measured[] = [];
  for (const t of tokens) node.push(await measured(emu(), () => verifyWithNode(t)));
  for (const t of tokens) ours.push(await measured(emu(), () => verifyWithOurs(st, t)));
  const sum = (xs: Measured[]) => xs.reduce((a, x) => a + x.jwksFetches, 0);
  return { node, ours, nodeFetches: sum(node), oursFetches: sum(ours) };
}

const statuses = (xs: Measured[]) => xs.map((x) => x.status);
/** Tokens that stay unexpired across the whole file (the last step is 4 h later). */
const mintMany = (n: number, kid?: string) =>
  Array.from({ length: n }, (_, i) =>
    emu().mintAccessToken({ sub: `u${i}`, exp: Math.floor(t0 / 1000) + 20_000, ...(kid ? { kid } : {}) }),
  );

describe("JWKS fetches: supertokens-node vs ours", () => {
  it("N valid tokens: one fetch each", async () => {
    const r = await both(0, mintMany(8));
    expect(statuses(r.node)).toEqual(Array(8).fill("OK"));
    expect(statuses(r.ours)).toEqual(Array(8).fill("OK"));
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });

  it("unknown kid within the 500 ms cooldown: no refetch", async () => {
    const r = await both(100, [emu().mintAccessToken({ kid: "orphan" })]);
    expect(statuses(r.node)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect(statuses(r.ours)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 0, ours: 0 });
  });

  it("unknown kid after the cooldown: one refetch, still refused", async () => {
    const r = await both(600, [emu().mintAccessToken({ kid: "orphan" })]);
    expect(statuses(r.node)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect(statuses(r.ours)).toEqual(["TRY_REFRESH_TOKEN"]);
    expect({ node: r.nodeFetches, ours: r.oursFetches }).toEqual({ node: 1, ours: 1 });
  });

  let rotatedTokens: string[] = [];
  it("key rotated, new kid within the cooldown of the last refetch: refused without refetch", async () => {
    vi.setSystemTime(t0 + 700);
    const kid = emu().rotateDynamicKey();
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
    const r = await both(INTERVAL_MS - 1000, [...mintMany(2, emu().keyIds().dynamic[1]), ...mintMany(2)]);
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

// Deliberate differences in JWKS traffic (each on fresh engines: Node re-initialised, a new engine of ours),
// pinned so a change on either side shows. The mechanisms (jose 4.15 RemoteJWKSet vs src/jwks/cache.ts):
// - jose starts its 500 ms cooldown when a fetch *succeeds* (`_jwksTimestamp`) and never after a failure; ours
//   starts it at every load attempt, failed or not: no JWKS request per request against a failing core;
// - jose reloads a stale set on every call and throws when that fails (Node: try refresh); ours keeps serving the
//   stale set and retries once per cooldown;
// - jose compares `Date.now() < timestamp + cooldown`, so a clock that stepped back keeps it cooling down until the
//   clock catches up; ours treats a step back as past the cooldown (a rotated key is accepted at once).
describe("JWKS fetches: deliberate differences", () => {
  const base = 3 * INTERVAL_MS;
  /** A token valid for a day from `atMs`, minted at that instant (optionally with a kid). */
  const mintAt = (atMs: number, o: { kid?: string; sub?: string } = {}) => {
    vi.setSystemTime(t0 + atMs);
    return emu().mintAccessToken({ exp: Math.floor((t0 + atMs) / 1000) + 86_400, ...o });
  };
  const fresh = () => {
    initNodeSdk(emu().url, {});
    st = createOurs(emu().url, {});
  };
  const fetches = (r: { nodeFetches: number; oursFetches: number }) => ({ node: r.nodeFetches, ours: r.oursFetches });

  it("a failed load starts our cooldown (not jose's): right after an outage ours answers 503 for ≤ 500 ms, Node refetches", async () => {
    fresh();
    expect(fetches(await both(base, [mintAt(base)]))).toEqual({ node: 1, ours: 1 });
    vi.setSystemTime(t0 + base + 1000);
    const rotated = mintAt(base + 1000, { kid: emu().rotateDynamicKey() });
    emu().setFailure("down");
    let r = await both(base + 1000, [rotated]);
    emu().setFailure(null);
    expect([statuses(r.node), statuses(r.ours), fetches(r)]).toEqual([
      ["TRY_REFRESH_TOKEN"],
      ["CORE_UNAVAILABLE"],
      { node: 1, ours: 1 },
    ]);
    r = await both(base + 1100, [rotated]);
    expect([statuses(r.node), statuses(r.ours), fetches(r)]).toEqual([
      ["OK"],
      ["CORE_UNAVAILABLE"],
      { node: 1, ours: 0 },
    ]);
    r = await both(base + 1600, [rotated]);
    expect([statuses(r.node), statuses(r.ours), fetches(r)]).toEqual([["OK"], ["OK"], { node: 0, ours: 1 }]);
  });

  it("a stale set while the core is down: Node refetches (and fails) on every call, ours serves it, retrying once per cooldown", async () => {
    const at = base + 10_000;
    fresh();
    // Fresh tokens after the warm-up (a token ours verified before is answered from its verified-token cache).
    const tokens = [mintAt(at), mintAt(at), mintAt(at)];
    expect(fetches(await both(at, [mintAt(at)]))).toEqual({ node: 1, ours: 1 });
    emu().setFailure("down");
    const stale = at + INTERVAL_MS + 10;
    const rs = [];
    for (const [i, t] of tokens.entries()) rs.push(await both(stale + i * 100, [t]));
    emu().setFailure(null);
    expect(rs.map((r) => [statuses(r.node)[0], statuses(r.ours)[0]])).toEqual(
      Array(3).fill(["TRY_REFRESH_TOKEN", "OK"]),
    );
    expect(rs.map(fetches)).toEqual([
      { node: 1, ours: 1 },
      { node: 1, ours: 0 },
      { node: 1, ours: 0 },
    ]);
  });

  it("the clock steps back behind the last fetch: Node refuses a newly rotated key until its clock catches up, ours refetches", async () => {
    const at = base + 2 * INTERVAL_MS;
    fresh();
    expect(fetches(await both(at, [mintAt(at)]))).toEqual({ node: 1, ours: 1 });
    expect(fetches(await both(at + 5000, [mintAt(at + 5000, { kid: "orphan" })]))).toEqual({ node: 1, ours: 1 });
    vi.setSystemTime(t0 + at + 100); // 4.9 s back
    const rotated = mintAt(at + 100, { kid: emu().rotateDynamicKey() });
    const r = await both(at + 100, [rotated]);
    expect([statuses(r.node), statuses(r.ours), fetches(r)]).toEqual([
      ["TRY_REFRESH_TOKEN"],
      ["OK"],
      { node: 0, ours: 1 },
    ]);
  });
});

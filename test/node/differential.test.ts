// Differential test: every case of the corpus is verified by supertokens-node 24.0.3
// (`Session.getSessionWithoutRequestResponse`) and by our engine (`st.getSessionWithoutRequestResponse`), both
// against the same core emulator. They must agree on the outcome, the session fields, whether the core issued a
// new access token, and whether the core's /recipe/session/verify was called — except the deliberate
// differences listed in DIVERGENCES (differential-corpus.ts), where each side must give its documented outcome.
// The valid cases double as a proof of the emulator: the official SDK accepts what it mints.
//
// Set DIFFERENTIAL_REPORT=1 to print every case's two outcomes.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SuperTokensEdge } from "../../src/index.js";
import {
  CASES,
  CONFIGS,
  DIVERGENCES,
  KNOWN_BUGS,
  type Case,
  type ConfigName,
  type Expect,
  type Made,
} from "./differential-corpus.js";
import {
  createOurs,
  initNodeSdk,
  measured,
  payloadOf,
  verifyWithNode,
  verifyWithOurs,
  type Measured,
  type Outcome,
} from "./differential-harness.js";
import { useCoreEmulator } from "./helpers/emulator.js";
import { jwtHeader } from "./helpers/tokens.js";

export { DIVERGENCES, KNOWN_BUGS } from "./differential-corpus.js";

/** Session-specific claims: differ between two equivalent sessions, or between two tokens the core minted. */
const VOLATILE_CLAIMS = [
  "iat",
  "exp",
  "sessionHandle",
  "refreshTokenHash1",
  "parentRefreshTokenHash1",
  "antiCsrfToken",
];

const emu = useCoreEmulator();
let st: SuperTokensEdge;
const report: string[] = [];

afterAll(() => {
  vi.useRealTimers();
  if (process.env.DIFFERENTIAL_REPORT) console.log(report.join("\n"));
});

async function atClock<T>(at: number | undefined, fn: () => Promise<T>): Promise<T> {
  if (at === undefined) return fn();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

async function withFailure<T>(m: Made, fn: () => Promise<T>): Promise<T> {
  if (m.coreFailure === undefined) return fn();
  emu().setFailure(m.coreFailure);
  try {
    return await fn();
  } finally {
    emu().setFailure(null);
  }
}

const node = (m: Made) => withFailure(m, () => measured(emu(), () => verifyWithNode(m.token, m.antiCsrf, m.options)));
const ours = (m: Made) =>
  withFailure(m, () => measured(emu(), () => verifyWithOurs(st, m.token, m.antiCsrf, m.options)));

function withDefaults(e: Expect): Record<string, unknown> {
  return { coreVerify: 0, ...(e.status === "OK" ? { replaced: false } : {}), ...e };
}

/**
 * The part of an outcome that must be identical across engines. Values tied to one session (handle, hashes,
 * iat/exp of a re-minted token) are compared against the verified token itself instead.
 */
function comparable(o: Measured, made: Made, perEngine: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = { status: o.status, coreVerify: o.coreVerify };
  if (o.status === "UNAUTHORISED") base.clearTokens = o.clearTokens;
  if (o.status === "CORE_UNAVAILABLE" || o.status === "THROWN") base.message = o.message;
  if (o.status !== "OK") return base;

  const original = payloadOf(made.token) ?? {};
  const exact = !perEngine && !o.replaced;
  const payload = exact
    ? o.payload
    : Object.fromEntries(Object.entries(o.payload).filter(([k]) => !VOLATILE_CLAIMS.includes(k)));
  const out: Record<string, unknown> = {
    ...base,
    userId: o.userId,
    recipeUserId: o.recipeUserId,
    tenantId: o.tenantId,
    replaced: o.replaced,
    handleIsTheTokens: o.handle === original.sessionHandle,
    payload,
  };
  if (!o.replaced) {
    out.accessToken = o.accessToken === made.token ? "<the verified token>" : o.accessToken;
  } else {
    const fresh = payloadOf(o.accessToken) ?? {};
    out.newToken = {
      parentRefreshTokenHash1: fresh.parentRefreshTokenHash1,
      sameSub: fresh.sub === original.sub,
      sameSessionHandle: fresh.sessionHandle === original.sessionHandle,
      kidPrefix: String(jwtHeader(o.accessToken).kid).slice(0, 2),
      differsFromVerified: o.accessToken !== made.token,
    };
  }
  return out;
}

function summary(o: Outcome & { coreVerify: number }): string {
  const extra =
    o.status === "UNAUTHORISED" ? ` clearTokens=${o.clearTokens}` : o.status === "OK" ? ` replaced=${o.replaced}` : "";
  return `${o.status}${extra} core=${o.coreVerify}`;
}

async function runCase(c: Case): Promise<void> {
  const make = (engine: "node" | "ours" | "both") => Promise.resolve(c.make({ emu: emu(), st, engine }));
  const madeNode = await make(c.perEngine ? "node" : "both");
  const madeOurs = c.perEngine ? await make("ours") : madeNode;

  if (madeNode.warm || madeOurs.warm) {
    // Warm-up: real clock, healthy core, nothing measured.
    const warmNode = await verifyWithNode(madeNode.token, madeNode.antiCsrf, madeNode.options);
    const warmOurs = await verifyWithOurs(st, madeOurs.token, madeOurs.antiCsrf, madeOurs.options);
    expect(warmNode.status, "warm-up (Node)").toBe("OK");
    expect(warmOurs.status, "warm-up (ours)").toBe("OK");
    madeNode.afterWarm?.();
    if (madeOurs !== madeNode) madeOurs.afterWarm?.();
  }

  const n = await atClock(madeNode.at, () => node(madeNode));
  const o = await atClock(madeOurs.at, () => ours(madeOurs));
  report.push(`${c.name.padEnd(80)} node: ${summary(n).padEnd(40)} ours: ${summary(o)}`);

  const divergence = DIVERGENCES.find((d) => d.case === c.name);
  if (divergence !== undefined) {
    expect(n, "Node's documented outcome").toMatchObject(withDefaults(divergence.node));
    expect(o, "our documented outcome").toMatchObject(withDefaults(divergence.ours));
    const decided = (m: Record<string, unknown>) =>
      `${summary(m as never)} user=${String(m.userId)} recipeUser=${String(m.recipeUserId)} tenant=${String(m.tenantId)}`;
    expect(decided(o), "a DIVERGENCES entry whose outcomes no longer differ").not.toBe(decided(n));
    return;
  }

  expect(c.expect, "a case needs `expect` or a DIVERGENCES entry").toBeDefined();
  const bug = KNOWN_BUGS.find((b) => b.case === c.name);
  if (bug !== undefined) {
    expect(n, "supertokens-node's outcome").toMatchObject(withDefaults(c.expect!));
    expect(o, `KNOWN_BUGS "${c.name}": our outcome changed (fixed? then delete the entry)`).toMatchObject(
      withDefaults(bug.ours),
    );
    return;
  }
  const cn = comparable(n, madeNode, c.perEngine === true);
  const co = comparable(o, madeOurs, c.perEngine === true);
  expect(co, "ours vs supertokens-node").toEqual(cn);
  expect(n, "supertokens-node's outcome").toMatchObject(withDefaults(c.expect!));
  expect(o, "our outcome").toMatchObject(withDefaults(c.expect!));
  if (n.status === "OK" && n.replaced) {
    expect(cn.newToken, "the core's new token").toMatchObject({
      parentRefreshTokenHash1: null,
      sameSub: true,
      sameSessionHandle: true,
      differsFromVerified: true,
    });
  }
}

const configsInOrder = [...new Set(CASES.map((c) => c.config ?? "default"))] as ConfigName[];

describe("differential corpus", () => {
  it("is well-formed", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    const names = CASES.map((c) => c.name);
    expect(new Set(names).size, "case names are unique").toBe(names.length);
    for (const b of KNOWN_BUGS) {
      const c = CASES.find((x) => x.name === b.case);
      expect(c?.expect, `KNOWN_BUGS entry "${b.case}" names a case with Node's outcome as \`expect\``).toBeDefined();
      expect(
        DIVERGENCES.some((d) => d.case === b.case),
        `"${b.case}" is either a bug or a divergence`,
      ).toBe(false);
    }
    for (const d of DIVERGENCES) {
      const c = CASES.find((x) => x.name === d.case);
      expect(c, `DIVERGENCES entry "${d.case}" names a case`).toBeDefined();
      expect(c?.expect, `"${d.case}" is a divergence: its outcomes live in DIVERGENCES only`).toBeUndefined();
    }
  });

  for (const configName of configsInOrder) {
    describe(`config ${configName}: ${JSON.stringify(CONFIGS[configName])}`, () => {
      beforeAll(() => {
        initNodeSdk(emu().url, CONFIGS[configName]);
        st = createOurs(emu().url, CONFIGS[configName]);
      });
      for (const c of CASES.filter((x) => (x.config ?? "default") === configName)) {
        it(c.name, () => runCase(c));
      }
    });
  }
});

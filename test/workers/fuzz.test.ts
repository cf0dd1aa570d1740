// Property-based fuzzing of the front door inside workerd (fast-check). The properties live in
// test/setup/fuzz-properties.ts and are shared with `npm run fuzz` (scripts/fuzz.mjs, 1M cases in Node).
//
// The door is a FrontDoor built from the wrangler vars (frontDoorOptionsFromEnv) whose origin is an in-memory
// recorder: two orders of magnitude faster than the recording origin over HTTP (the last test measures both on
// the same cases and checks they agree), so ~11k cases fit in well under a minute.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { frontDoorWorker, type FrontDoorEnv } from "../../src/worker/index.js";
import {
  checkCookieHeader,
  checkPath,
  checkToken,
  cookieHeaderArb,
  drive,
  FRONT,
  FUZZ_USER,
  makeDoor,
  pathArb,
  splitRuns,
  Tally,
  tokenArb,
  UNICODE_LOOKALIKES,
  UNICODE_WS,
  type CookieHeaderCase,
  type FuzzSetup,
  type TokenCase,
} from "../setup/fuzz-properties.js";
import fc from "fast-check";

const coreUrl = inject("coreUrl");
const originUrl = inject("originUrl");
const TOTAL = 20_000;
const RUNS = splitRuns(TOTAL);
const SEED = 20261201;

let setup: FuzzSetup;

const UNICODE_TOKENS: TokenCase[] = (["header", "cookie"] as const).flatMap((form) => [
  { mutations: ["UTF-8 BOM bytes before the token"], token: "\u00ef\u00bb\u00bf<T>", form, mask: 0 },
  { mutations: ["U+FEFF before the token"], token: "\ufeff<T>", form, mask: 0 },
  { mutations: ["U+00A0 after the token"], token: "<T>\u00a0", form, mask: 0 },
]);

/** Every non-ASCII whitespace before and after the name, and the non-ASCII look-alike names, each with the valid token. */
function unicodeCookieCases(token: string): CookieHeaderCase[] {
  const names = [
    ...UNICODE_WS.flatMap((ws) => [`${ws}sAccessToken`, `sAccessToken${ws}`, ` ${ws}sAccessToken`]),
    ...UNICODE_LOOKALIKES,
  ];
  return names.map((name) => ({
    pairs: [{ name, value: token, kind: "lookalike" as const }],
    separator: "; ",
    spoofed: [],
    path: "/api/x",
    method: "GET",
  }));
}

beforeAll(async () => {
  const minted = await fetch(`${coreUrl}/__emu/mint`, { method: "POST", body: JSON.stringify({ sub: FUZZ_USER }) });
  const { token } = (await minted.json()) as { token: string };
  const jwks = await (await fetch(`${coreUrl}/.well-known/jwks.json`)).text();
  setup = { coreUrl, jwks, token };
});

function finish(name: string, tally: Tally, expected: number) {
  console.log(`fuzz ${name}:\n${tally.report()}`);
  const ran = Object.values(tally.cases).reduce((a, b) => a + b, 0);
  expect(ran).toBe(expected);
  expect(tally.violations, tally.report()).toBe(0);
}

describe(`front door fuzz (${TOTAL} cases: ${JSON.stringify(RUNS)})`, () => {
  it(`(i) paths: ${RUNS.paths} anonymous requests never reach a path an origin reads as protected`, async () => {
    const tally = new Tally();
    const fd = makeDoor(setup);
    await drive(pathArb, RUNS.paths, SEED, (path) => checkPath(fd, path, tally));
    finish("paths", tally, RUNS.paths);
  }, 60_000);

  it(`(ii) tokens: ${RUNS.tokens} mutations of a valid access token are never a session`, async () => {
    const tally = new Tally();
    const fd = makeDoor(setup);
    await drive(tokenArb(setup.token, { charset: "ascii" }), RUNS.tokens - UNICODE_TOKENS.length, SEED + 1, (c) =>
      checkToken(fd, setup.token, c, tally),
    );
    // Non-ASCII header values as a fixed table (workerd logs a long warning for each one).
    for (const c of UNICODE_TOKENS)
      await checkToken(fd, setup.token, { ...c, token: c.token.replace("<T>", setup.token) }, tally);
    // The property is not vacuous: the original token (in every form) was accepted.
    expect(tally.outcomes.tokens?.["accepted (original)"] ?? 0).toBeGreaterThan(0);
    finish("tokens", tally, RUNS.tokens);
  }, 60_000);

  it(`(iii) cookies and headers: ${RUNS.cookies} requests with random cookies and spoofed headers`, async () => {
    const tally = new Tally();
    const fd = makeDoor(setup);
    const table = unicodeCookieCases(setup.token);
    await drive(cookieHeaderArb(setup.token, { charset: "ascii" }), RUNS.cookies - table.length, SEED + 2, (c) =>
      checkCookieHeader(fd, setup.token, c, tally),
    );
    for (const c of table) await checkCookieHeader(fd, setup.token, c, tally);
    expect(tally.outcomes["cookies+headers"]?.["forwarded-origin+identity"] ?? 0).toBeGreaterThan(0);
    finish("cookies+headers", tally, RUNS.cookies);
  }, 60_000);

  it("the injected recorder and frontDoorWorker + the recording origin agree on the same cases (and which is faster)", async () => {
    const paths = fc.sample(pathArb, { numRuns: 150, seed: SEED + 3 });
    const fd = makeDoor(setup);
    const injected: string[] = [];
    let t = performance.now();
    for (const p of paths) {
      fd.sent.length = 0;
      const res = await fd.door.fetch(new Request(FRONT + p));
      const s = fd.sent[0];
      injected.push(
        `${res.status} ${s ? `${s.url.host === "auth-origin.test" ? "auth" : "origin"} ${s.url.pathname}${s.url.search}` : "-"}`,
      );
    }
    const injectedMs = (performance.now() - t) / paths.length;

    const tag = `fz${Date.now().toString(36)}`;
    const env = {
      SUPERTOKENS_CONNECTION_URI: coreUrl,
      ORIGIN_URL: `${originUrl}/${tag}`,
      AUTH_ORIGIN_URL: `${originUrl}/${tag}-auth`,
      PUBLIC_PATHS: "/,/public/*",
      API_DOMAIN: FRONT,
    } as FrontDoorEnv;
    const statuses: number[] = [];
    t = performance.now();
    for (const p of paths) statuses.push((await frontDoorWorker.fetch(new Request(FRONT + p), env)).status);
    const realMs = (performance.now() - t) / paths.length;
    const recorded = ((await (await fetch(`${originUrl}/__origin/requests`)).json()) as { url: string }[])
      .map((r) => r.url)
      .filter((u) => u.startsWith(`/${tag}/`) || u.startsWith(`/${tag}-auth/`));
    // Rebuild the same one-line verdicts from the recording origin's log, in order.
    const real: string[] = [];
    let k = 0;
    for (const status of statuses) {
      const forwarded = status === 200 && k < recorded.length;
      const u = forwarded ? recorded[k++]! : undefined;
      real.push(
        `${status} ${u ? (u.startsWith(`/${tag}-auth/`) ? `auth ${u.slice(tag.length + 6)}` : `origin ${u.slice(tag.length + 1)}`) : "-"}`,
      );
    }
    console.log(
      `per case: injected recorder ${injectedMs.toFixed(2)} ms, frontDoorWorker + recording origin ${realMs.toFixed(2)} ms`,
    );
    expect(real).toEqual(injected);
  }, 60_000);
});

#!/usr/bin/env node
// `npm run fuzz`: the front door's fuzz properties (test/setup/fuzz-properties.ts — the same ones
// test/workers/fuzz.test.ts runs in workerd) with 1,000,000 cases, offline, in Node.
//
//   FUZZ_RUNS=1000000   total cases, split paths 50% / tokens 25% / cookies+headers 25%
//   FUZZ_SEED=<n>       fast-check seed (default: the clock; printed, so any run can be replayed)
//
// Why Node and esbuild: the FrontDoor is fetch + WebCrypto only, so it runs unchanged in Node 22; esbuild (already a
// devDependency, no new dependency) bundles the TypeScript properties together with src/ in ~100 ms. Running the
// million cases in workerd would go through the vitest pool for no gain in coverage — the properties exercise the
// FrontDoor's own code, and the WHATWG URL parsing of `new Request` is the same in both runtimes. What differs:
// Node's Headers refuse characters above U+00FF, so header values are drawn from Latin-1 here (raw U+2000 / U+FEFF
// are covered by the workerd test's fixed table).
//
// Prints the cases per property and per outcome (forwarded, 400 by reason, 401, …), the violations by kind with
// examples, and exits 1 on any violation.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startCoreEmulator } from "../test/emulator/core.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const total = Number(process.env.FUZZ_RUNS ?? 1_000_000);
if (!Number.isInteger(total) || total < 3) {
  console.error(`FUZZ_RUNS must be an integer ≥ 3, got ${JSON.stringify(process.env.FUZZ_RUNS)}`);
  process.exit(2);
}
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const outfile = join(tmpdir(), `supertokens-edge-fuzz-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, "test/setup/fuzz-properties.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  logLevel: "warning",
});
const props = await import(pathToFileURL(outfile).href);
rmSync(outfile, { force: true });

const core = await startCoreEmulator();
let exitCode = 0;
try {
  const token = core.mintAccessToken({ sub: props.FUZZ_USER });
  const setup = { coreUrl: core.url, jwks: JSON.stringify(core.jwks()), token };
  const runs = props.splitRuns(total);
  const tally = new props.Tally();
  console.log(
    `front-door fuzz: ${total} cases ${JSON.stringify(runs)}, seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${total})`,
  );

  const phase = async (name, arb, n, s, check) => {
    const fd = props.makeDoor(setup);
    const t0 = Date.now();
    let last = t0;
    await props.drive(
      arb,
      n,
      s,
      (v) => check(fd, v),
      (done) => {
        const now = Date.now();
        if (now - last > 10_000 || done === n) {
          last = now;
          console.log(`  ${name}: ${done}/${n} (${Math.round((done / Math.max(1, now - t0)) * 1000)}/s)`);
        }
      },
    );
  };
  await phase("paths", props.pathArb, runs.paths, seed, (fd, p) => props.checkPath(fd, p, tally));
  await phase("tokens", props.tokenArb(token, { charset: "latin1" }), runs.tokens, seed + 1, (fd, c) =>
    props.checkToken(fd, token, c, tally),
  );
  await phase("cookies+headers", props.cookieHeaderArb(token, { charset: "latin1" }), runs.cookies, seed + 2, (fd, c) =>
    props.checkCookieHeader(fd, token, c, tally),
  );

  console.log(`\n${tally.report()}`);
  if ((tally.outcomes.tokens?.["accepted (original)"] ?? 0) === 0 && runs.tokens > 100) {
    console.log("the original token was never accepted: the token property is vacuous");
    exitCode = 1;
  }
  if (tally.violations > 0) exitCode = 1;
} finally {
  await core.close();
}
process.exit(exitCode);

#!/usr/bin/env node
// `npm run bench`: the verification benchmark in workerd and in Node 22, one after the other in one run, then both
// tables side by side (ratios to each runtime's own raw crypto.subtle.verify are what compare).
import { spawnSync } from "node:child_process";
import { build } from "esbuild";

// The engine as users run it: one bundled module (as wrangler, Next or any bundler ships it).
await build({
  entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
  outfile: new URL("./.out/supertokens-edge.mjs", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "neutral",
  minify: true,
  logLevel: "warning",
});

const runs = [
  ["workerd", ["vitest", "run", "--config", "vitest.bench.config.ts"]],
  ["Node", ["vitest", "run", "--config", "vitest.bench.node.config.ts"]],
];
const results = [];
for (const [label, [cmd, ...args]] of runs) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: process.env });
  process.stdout.write(r.stdout);
  const line = r.stdout.split("\n").find((l) => l.includes("BENCH_RESULT "));
  if (r.status !== 0 || line === undefined) {
    console.error(`bench: the ${label} run failed (exit ${r.status})`);
    process.exit(1);
  }
  results.push(JSON.parse(line.slice(line.indexOf("BENCH_RESULT ") + 13)));
}
const names = results[0].rows.map((r) => r.name);
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const header = results.map((r) => `${r.runtime} ops/s | × raw`).join(" | ");
console.log(`\n| case | ${header} |\n|---|${results.map(() => "---:|---:").join("|")}|`);
for (const name of names) {
  const cells = results.map((r) => {
    const row = r.rows.find((x) => x.name === name);
    return `${fmt(row.opsPerSec)} | ${(row.opsPerSec / r.rows[0].opsPerSec).toFixed(2)}`;
  });
  console.log(`| ${name} | ${cells.join(" | ")} |`);
}
const ratio = (r, a, b) => r.rows.find((x) => x.name === a).opsPerSec / r.rows.find((x) => x.name === b).opsPerSec;
for (const r of results) {
  console.log(
    `${r.runtime}: ours distinct ÷ supertokens-node = ${ratio(r, "supertokens-edge getSession, distinct tokens", "supertokens-node getSessionWithoutRequestResponse").toFixed(2)}×; onEvent on ÷ off = ${ratio(r, "supertokens-edge getSession, distinct tokens, onEvent on", "supertokens-edge getSession, distinct tokens").toFixed(2)}`,
  );
}

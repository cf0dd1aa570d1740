#!/usr/bin/env node
// `npm run size` (part of `npm test`): the deployed front door must stay ≤ 20 KB gzipped, and no entry may
// pull in another's framework. Prints the figures the README quotes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const BUDGET_GZIP_BYTES = 20_000;
const root = new URL("..", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "st-edge-size-"));
let failed = false;

try {
  // 1. The front door exactly as `wrangler deploy` would upload it.
  execFileSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", join(out, "front-door")], {
    cwd: root,
    stdio: "pipe",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const file = readdirSync(join(out, "front-door")).find((f) => f.endsWith(".js"));
  const bundle = readFileSync(join(out, "front-door", file));
  const gz = gzipSync(bundle, { level: 9 }).length;
  const ok = gz <= BUDGET_GZIP_BYTES;
  failed ||= !ok;
  console.log(
    `front door (wrangler deploy --dry-run): ${bundle.length} B minified, ${gz} B gzipped — budget ${BUDGET_GZIP_BYTES} B ${ok ? "OK" : "EXCEEDED"}`,
  );

  // Indicative startup: compile + evaluate the deployed bundle (Node 22, same V8 family as workerd).
  const mjs = join(out, "front-door.mjs");
  writeFileSync(mjs, bundle);
  const probe = `const t=performance.now();await import(${JSON.stringify(mjs)});console.log((performance.now()-t).toFixed(2))`;
  const runs = Array.from({ length: 5 }, () =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", probe]).toString()),
  );
  runs.sort((a, b) => a - b);
  console.log(
    `front door module load (compile + evaluate, Node ${process.versions.node}): median ${runs[2]} ms of 5 runs`,
  );

  // 2. Each package entry, frameworks external: none may contain another's framework.
  const entries = {
    ".": "src/index.ts",
    "./hono": "src/hono/index.ts",
    "./next": "src/next/index.ts",
    "./worker": "src/worker/index.ts",
  };
  for (const [name, entry] of Object.entries(entries)) {
    const r = await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      external: ["hono", "hono/*", "next", "next/*"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = r.outputFiles[0].contents;
    const imports = Object.values(r.metafile.outputs)[0].imports.map((i) => i.path);
    const leaks = imports.filter((p) => (name !== "./hono" && p.startsWith("hono")) || p.startsWith("next"));
    failed ||= leaks.length > 0;
    console.log(
      `entry ${name.padEnd(9)} ${String(code.length).padStart(6)} B minified, ${String(gzipSync(code, { level: 9 }).length).padStart(5)} B gzipped${leaks.length ? `  LEAKS ${leaks.join(", ")}` : ""}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed) {
  console.error("size check failed");
  process.exit(1);
}

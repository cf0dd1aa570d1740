#!/usr/bin/env node
// Part of `npm test`: the import graph of src/ has no cycles (type imports included) and follows the layer rules
// of CONTRIBUTING.md — data flows request → http → session → token/jwks/core → decision → http → response.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = new URL("../src/", import.meta.url).pathname;

/** The layer of a module (its folder, or its own name at the top of src/). */
const layerOf = (file) => (file.includes("/") ? file.split("/")[0] : file.replace(/\.ts$/, ""));

/**
 * What each layer may import at run time (type-only imports may also point one way up, e.g. config.ts naming the
 * claim types; they still count for cycles). A layer always may import itself.
 */
const ALLOWED = {
  errors: [],
  events: ["errors"],
  hosts: [],
  token: [],
  core: ["errors", "events", "token"],
  jwks: ["errors", "events", "core", "token"],
  config: ["hosts", "events", "jwks", "session"],
  session: ["errors", "events", "hosts", "token", "core", "jwks", "config"],
  http: ["errors", "events", "hosts", "token", "session", "config"],
  supertokens: ["config", "core", "http", "session", "token"],
  hono: ["supertokens", "http", "session", "errors", "config"],
  next: ["supertokens", "http", "session", "errors", "config", "token"],
  worker: ["config", "errors", "http", "jwks", "session", "supertokens"],
  index: ["*"],
};
/** Imports that only types may use (a value import would couple the layers at run time). */
const TYPE_ONLY = { config: ["jwks", "session", "events"] };

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

const files = walk(root).map((f) => relative(root, f));
const graph = new Map();
const problems = [];
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^"';]*?from\s+"(\.[^"]+)"|^\s*import\s+"(\.[^"]+)"/gm;

for (const file of files) {
  const text = readFileSync(join(root, file), "utf8");
  const edges = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    const typeOnly = m[2] !== undefined || /^\s*import\s+\{\s*(type\s+[^,}]+,?\s*)+\}/.test(m[0]);
    const target = relative(root, join(root, dirname(file), spec)).replace(/\.js$/, ".ts");
    if (!files.includes(target)) {
      problems.push(`${file}: imports ${spec}, which is not a module of src/`);
      continue;
    }
    edges.push(target);
    const from = layerOf(file);
    const to = layerOf(target);
    if (from === to) continue;
    const allowed = ALLOWED[from];
    if (allowed === undefined) problems.push(`${file}: layer "${from}" has no rule in scripts/check-layers.mjs`);
    else if (!allowed.includes("*") && !allowed.includes(to))
      problems.push(`${file} → ${target}: "${from}" may not import "${to}"`);
    else if (!typeOnly && TYPE_ONLY[from]?.includes(to))
      problems.push(`${file} → ${target}: "${from}" may import only types from "${to}"`);
  }
  graph.set(file, edges);
}
// hono and next never reach each other (their bundles must not leak into each other), nor anything up into worker.
for (const [file, edges] of graph) {
  for (const t of edges) {
    if (layerOf(file) !== "worker" && layerOf(t) === "worker")
      problems.push(`${file} → ${t}: nothing below worker/ imports it`);
  }
}

// Cycles (Tarjan's strongly connected components).
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const on = new Set();
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      on.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) problems.push(`import cycle: ${scc.reverse().join(" → ")}`);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

if (problems.length > 0) {
  console.error(`src/ layering (${problems.length} problem(s)):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
const edges = [...graph.values()].reduce((n, e) => n + e.length, 0);
console.log(`src/ layering: ${files.length} modules, ${edges} imports, no cycles, every import allowed by its layer`);

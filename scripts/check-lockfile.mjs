#!/usr/bin/env node
// Part of `npm test`: `npm ci` refuses a lock file that lacks any platform's optional package (a lock written
// by a plain `npm install` on Linux can miss `@cloudflare/workerd-darwin-64` and friends). Every optional
// dependency of every locked package must itself be locked, whatever platform wrote the file.
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
const packages = lock.packages ?? {};
const missing = [];

/** Node's resolution from `at` (a lock key like `node_modules/a/node_modules/b`) upwards. */
function resolves(at, name) {
  let dir = at;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`] !== undefined) return true;
    if (dir === "") return false;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i < 0 ? "" : dir.slice(0, i);
  }
}

for (const [key, pkg] of Object.entries(packages)) {
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    if (!resolves(key, name)) missing.push(`${name} (optional dependency of ${key || "the root"})`);
  }
}
// One workerd (and one miniflare) in the tree: the tests' workerd and `wrangler dev`'s must be the same runtime.
for (const name of ["workerd", "miniflare", "wrangler"]) {
  const versions = new Set(
    Object.entries(packages)
      .filter(([key]) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`))
      .map(([, pkg]) => pkg.version),
  );
  if (versions.size > 1)
    missing.push(`${name} is locked at ${[...versions].join(" and ")}: align the pins so there is one`);
}
if (missing.length > 0) {
  console.error(`package-lock.json is not what npm ci and the tests need:\n  ${missing.join("\n  ")}`);
  console.error(
    "Regenerate it for every platform: rm -rf node_modules package-lock.json && npm install --package-lock-only",
  );
  process.exit(1);
}
console.log(
  `package-lock.json: every optional dependency of ${Object.keys(packages).length} locked packages is locked (npm ci accepts it on any platform)`,
);

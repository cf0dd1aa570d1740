import { execFile, execFileSync } from "node:child_process";
import {
  accessSync,
  constants,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useCoreEmulator } from "./helpers/emulator.js";

// Every runtime the README names, driving the PACKED package: `npm pack`, install the tarball + hono@4 in a fresh
// app, then run test/runtimes/scenario.mjs (verify a minted v5 token, reject a tampered one, refresh through the
// core, a Hono app's 200 and 401) under each runtime against the core emulator running in this process.
const root = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "st-edge-runtimes-"));
const app = join(work, "app");

/** The machine's own Node (20 here): the first `node` on PATH outside any node_modules. */
function systemNode(): { path: string; version: string } | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((d) => d !== "" && !d.includes("node_modules"));
  for (const dir of [...dirs, "/usr/local/bin", "/usr/bin"]) {
    const path = join(dir, "node");
    try {
      accessSync(path, constants.X_OK);
      return { path, version: execFileSync(path, ["--version"]).toString().trim() };
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Async: the emulator answers from this process's event loop while the child runs. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, timeout, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const emu = useCoreEmulator();
const timings: string[] = [];

beforeAll(async () => {
  // Packed from a copy of the repo, so this file's `npm run build` (prepack: rm -rf dist) never races another
  // test's build of the repo's own dist/ (package.test.ts packs too, possibly at the same time).
  const copy = join(work, "repo");
  cpSync(root, copy, {
    recursive: true,
    filter: (src) => !/\/(node_modules|dist|\.git|\.wrangler|\.dev-state)$/.test(src) && !src.endsWith(".tgz"),
  });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  const started = Date.now();
  await run("npm", ["pack", "--pack-destination", work, "--silent"], copy);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", join(work, tarball), "hono@4"],
    app,
  );
  copyFileSync(join(root, "test", "runtimes", "scenario.mjs"), join(app, "scenario.mjs"));
  timings.push(`pack + install: ${Date.now() - started} ms`);
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (timings.length > 0) console.log(`runtime tier\n  ${timings.join("\n  ")}`);
});

/** What every runtime must print, `tag` being the runtime's name as the scenario writes it into user ids. */
const expected = (tag: string) => ({
  verify: { status: "OK", userId: `minted-${tag}` },
  tampered: { status: "TRY_REFRESH_TOKEN" },
  refresh: { status: "OK", newToken: true, verifyStatus: "OK", userId: `refreshed-${tag}` },
  hono: {
    withToken: { status: 200, body: { userId: `minted-${tag}` } },
    withoutToken: { status: 401, body: { message: "unauthorised" } },
  },
});

async function scenario(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  const out = await run(cmd, [...args, "scenario.mjs", emu().url], app, env);
  const ms = Date.now() - started;
  const result = JSON.parse(out.trim().split("\n").at(-1)!) as { runtime: string };
  timings.push(`${label} (${result.runtime}): ${ms} ms`);
  return result;
}

const node20 = systemNode();

describe("the packed package in every runtime", () => {
  it(`Node ${node20?.version ?? "20 (system)"}`, async (ctx) => {
    if (node20 === undefined) {
      timings.push("system Node: skipped, no `node` on PATH outside node_modules");
      ctx.skip("no system Node (20) on PATH outside node_modules");
      return;
    }
    const r = await scenario("system node", node20.path, []);
    expect(r).toEqual({ runtime: `node ${node20.version.slice(1)}`, ...expected("node") });
  }, 30_000);

  it("Node 22 (node_modules/.bin/node)", async () => {
    const r = await scenario("node 22", bin("node"), []);
    expect(r.runtime).toMatch(/^node 22\./);
    expect(r).toEqual({ runtime: r.runtime, ...expected("node") });
  }, 30_000);

  it("Deno (node_modules resolution, offline)", async () => {
    // --node-modules-dir=manual: bare specifiers resolve from the app's npm-installed node_modules;
    // --cached-only: Deno never goes to a registry itself. A private DENO_DIR keeps its caches out of $HOME.
    const r = await scenario("deno", bin("deno"), ["run", "-A", "--node-modules-dir=manual", "--cached-only"], {
      DENO_DIR: join(work, "deno-dir"),
      DENO_NO_UPDATE_CHECK: "1",
      DENO_NO_PROMPT: "1",
    });
    expect(r.runtime).toMatch(/^deno 2\./);
    expect(r).toEqual({ runtime: r.runtime, ...expected("deno") });
  }, 30_000);

  it("Bun", async () => {
    const r = await scenario("bun", bin("bun"), ["--no-install"]);
    expect(r.runtime).toMatch(/^bun 1\./);
    expect(r).toEqual({ runtime: r.runtime, ...expected("bun") });
  }, 30_000);
});

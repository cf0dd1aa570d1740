import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// What a user gets from `npm pack`: installable in a fresh project, importable in Node 22, bundleable for a
// Worker, and typed through the exports map. Also: the Hono example Worker bundles against the built package.
const root = new URL("../..", import.meta.url).pathname;
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "st-edge-pack-"));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } }).toString();

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the published package", () => {
  it("packs, installs in a fresh project and works from every entry", () => {
    run("npm", ["pack", "--pack-destination", work, "--silent"], root);
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"))!;
    expect(tarball).toMatch(/^supertokens-edge-.*\.tgz$/);
    const app = join(work, "app");
    run("mkdir", ["-p", app], work);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--silent",
        join(work, tarball),
        "hono@4",
        "@types/node@22",
      ],
      app,
    );

    // Node 22
    writeFileSync(
      join(app, "node.mjs"),
      `import { createSuperTokens } from "supertokens-edge";
       import { supertokens, verifySession } from "supertokens-edge/hono";
       import { sessionMiddleware } from "supertokens-edge/next";
       import { frontDoorWorker } from "supertokens-edge/worker";
       const st = createSuperTokens({ connectionURI: "http://127.0.0.1:1", appInfo: { apiDomain: "https://api.example.com" } });
       const r = await st.getSessionWithoutRequestResponse("not-a-token", undefined, { antiCsrfCheck: false });
       console.log(JSON.stringify([r.status, typeof supertokens, typeof verifySession, typeof sessionMiddleware, typeof frontDoorWorker.fetch]));`,
    );
    expect(JSON.parse(run(process.execPath, ["node.mjs"], app))).toEqual([
      "UNAUTHORISED",
      "function",
      "function",
      "function",
      "function",
    ]);

    // A Worker
    writeFileSync(
      join(app, "worker.js"),
      `import { frontDoorWorker } from "supertokens-edge/worker";\nexport default frontDoorWorker;\n`,
    );
    writeFileSync(join(app, "wrangler.toml"), `name = "app"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n`);
    const out = run(bin("wrangler"), ["deploy", "--dry-run", "--outdir", join(app, "out")], app);
    expect(out).toContain("--dry-run: exiting now.");
    expect(readdirSync(join(app, "out"))).toContain("worker.js");

    // Types through the exports map
    writeFileSync(
      join(app, "typed.ts"),
      `import { createSuperTokens, type GetSessionResult, type Session } from "supertokens-edge";
       import { verifySession } from "supertokens-edge/hono";
       import { withSession } from "supertokens-edge/next";
       import type { FrontDoorEnv } from "supertokens-edge/worker";
       const st = createSuperTokens({ connectionURI: "http://c", appInfo: { apiDomain: "a.com" } });
       export const r: Promise<GetSessionResult> = st.getSessionWithoutRequestResponse("t");
       export const m = verifySession();
       export const h = withSession(st, (s: Session) => new Response(s.getUserId()));
       export const e: FrontDoorEnv = { ORIGIN_URL: "http://o" };`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          skipLibCheck: false,
          types: [],
        },
        files: ["typed.ts"],
      }),
    );
    run(bin("tsc"), ["-p", "tsconfig.json"], app);

    // A Node project without the DOM lib, checking our .d.ts files too (no CryptoKey/SubtleCrypto/DOM-only names).
    writeFileSync(
      join(app, "tsconfig.node.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          lib: ["ES2022"],
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["typed.ts"],
      }),
    );
    run(bin("tsc"), ["-p", "tsconfig.node.json"], app);
  }, 180_000);

  it("the Hono example Worker bundles against the built package", () => {
    const out = run(
      bin("wrangler"),
      ["deploy", "--dry-run", "--outdir", join(work, "hono-example")],
      join(root, "examples", "hono-worker"),
    );
    expect(out).toContain("--dry-run: exiting now.");
  }, 120_000);
});

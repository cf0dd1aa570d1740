import { execFile } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./helpers/dev-script.js";

// The core emulator is trustworthy only because supertokens-node accepts its tokens and answers: the self-check
// drives the real SDK (sessions, refresh, theft, e-mail verification) against it. Part of npm test.
it("the core emulator passes its self-check against supertokens-node", async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(ROOT, "test/emulator/selfcheck.mjs")],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
    child.stdin?.end();
  });
  expect(code, out).toBe(0);
  expect(out).toMatch(/selfcheck passed \(\d+ groups\)/);
}, 60_000);

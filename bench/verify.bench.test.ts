import { expect, inject, it } from "vitest";
import { report, runVerifyBench } from "./verify-cases.js";

// `npm run bench`, workerd half: the same cases as bench/verify-node.bench.test.ts, inside workerd.
it("verification throughput (workerd)", async () => {
  const core = inject("coreUrl");
  const supertokens = (await import("supertokens-node")).default;
  const Session = (await import("supertokens-node/recipe/session")).default;
  supertokens.init({
    supertokens: { connectionURI: core },
    appInfo: { appName: "bench", apiDomain: "https://api.example.com", websiteDomain: "https://example.com" },
    recipeList: [Session.init()],
  });
  const rows = await runVerifyBench(core, {
    verify: (t) => Session.getSessionWithoutRequestResponse(t, undefined, { antiCsrfCheck: false }),
  });
  report("workerd", rows);
  expect(rows.length).toBe(8);
});

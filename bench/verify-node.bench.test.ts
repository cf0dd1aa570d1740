import { createRequire } from "node:module";
import { expect, inject, it } from "vitest";
import { report, runVerifyBench } from "./verify-cases.js";

// `npm run bench`, Node half: the same cases as bench/verify.bench.test.ts, in Node (supertokens-node as users run it).
const require = createRequire(import.meta.url);

it("verification throughput (Node)", async () => {
  const core = inject("coreUrl");
  const supertokens = require("supertokens-node");
  const Session = require("supertokens-node/recipe/session");
  supertokens.init({
    supertokens: { connectionURI: core },
    appInfo: { appName: "bench", apiDomain: "https://api.example.com", websiteDomain: "https://example.com" },
    recipeList: [Session.init()],
    telemetry: false,
  });
  const rows = await runVerifyBench(core, {
    verify: (t) => Session.getSessionWithoutRequestResponse(t, undefined, { antiCsrfCheck: false }),
  });
  report(`Node ${process.versions.node}`, rows);
  expect(rows.length).toBe(8);
});

import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// `npm run bench`: the verification benchmark, inside workerd, one run, side by side.
// supertokens-node is loaded unbundled here, so the optimizer pre-bundles it (and its jose/tldts).
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { compatibilityFlags: ["nodejs_compat"] },
    }),
  ],
  test: {
    include: [process.env.BENCH_FILE ?? "bench/verify.bench.test.ts"],
    globalSetup: ["test/setup/global-emulator.ts"],
    testTimeout: 180_000,
    deps: {
      optimizer: {
        ssr: { enabled: true, include: ["supertokens-node", "supertokens-node/recipe/session", "jose", "tldts"] },
      },
    },
  },
});

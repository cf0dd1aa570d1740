import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests that run inside workerd (miniflare's real KV). The core emulator runs in Node (globalSetup)
// on 127.0.0.1 and its URL reaches the tests through `inject("coreUrl")`.
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: {
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["test/setup/global-emulator.ts", "test/setup/recording-origin.ts"],
    testTimeout: 20_000,
  },
});

import { defineConfig } from "vitest/config";

// `npm run bench`, Node half (bench/run.mjs runs both halves and prints them side by side).
export default defineConfig({
  test: {
    include: ["bench/**/*-node.bench.test.ts"],
    globalSetup: ["test/setup/global-emulator.ts"],
    testTimeout: 180_000,
  },
});

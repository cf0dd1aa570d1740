import { defineConfig } from "vitest/config";

// Tests whose subject is Node: the reference-SDK comparisons (supertokens-node is a Node library) and the
// Next.js proxy. Each file runs in its own process so supertokens-node's global init never leaks between files.
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
    pool: "forks",
    isolate: true,
    testTimeout: 30_000,
  },
});

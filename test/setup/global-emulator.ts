import type { TestProject } from "vitest/node";
// biome-ignore lint/suspicious/noTsIgnore: a plain ESM fixture with a .d.mts beside it, not seen by every tsconfig
// @ts-ignore
import { startCoreEmulator } from "../emulator/core.mjs";

export default async function setup(project: TestProject) {
  const core = await startCoreEmulator();
  project.provide("coreUrl", core.url);
  return async () => {
    await core.close();
  };
}

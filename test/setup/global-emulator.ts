import type { TestProject } from "vitest/node";
// @ts-ignore -- plain ESM fixture with a .d.mts beside it
import { startCoreEmulator } from "../emulator/core.mjs";

export default async function setup(project: TestProject) {
  const core = await startCoreEmulator();
  project.provide("coreUrl", core.url);
  return async () => {
    await core.close();
  };
}

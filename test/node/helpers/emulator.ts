import { afterAll, beforeAll } from "vitest";
import { type CoreEmulator, startCoreEmulator } from "../../emulator/core.mjs";

// The core emulator in this process (test/emulator/core.mjs): tests drive it directly (mint, sessions, failure
// modes, stats). An emulator in another process (`npm start`) is driven over HTTP: test/emulator/client.ts.
export { type EmulatorClient, emulatorClient } from "../../emulator/client.js";
export type { CoreEmulator } from "../../emulator/core.mjs";

/**
 * Starts an emulator before the file's tests and closes it after all of them (after the file's own `afterAll`
 * hooks, which run first). The returned function gives it to tests and hooks.
 */
export function useCoreEmulator(): () => CoreEmulator {
  let emu: CoreEmulator | undefined;
  beforeAll(async () => {
    emu = await startCoreEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });
  return () => {
    if (emu === undefined) throw new Error("the core emulator starts in beforeAll: use it inside a hook or a test");
    return emu;
  };
}

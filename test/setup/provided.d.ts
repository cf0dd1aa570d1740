// What the Node globalSetup files hand to the tests (vitest `provide` / `inject`).
declare module "vitest" {
  export interface ProvidedContext {
    /** test/setup/global-emulator.ts: the core emulator the engine tests share. */
    coreUrl: string;
    /** test/setup/recording-origin.ts: the recording origin. */
    originUrl: string;
    /** test/setup/recording-origin.ts: a core emulator reserved for the front-door tests (failure modes, resets). */
    frontDoorCoreUrl: string;
  }
}
export {};

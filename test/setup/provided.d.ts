// What the Node globalSetup files hand to the tests (vitest `provide` / `inject`).
declare module "vitest" {
  export interface ProvidedContext {
    coreUrl: string;
    originUrl: string;
  }
}
export {};

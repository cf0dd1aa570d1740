import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

// Headless Chromium for the end-to-end tests (/usr/bin/chromium from apt; `npx playwright install` cannot work here).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether Chromium is there; in CI its absence fails `file`, elsewhere `file` is skipped with a warning. */
export function haveChromium(file: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    throw new Error(`${file}: Chromium not found at ${CHROMIUM} (CI must install it, e.g. apt-get install chromium)`);
  }
  console.warn(`${file}: skipped, Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH or install chromium)`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

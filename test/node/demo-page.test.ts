import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launchChromium } from "./helpers/chromium.js";
import { ROOT, startDevScript, type DevScript } from "./helpers/dev-script.js";

// The demo a person looks at: `npm start` (scripts/dev.mjs) serves, through the front door, a page with the
// official supertokens-web-js on it. A headless Chromium signs in on that page, watches the short-lived access
// token count down and get refreshed by the SDK, and signs out, as a person would; screenshots of each step go
// to test-results/screenshots/ (gitignored).

const SHOTS = join(ROOT, "test-results", "screenshots");
const HAVE_CHROMIUM = haveChromium("demo-page.test.ts");

const VALIDITY_SEC = 4; // short, so the SDK has to refresh within a few seconds

(HAVE_CHROMIUM ? describe : describe.skip)("the demo page of npm start, in Chromium", () => {
  let dev: DevScript | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  const text = (id: string) => page.locator(`#${id}`).innerText();
  /** Waits until element `id`'s text contains `part` (the page updates itself; the test only watches). */
  const waitForText = (id: string, part: string, timeout = 10_000) =>
    page.waitForFunction(
      ([i, p]) => document.getElementById(i)?.textContent?.includes(p) === true,
      [id, part] as const,
      {
        timeout,
      },
    );
  const events = async () => (await page.locator("#events li .action").allInnerTexts()).reverse(); // oldest first
  /** `GET /private/me` from the page, through the SDK's fetch interceptor, as the page itself calls it. */
  const pageFetchMe = () =>
    page.evaluate(async () => {
      const r = await fetch("/private/me");
      return { status: r.status, body: await r.json() };
    });
  const expiresInSec = async () => Number.parseFloat(await text("expires-in"));
  const coreCount = (key: string) => dev!.emulator.countOf(key);
  const shot = async (name: string) => {
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: true });
    console.log(`demo page: screenshot ${path}`);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const launching = launchChromium();
    launching.catch(() => {}); // awaited below; avoid an unhandled rejection while the front door starts
    dev = await startDevScript({ ACCESS_TOKEN_VALIDITY_SEC: String(VALIDITY_SEC) });
    browser = await launching;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await dev?.stop();
  }, 30_000);

  it("signs in, shows the identity and the expiry counting down, refreshes, signs out", async () => {
    expect(dev!.output()).toContain(`Open the demo page: ${dev!.front}/public/demo`);
    expect(dev!.output()).toContain(`access tokens live ${VALIDITY_SEC} s`);

    // A browser opening the front door's root lands on the page (a public path: no session needed).
    const nav = await page.goto(`${dev!.front}/`);
    expect(nav?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/public/demo");
    await waitForText("status", "Signed out");
    expect((await pageFetchMe()).status).toBe(401);

    // Sign in.
    await page.locator("#user-id-input").fill("alice");
    await page.locator("#signin").click();
    await waitForText("status", "Signed in");
    await waitForText("user-id", "alice");
    expect(await text("tenant-id")).toBe("public");
    expect(JSON.parse(await text("payload"))).toMatchObject({ sub: "alice", tId: "public" });
    await waitForText("events", "SESSION_CREATED");
    // The page's own call to the protected endpoint: the origin received the identity headers.
    await waitForText("origin-body", '"userId": "alice"');
    const firstIat = (JSON.parse(await text("payload")) as { iat: number }).iat;

    // The expiry counts down.
    const t1 = await expiresInSec();
    expect(t1).toBeGreaterThan(0);
    expect(t1).toBeLessThanOrEqual(VALIDITY_SEC);
    await page.waitForTimeout(600);
    const t2 = await expiresInSec();
    expect(t2).toBeLessThan(t1);
    await shot("demo-1-signed-in.png");

    // The token expires; the page keeps calling /private/me and the SDK refreshes (an event on the page).
    const refreshesBefore = await coreCount("POST /recipe/session/refresh");
    await waitForText("events", "REFRESH_SESSION", (VALIDITY_SEC + 10) * 1000);
    expect(Number(await text("refresh-count"))).toBeGreaterThanOrEqual(1);
    expect(await coreCount("POST /recipe/session/refresh")).toBeGreaterThan(refreshesBefore);
    await page.waitForFunction(
      (iat) => {
        const p = document.getElementById("payload")?.textContent ?? "";
        try {
          return (JSON.parse(p) as { iat: number }).iat > iat;
        } catch {
          return false;
        }
      },
      firstIat,
      { timeout: 5_000 },
    );
    expect(await text("status")).toBe("Signed in");
    expect(await expiresInSec()).toBeGreaterThan(0);
    // The origin still sees the user, with the new token.
    const me = await pageFetchMe();
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: "alice", tenantId: "public", accessTokenPayload: { sub: "alice" } });
    expect(me.body.accessTokenPayload.iat).toBeGreaterThan(firstIat);
    await waitForText("origin-status", "200");
    await shot("demo-2-after-refresh.png");

    // Sign out.
    await page.locator("#signout").click();
    await waitForText("status", "Signed out");
    await waitForText("events", "SIGN_OUT");
    expect(await text("user-id")).toBe("—");
    // The page's call right after signing out: refused by the front door.
    await waitForText("origin-status", "401");
    expect(await pageFetchMe()).toEqual({ status: 401, body: { message: "unauthorised" } });
    await shot("demo-3-signed-out.png");

    const seen = await events();
    expect(seen.indexOf("SESSION_CREATED")).toBeLessThan(seen.indexOf("REFRESH_SESSION"));
    expect(seen.indexOf("REFRESH_SESSION")).toBeLessThan(seen.indexOf("SIGN_OUT"));
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

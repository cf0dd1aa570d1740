import { afterAll, describe, expect, it } from "vitest";
import { startDevScript, type DevScript } from "./helpers/dev-script.js";

// The README's run command (`npm start` → scripts/dev.mjs) from a checkout: emulator + demo origin +
// the front door under a real `wrangler dev`, driven over HTTP like a user would.

describe("npm start", () => {
  let dev: DevScript | undefined;
  afterAll(async () => dev?.stop());

  it("serves the front door with a working default", async () => {
    dev = await startDevScript();
    expect(dev.output()).toContain(`READY ${dev.front}`);

    const base = dev.front;
    const denied = await fetch(`${base}/private`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });

    const signin = await fetch(`${base}/auth/demo/signin`, {
      method: "POST",
      headers: { "st-auth-mode": "cookie" },
      body: JSON.stringify({ userId: "alice" }),
    });
    expect(signin.status).toBe(200);
    const cookies = signin.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const me = await fetch(`${base}/private`, { headers: { cookie: cookies } });
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toBe("private, no-store");
    expect(await me.json()).toMatchObject({ signedIn: true, userId: "alice", tenantId: "public" });

    const pub = await fetch(`${base}/`, { headers: { "x-supertokens-user-id": "mallory" } });
    expect(await pub.json()).toMatchObject({ signedIn: false, userId: null });

    // The demo page (test/node/demo-page.test.ts drives it in Chromium): a public path, served through the front door.
    expect(dev.output()).toContain(`Open the demo page: ${base}/public/demo`);
    const page = await fetch(`${base}/public/demo`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script defer src="/public/demo/app.js"></script>');
    const app = await fetch(`${base}/public/demo/app.js`);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain("supertokens-web-js"); // the official SDK, bundled at start-up
  }, 90_000);
});

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";

// The README's run command (`npm start` → scripts/dev.mjs) from a checkout: emulator + demo origin +
// the front door under a real `wrangler dev`, driven over HTTP like a user would.

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("npm start", () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
  });

  it("serves the front door with a working default", async () => {
    const [front, core, origin, inspector] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    child = spawn(process.execPath, ["scripts/dev.mjs"], {
      env: {
        ...process.env,
        FRONT_DOOR_PORT: String(front),
        CORE_PORT: String(core),
        ORIGIN_PORT: String(origin),
        INSPECTOR_PORT: String(inspector),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const deadline = Date.now() + 60_000;
    while (!out.includes("READY") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(out).toContain(`READY http://127.0.0.1:${front}`);

    const base = `http://127.0.0.1:${front}`;
    const denied = await fetch(`${base}/private`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ message: "unauthorised" });

    const signin = await fetch(`${base}/auth/demo/signin`, {
      method: "POST",
      headers: { "st-auth-mode": "cookie" },
      body: JSON.stringify({ userId: "alice" }),
    });
    expect(signin.status).toBe(200);
    const cookies = signin.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const me = await fetch(`${base}/private`, { headers: { cookie: cookies } });
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toBe("private, no-store");
    expect(await me.json()).toMatchObject({ signedIn: true, userId: "alice", tenantId: "public" });

    const pub = await fetch(`${base}/`, { headers: { "x-supertokens-user-id": "mallory" } });
    expect(await pub.json()).toMatchObject({ signedIn: false, userId: null });
  }, 90_000);
});

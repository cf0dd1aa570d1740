import { describe, expect, it } from "vitest";
import { KV, accessTokenOf, engine, verify } from "./helpers/index.js";

describe("smoke", () => {
  it("verifies a token minted by the emulator, inside workerd", async () => {
    const token = await accessTokenOf("u1");
    const st = engine({ jwksCache: KV });
    const r = await verify(st, token);
    expect(r.status).toBe("OK");
    if (r.status === "OK") expect(r.session.getUserId()).toBe("u1");
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createSuperTokens } from "../../src/index.js";

describe("smoke", () => {
  it("verifies a token minted by the emulator, inside workerd", async () => {
    const coreUrl = inject("coreUrl");
    const created = await (
      await fetch(`${coreUrl}/__emu/session`, { method: "POST", body: JSON.stringify({ userId: "u1" }) })
    ).json<{ accessToken: { token: string } }>();
    const st = createSuperTokens({
      connectionURI: coreUrl,
      appInfo: { apiDomain: "https://api.example.com" },
      jwksCache: (env as unknown as { SUPERTOKENS_JWKS: KVNamespace }).SUPERTOKENS_JWKS,
    });
    const r = await st.getSessionWithoutRequestResponse(created.accessToken.token, undefined, { antiCsrfCheck: false });
    expect(r.status).toBe("OK");
    if (r.status === "OK") expect(r.session.getUserId()).toBe("u1");
  });
});

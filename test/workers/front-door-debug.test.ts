import { env } from "cloudflare:workers";
import { expect, inject, it } from "vitest";
import { frontDoorWorker } from "../../src/worker/index.js";
import { parseAccessToken, hasValidStructure } from "../../src/token/parse.js";
const kv = (env as unknown as { SUPERTOKENS_JWKS: KVNamespace }).SUPERTOKENS_JWKS;
it("debug alg none", async () => {
  const coreUrl = inject("frontDoorCoreUrl");
  const e = { SUPERTOKENS_CONNECTION_URI: coreUrl, ORIGIN_URL: inject("originUrl"), SUPERTOKENS_JWKS: kv };
  const out: Record<string, number> = {};
  for (let i = 0; i < 60; i++) {
    const sig = i % 2 ? "none" : "valid";
    const { token } = await (await fetch(`${coreUrl}/__emu/mint`, { method: "POST", body: JSON.stringify({ sub: "admin", header: { alg: "none" }, signature: sig }) })).json<{ token: string }>();
    const res = await frontDoorWorker.fetch(new Request("http://front.test/api/x", { headers: { authorization: `Bearer ${token}` } }), e);
    const m = ((await res.json()) as { message: string }).message;
    const p = parseAccessToken(token);
    const k = `${sig} ${res.status} ${m} parsed=${p !== undefined} struct=${p && hasValidStructure(p.payload, p.version)}`;
    out[k] = (out[k] ?? 0) + 1;
    if (m === "unauthorised" && !out["printed"]) { out["printed"] = 1; console.log("TOKEN", token); }
  }
  console.log(JSON.stringify(out, null, 1));
});

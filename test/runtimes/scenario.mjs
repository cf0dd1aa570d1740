// The runtime tier's scenario (test/node/runtimes.test.ts copies it into a fresh app that installed the packed
// package): the same ESM file runs under Node 20, Node 22, Deno and Bun. Web APIs only (fetch, atob/btoa), so
// the runtime under test is the only thing that differs. Argument: the core emulator's URL. Output: one JSON line.
import { createSuperTokens } from "supertokens-edge";
import { supertokens, verifySession } from "supertokens-edge/hono";
import { Hono } from "hono";

const coreUrl = globalThis.Deno !== undefined ? globalThis.Deno.args[0] : globalThis.process.argv[2];
const runtime =
  globalThis.Deno !== undefined
    ? `deno ${globalThis.Deno.version.deno}`
    : globalThis.Bun !== undefined
      ? `bun ${globalThis.Bun.version}`
      : `node ${globalThis.process.versions.node}`;

/** The emulator's control API (test/emulator/core.mjs, `/__emu/*`). */
async function emu(path, body) {
  const res = await fetch(`${coreUrl}/__emu/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`/__emu/${path}: ${res.status}`);
  return res.json();
}

const b64urlDecode = (s) => atob(s.replace(/-/g, "+").replace(/_/g, "/"));
const b64urlEncode = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Same header and signature, a different `sub`: the signature no longer covers the payload. */
function tamper(token) {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(b64urlDecode(payload));
  claims.sub = "mallory";
  return [header, b64urlEncode(JSON.stringify(claims)), signature].join(".");
}

const tag = runtime.split(" ")[0];
const st = createSuperTokens({ connectionURI: coreUrl, appInfo: { apiDomain: "http://localhost" } });
const results = { runtime };

const { token } = await emu("mint", { version: 5, sub: `minted-${tag}` });
const verified = await st.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });
results.verify = { status: verified.status, userId: verified.session?.getUserId() };

const tampered = await st.getSessionWithoutRequestResponse(tamper(token), undefined, { antiCsrfCheck: false });
results.tampered = { status: tampered.status };

const created = await emu("session", { userId: `refreshed-${tag}` });
const refreshed = await st.refreshSessionWithoutRequestResponse(created.refreshToken.token, true);
const newToken = refreshed.status === "OK" ? refreshed.session.getAccessToken() : undefined;
const afterRefresh =
  newToken === undefined
    ? undefined
    : await st.getSessionWithoutRequestResponse(newToken, undefined, { antiCsrfCheck: false });
results.refresh = {
  status: refreshed.status,
  newToken: newToken !== undefined && newToken !== created.accessToken.token,
  verifyStatus: afterRefresh?.status,
  userId: afterRefresh?.session?.getUserId(),
};

const app = new Hono();
app.use("*", supertokens(st));
app.get("/me", verifySession(), (c) => c.json({ userId: c.var.session.getUserId() }));
const withToken = await app.request("/me", { headers: { authorization: `Bearer ${token}` } });
const withoutToken = await app.request("/me");
results.hono = {
  withToken: { status: withToken.status, body: await withToken.json() },
  withoutToken: { status: withoutToken.status, body: await withoutToken.json() },
};

console.log(JSON.stringify(results));

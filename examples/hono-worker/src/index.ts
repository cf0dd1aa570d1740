// A complete Worker: SuperTokens sessions with Hono, no supertokens-node.
//   POST /auth/session/refresh, POST /auth/signout    answered by supertokens()
//   POST /login {"userId"}                              demo sign-in (replace with your own credential check)
//   GET  /me                                            requires a session
//   POST /me/plan {"plan"}                              updates the access-token payload through the core
//   GET  /                                              public; shows the user if signed in
import { Hono } from "hono";
import { createSuperTokens, type SuperTokensEdge } from "supertokens-edge";
import { supertokens, verifySession } from "supertokens-edge/hono";

type Env = {
  SUPERTOKENS_CONNECTION_URI: string;
  SUPERTOKENS_API_KEY?: string;
  API_DOMAIN: string;
  WEBSITE_DOMAIN: string;
  SUPERTOKENS_JWKS?: KVNamespace;
};

// One engine per isolate, built from the first request's bindings (vars do not change within an isolate).
let engine: SuperTokensEdge | undefined;
const st = (env: Env) =>
  (engine ??= createSuperTokens({
    connectionURI: env.SUPERTOKENS_CONNECTION_URI,
    apiKey: env.SUPERTOKENS_API_KEY,
    appInfo: { apiDomain: env.API_DOMAIN, websiteDomain: env.WEBSITE_DOMAIN, apiBasePath: "/auth" },
    jwksCache: env.SUPERTOKENS_JWKS,
  }));

const app = new Hono<{ Bindings: Env }>();
app.use(
  "*",
  supertokens((c) => st(c.env)),
);

app.post("/login", async (c) => {
  const { userId } = await c.req.json<{ userId?: string }>().catch(() => ({ userId: undefined }));
  if (typeof userId !== "string" || userId === "") return c.json({ message: "userId required" }, 400);
  const created = await st(c.env).createNewSession(c.req.raw, "public", userId);
  return created.applyTo(c.json({ status: "OK" }));
});

app.get("/me", verifySession(), (c) =>
  c.json({
    userId: c.var.session.getUserId(),
    tenantId: c.var.session.getTenantId(),
    payload: c.var.session.getAccessTokenPayload(),
  }),
);

app.post("/me/plan", verifySession(), async (c) => {
  const { plan } = await c.req.json<{ plan: string }>();
  await c.var.session.mergeIntoAccessTokenPayload({ plan });
  return c.json({ status: "OK" });
});

app.get("/", verifySession({ sessionRequired: false }), (c) =>
  c.text(c.var.session ? `hello ${c.var.session.getUserId()}` : "hello, stranger"),
);

export default app;

// A demo origin with no SuperTokens code: it trusts the identity headers the front door adds, and refuses
// requests that did not come through the front door when ORIGIN_SECRET is set.
import { createServer } from "node:http";

export function startDemoOrigin({ port = 8788, originSecret } = {}) {
  const server = createServer((req, res) => {
    if (originSecret && req.headers["x-supertokens-origin-secret"] !== originSecret) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "not through the front door" }));
      return;
    }
    const userId = req.headers["x-supertokens-user-id"];
    const payload = req.headers["x-supertokens-access-token-payload"];
    const body = {
      path: req.url,
      method: req.method,
      signedIn: typeof userId === "string",
      userId: userId ?? null,
      tenantId: req.headers["x-supertokens-tenant-id"] ?? null,
      sessionHandle: req.headers["x-supertokens-session-handle"] ?? null,
      accessTokenPayload: typeof payload === "string" ? JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) : null,
    };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body, null, 2) + "\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      resolve({ url: `http://127.0.0.1:${actual}`, port: actual, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

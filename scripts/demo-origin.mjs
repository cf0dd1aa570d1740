// A demo origin with no SuperTokens code: it trusts the identity headers the front door adds, and refuses
// requests that did not come through the front door when ORIGIN_SECRET is set. It also serves the demo page
// (scripts/demo/: HTML, CSS, and its script bundled with the official supertokens-web-js) under /public/demo.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleDemoApp } from "./demo/bundle.mjs";

const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), "demo");
export const DEMO_PAGE_PATH = "/public/demo";

// The front door percent-encodes identity header values (UTF-8 bytes outside 0x21–0x7E, and `%`); a value that
// is not valid percent-encoding is shown as it came.
function decodeHeader(value) {
  if (typeof value !== "string") return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function identity(req) {
  const payload = req.headers["x-supertokens-access-token-payload"];
  return {
    userId: decodeHeader(req.headers["x-supertokens-user-id"]),
    recipeUserId: decodeHeader(req.headers["x-supertokens-recipe-user-id"]),
    tenantId: decodeHeader(req.headers["x-supertokens-tenant-id"]),
    sessionHandle: decodeHeader(req.headers["x-supertokens-session-handle"]),
    // base64url JSON, so any UTF-8 survives header transport
    accessTokenPayload:
      typeof payload === "string" ? JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) : null,
  };
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { "content-type": type, ...extra });
  res.end(body);
}
const sendJson = (res, status, body) => send(res, status, "application/json", `${JSON.stringify(body, null, 2)}\n`);

export async function startDemoOrigin({ port = 8788, originSecret } = {}) {
  const appJs = await bundleDemoApp();
  const server = createServer(async (req, res) => {
    if (originSecret && req.headers["x-supertokens-origin-secret"] !== originSecret) {
      sendJson(res, 403, { message: "not through the front door" });
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    const get = req.method === "GET" || req.method === "HEAD";
    try {
      if (get && (path === DEMO_PAGE_PATH || path === `${DEMO_PAGE_PATH}/`)) {
        // Read per request, so editing the page needs no restart.
        send(res, 200, "text/html; charset=utf-8", await readFile(join(DEMO_DIR, "index.html")), {
          "cache-control": "no-cache",
        });
        return;
      }
      if (get && path === `${DEMO_PAGE_PATH}/style.css`) {
        send(res, 200, "text/css; charset=utf-8", await readFile(join(DEMO_DIR, "style.css")), {
          "cache-control": "no-cache",
        });
        return;
      }
      if (get && path === `${DEMO_PAGE_PATH}/app.js`) {
        send(res, 200, "text/javascript; charset=utf-8", appJs, { "cache-control": "no-cache" });
        return;
      }
      if (get && path === "/" && (req.headers.accept ?? "").includes("text/html")) {
        // A browser opening the front door's root lands on the demo page; other clients get the JSON below.
        send(res, 302, "text/plain", `see ${DEMO_PAGE_PATH}\n`, { location: DEMO_PAGE_PATH });
        return;
      }
      if (path === "/private/me") {
        // The page's protected endpoint. The front door never forwards a request to it without a session.
        const who = identity(req);
        if (who.userId === null) {
          sendJson(res, 401, { message: "origin: no identity headers (did the request bypass the front door?)" });
          return;
        }
        sendJson(res, 200, { ...who, receivedAt: new Date().toISOString() });
        return;
      }
    } catch (e) {
      sendJson(res, 500, { message: `demo origin: ${e?.message ?? e}` });
      return;
    }
    const who = identity(req);
    sendJson(res, 200, {
      path: req.url,
      method: req.method,
      signedIn: who.userId !== null,
      userId: who.userId,
      tenantId: who.tenantId,
      sessionHandle: who.sessionHandle,
      accessTokenPayload: who.accessTokenPayload,
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections(); // keep-alive sockets from workerd and browsers
          }),
      });
    });
  });
}

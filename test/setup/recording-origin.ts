// Node side of the front-door tests (vitest globalSetup).
//
// 1. A recording origin: a tiny HTTP server on 127.0.0.1 that records every request it receives (method, raw
//    path+query exactly as received, all headers, body) and answers 200 JSON `{ ok: true, path }` with
//    `x-origin: 1` and `cache-control: public, max-age=60`. Special paths (matched on the path's END so they
//    also work under a base path such as `/auth-origin`):
//      …/redirect     → 302 Location: http://elsewhere.example/   (proves redirects are not followed)
//      …/status/<n>   → status <n> (same JSON body unless <n> forbids a body)
//      …/set-cookie   → adds `Set-Cookie: origin-cookie=1; Path=/`
//    Control API on the same server (never recorded): GET /__origin/requests, POST /__origin/reset.
// 2. A core emulator reserved for the front-door tests, so that their failure modes ("down", "slow") and
//    resets never disturb other test files that run concurrently against the shared `coreUrl` emulator.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import type { RecordedRequest } from "./recorded-request.js";
// biome-ignore lint/suspicious/noTsIgnore: a plain ESM fixture with a .d.mts beside it, not seen by every tsconfig
// @ts-ignore
import { startCoreEmulator } from "../emulator/core.mjs";

export type { RecordedRequest } from "./recorded-request.js";

export async function startRecordingOrigin(): Promise<{ url: string; close(): Promise<void> }> {
  let recorded: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const raw = req.url ?? "/";
      const path = raw.split("?")[0]!;
      if (path === "/__origin/requests" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(recorded));
        return;
      }
      if (path === "/__origin/reset" && req.method === "POST") {
        recorded = [];
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
        return;
      }
      recorded.push({
        method: req.method ?? "",
        url: raw,
        headers: { ...req.headers },
        rawHeaders: [...req.rawHeaders],
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (path.endsWith("/redirect")) {
        res.writeHead(302, { location: "http://elsewhere.example/", "x-origin": "1" });
        res.end();
        return;
      }
      const status = /\/status\/(\d{3})$/.exec(path);
      const code = status ? Number(status[1]) : 200;
      const headers: http.OutgoingHttpHeaders = {
        "content-type": "application/json",
        "x-origin": "1",
        "cache-control": "public, max-age=60",
      };
      if (path.endsWith("/set-cookie")) headers["set-cookie"] = "origin-cookie=1; Path=/";
      res.writeHead(code, headers);
      res.end(code === 204 || code === 304 || req.method === "HEAD" ? undefined : JSON.stringify({ ok: true, path }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export default async function setup(project: TestProject) {
  const origin = await startRecordingOrigin();
  const core = await startCoreEmulator();
  project.provide("originUrl", origin.url);
  project.provide("frontDoorCoreUrl", core.url);
  return async () => {
    await Promise.all([origin.close(), core.close()]);
  };
}

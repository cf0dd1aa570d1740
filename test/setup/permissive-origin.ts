// A "permissive origin" (plain node:http) for the front-door attack tests: it serves a secret for a request
// whenever ANY way an origin could read the received path lands under /private/ (test/setup/permissive-paths.ts:
// decode once or twice, `\` as `/`, `;params` dropped, `%2f` as `/`, dot segments resolved, overlong UTF-8), or
// when a routing header that IIS/Symfony/Zend honour (X-Original-URL, X-Rewrite-URL, …) points there. It is
// deliberately worse than any single real server, so a front door that is safe in front of it is safe in front
// of each of them.
//
// Answers:
//   secret      200 text/plain, the secret, `x-interpretation: <how>` (which reading found it), and
//               `x-interpretation-extended: 1` when only a step beyond the spec (NFKC, %u, …) found it
//   OPTIONS     204 (a CORS-aware origin), never a body
//   /           200 "root", /public/index.html 200 "public index", /auth/x 200 "auth x" (plain reading)
//   otherwise   404 text/plain "not found"
// Control API (never recorded): GET /__permissive/requests, POST /__permissive/reset.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { interpretations, isPrivatePath, percentDecode, resolveDotSegments } from "./permissive-paths.js";

export interface PermissiveRequest {
  method: string;
  /** Raw request target as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** How the secret was found, if it was served. */
  served?: string;
  extended?: boolean;
}

export interface PermissiveOrigin {
  url: string;
  requests(): PermissiveRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** Headers some frameworks take the "real" path from (IIS URL Rewrite, Symfony, Zend, nginx setups). */
export const ROUTING_HEADERS = ["x-original-url", "x-rewrite-url", "x-original-uri", "x-override-url"];

/** How `rawTarget` (+ routing headers) reaches /private/, if it does: core steps first, then the extended ones. */
export function findPrivate(
  rawTarget: string,
  headers: http.IncomingHttpHeaders,
): { how: string; extended: boolean } | undefined {
  const candidates: [string, string][] = [["path", rawTarget]];
  for (const name of Object.keys(headers)) {
    const n = name.toLowerCase().replace(/_/g, "-");
    const v = headers[name];
    if (ROUTING_HEADERS.includes(n) && typeof v === "string") candidates.push([`header ${n}`, v]);
  }
  for (const extended of [false, true]) {
    for (const [source, target] of candidates) {
      // Absolute-form targets: a server that accepts them routes by their path.
      const path = target
        .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "")
        .split("?")[0]!
        .split("#")[0]!;
      const hit = interpretations(path, { extended }).find((i) => isPrivatePath(i.path));
      if (hit) return { how: `${source}: ${hit.how} → ${hit.path}`, extended };
    }
  }
  return undefined;
}

export async function startPermissiveOrigin(secret: string): Promise<PermissiveOrigin> {
  let recorded: PermissiveRequest[] = [];
  const server = http.createServer((req, res) => {
    const raw = req.url ?? "/";
    if (raw === "/__permissive/requests") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(recorded));
      return;
    }
    if (raw === "/__permissive/reset") {
      recorded = [];
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
      return;
    }
    req.resume();
    const entry: PermissiveRequest = { method: req.method ?? "", url: raw, headers: { ...req.headers } };
    recorded.push(entry);
    const common = { "x-permissive-origin": "1" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, common);
      res.end();
      return;
    }
    const found = findPrivate(raw, req.headers);
    if (found) {
      entry.served = found.how;
      entry.extended = found.extended;
      res.writeHead(200, {
        ...common,
        "content-type": "text/plain",
        // Header values must be ASCII; the reading is for humans.
        "x-interpretation": encodeURI(found.how),
        ...(found.extended ? { "x-interpretation-extended": "1" } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : secret);
      return;
    }
    const plain = resolveDotSegments(percentDecode(raw.split("?")[0]!));
    const pages: Record<string, string> = { "/": "root", "/public/index.html": "public index", "/auth/x": "auth x" };
    const page = pages[plain];
    res.writeHead(page === undefined ? 404 : 200, { ...common, "content-type": "text/plain" });
    res.end(req.method === "HEAD" ? undefined : (page ?? "not found"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => recorded,
    reset: () => {
      recorded = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

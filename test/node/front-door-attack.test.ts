// The running front door (`npm start`'s script: wrangler dev + core emulator) attacked over raw sockets, in front
// of two origins that resolve paths differently from the front door:
//   (a) python3 -m http.server — decodes once (`%2f` included), then normalises: the bug's repro
//   (b) test/setup/permissive-origin.ts — every reading of test/setup/permissive-paths.ts at once, plus the
//       X-Original-URL family of routing headers
// Each serves a directory with public/index.html, auth/x and private/secret.txt. Without a session the secret must
// never come back, and every answer must be a protocol answer (400 / 401 JSON, or the runtime's own 400 for a
// request line it cannot parse) or an origin answer without the secret — never a 5xx.
//
// Raw sockets because fetch and curl normalise: these bytes are exactly what an attacker sends.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPermissiveOrigin, type PermissiveOrigin } from "../setup/permissive-origin.js";
import { freePort, startDevScript, type DevScript } from "./helpers/dev-script.js";

const SECRET = `TOP-SECRET-${randomBytes(8).toString("hex")}`;

// ---------------------------------------------------------------- raw HTTP/1.1 over node:net
interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The whole answer as received (latin1), for failure messages. */
  raw: string;
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const lineEnd = buf.indexOf("\r\n", i);
    if (lineEnd < 0) break;
    const size = parseInt(buf.subarray(i, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    i = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends `head` (request line + headers, byte-exact) and `body`, reads until the server closes. */
function rawRequest(port: number, head: Buffer, body: Buffer = Buffer.alloc(0), method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 15 s to ${JSON.stringify(head.toString("latin1").split("\r\n")[0])}`));
    }, 15_000);
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const headText = all.subarray(0, split < 0 ? all.length : split).toString("latin1");
      const [statusLine, ...lines] = headText.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const c = line.indexOf(":");
        if (c > 0) {
          const k = line.slice(0, c).trim().toLowerCase();
          headers[k] =
            headers[k] === undefined ? line.slice(c + 1).trim() : `${headers[k]}, ${line.slice(c + 1).trim()}`;
        }
      }
      let payload: Buffer = split < 0 ? Buffer.alloc(0) : all.subarray(split + 4);
      if (/chunked/i.test(headers["transfer-encoding"] ?? "")) payload = dechunk(payload);
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0),
        headers,
        body: method === "HEAD" ? "" : payload.toString("latin1"),
        raw: all.toString("latin1"),
      });
    });
    socket.write(Buffer.concat([head, body]));
  });
}

/** `METHOD target HTTP/1.1` with Host and Connection: close; target is sent byte for byte (latin1). */
function send(front: string, method: string, target: string, headers: Record<string, string> = {}, body?: string) {
  const port = Number(new URL(front).port);
  const lines = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return rawRequest(port, Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), Buffer.from(body ?? ""), method);
}

// ---------------------------------------------------------------- the attack corpus
// One "up one level" per spelling; each ends with the separator it relies on.
const UP: [cls: string, spelling: string][] = [
  ["encoded-slash", "..%2f"],
  ["encoded-slash", "..%2F"],
  ["encoded-slash", "%2e%2e%2f"],
  ["encoded-slash", "%2E%2E%2F"],
  ["encoded-slash", ".%2e%2f"],
  ["encoded-slash", "%2e.%2F"],
  ["encoded-backslash", "..%5c"],
  ["encoded-backslash", "..%5C"],
  ["encoded-backslash", "%2e%2e%5c"],
  ["encoded-backslash", ".%2E%5C"],
  ["raw-backslash", "..\\"],
  ["raw-backslash", "%2e%2e\\"],
  ["raw-backslash", ".\\..\\"],
  ["params", "..;/"],
  ["params", "..;x=1/"],
  ["params", "..;jsessionid=ABC/"],
  ["params", "%2e%2e;/"],
  ["params", ".%2e;/"],
  ["params", "%2E.;x/"],
  ["params", "..;%2f"],
  ["encoded-params", "..%3b/"],
  ["encoded-params", "..%3B/"],
  ["encoded-params", "%2e%2e%3bx/"],
  ["encoded-params", ".%2e%3B/"],
  ["double-encoding", "%252e%252e%252f"],
  ["double-encoding", "%252E%252E%252F"],
  ["double-encoding", "%252e%252e/"],
  ["double-encoding", "..%252f"],
  ["double-encoding", "..%255c"],
  ["double-encoding", "%25%32%65%25%32%65/"],
  ["double-encoding", "..%25%32%66"],
  ["double-encoding", "%25252e%25252e/"],
  ["overlong-utf8", "%c0%ae%c0%ae/"],
  ["overlong-utf8", "%C0%AE%C0%AE%C0%AF"],
  ["overlong-utf8", "..%c0%af"],
  ["overlong-utf8", "..%c1%9c"],
  ["overlong-utf8", "%e0%80%ae%e0%80%ae/"],
  ["overlong-utf8", "..%e0%80%af"],
  ["control", "..%00/"],
  ["control", ".%00./"],
  ["control", "..%0a/"],
  ["control", "..%09/"],
  ["control", "..%7f/"],
  ["invalid-escape", "..%2/"],
  ["invalid-escape", "..%zz/"],
  ["invalid-escape", "%u002e%u002e/"],
  ["invalid-escape", "..%u2215"],
];
const PREFIXES = ["/public/", "/auth/", "/"];
const TARGET = "private/secret.txt";

interface Attack {
  cls: string;
  method: string;
  target: string;
  headers?: Record<string, string>;
}

function attacks(): Attack[] {
  const out: Attack[] = [];
  for (const prefix of PREFIXES)
    for (const [cls, up] of UP) out.push({ cls, method: "GET", target: `${prefix}${up}${TARGET}` });
  // One level deeper, so a single resolved `..` is not enough: the spelling must work twice.
  for (const [cls, up] of UP) out.push({ cls, method: "GET", target: `/public/a/${up}${up}${TARGET}` });
  // At the end of the path: the directory itself.
  for (const [cls, up] of UP.slice(0, 12)) out.push({ cls, method: "GET", target: `/public/${up}private/` });
  out.push(
    { cls: "literal", method: "GET", target: `/public/../${TARGET}` },
    { cls: "literal", method: "GET", target: `/public/%2e%2e/${TARGET}` },
    { cls: "literal", method: "GET", target: `//${TARGET}` },
    { cls: "literal", method: "GET", target: `/public//../${TARGET}` },
    { cls: "literal", method: "GET", target: `/PRIVATE/secret.txt` },
    { cls: "literal", method: "GET", target: `/%70rivate/secret.txt` },
    { cls: "literal", method: "HEAD", target: `/public/..%2f${TARGET}` },
    { cls: "encoded-slash", method: "GET", target: `/public%2f..%2f${TARGET}` },
    { cls: "encoded-slash", method: "GET", target: `/public/..%2f..%2f..%2f${TARGET}` },
    { cls: "encoded-slash", method: "GET", target: `/auth%2F..%2F${TARGET}` },
    { cls: "absolute-form", method: "GET", target: `http://other.example/${TARGET}` },
    { cls: "absolute-form", method: "GET", target: `http://other.example/public/..%2f${TARGET}` },
    { cls: "absolute-form", method: "GET", target: `http://other.example/auth/..;/${TARGET}` },
    { cls: "query", method: "GET", target: `/public/index.html?/../../${TARGET}` },
    { cls: "query", method: "GET", target: `/public/..%3f/../${TARGET}` },
    { cls: "raw-bytes", method: "GET", target: `/public/\xc0\xae\xc0\xae/${TARGET}` },
    { cls: "raw-bytes", method: "GET", target: `/public/..\xc0\xaf${TARGET}` },
    { cls: "raw-bytes", method: "GET", target: `/public/\xff/../${TARGET}` },
    { cls: "raw-bytes", method: "GET", target: `/public/..\x00/${TARGET}` },
    { cls: "raw-bytes", method: "GET", target: `/public/..\t/${TARGET}` },
    { cls: "routing-header", method: "GET", target: "/public/index.html", headers: { "X-Original-URL": `/${TARGET}` } },
    { cls: "routing-header", method: "GET", target: "/public/index.html", headers: { "X-Rewrite-URL": `/${TARGET}` } },
    { cls: "routing-header", method: "GET", target: "/public/index.html", headers: { x_original_url: `/${TARGET}` } },
    { cls: "routing-header", method: "GET", target: "/auth/x", headers: { "X-Original-URI": `/${TARGET}` } },
    { cls: "routing-header", method: "GET", target: "/", headers: { "X-Override-URL": `/${TARGET}` } },
    { cls: "options", method: "OPTIONS", target: `/${TARGET}` },
    { cls: "options", method: "OPTIONS", target: `/public/..%2f${TARGET}` },
  );
  return out;
}

interface Finding {
  cls: string;
  request: string;
  status: number;
  why: string;
}

/** What is wrong with an answer to an attack without a session, or undefined. */
function judge(a: Attack, res: RawResponse): string | undefined {
  if (res.body.includes(SECRET)) {
    const how = res.headers["x-interpretation"];
    return `SECRET served${how ? ` (origin read it as ${decodeURI(how)})` : ""}`;
  }
  if (res.status >= 500 || res.status < 100) return `status ${res.status}: ${res.body.slice(0, 120)}`;
  const fromOrigin = res.headers["x-permissive-origin"] === "1" || /SimpleHTTP/.test(res.headers.server ?? "");
  if (res.status === 400) {
    if (a.method === "HEAD") return undefined; // no body to look at
    // The runtime itself refuses request lines it cannot parse (raw controls, raw non-ASCII) before the Worker runs.
    if (/^invalid URI|^invalid HTTP/.test(res.body)) return undefined;
    try {
      const b = JSON.parse(res.body) as { code?: unknown; reason?: unknown };
      if (b.code === "ERR_BAD_PATH" && typeof b.reason === "string") return undefined;
    } catch {}
    return `400 that is neither ERR_BAD_PATH nor the runtime's: ${res.body.slice(0, 120)}`;
  }
  if (res.status === 401) {
    return res.body === '{"message":"unauthorised"}' ? undefined : `401 with body ${res.body.slice(0, 120)}`;
  }
  if (fromOrigin && [200, 204, 301, 404].includes(res.status)) return undefined;
  return `unexpected ${res.status} (${fromOrigin ? "origin" : "front door"}): ${res.body.slice(0, 120)}`;
}

async function runAttacks(
  front: string,
  list: Attack[],
): Promise<{ findings: Finding[]; statuses: Record<string, number> }> {
  const findings: Finding[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  // A few at a time: wrangler dev and the origins share two cores with other test runs.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < list.length) {
        const a = list[next++]!;
        const res = await send(front, a.method, a.target, a.headers);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const why = judge(a, res);
        if (why !== undefined) {
          const extra = a.headers ? ` ${JSON.stringify(a.headers)}` : "";
          findings.push({
            cls: a.cls,
            request: `${a.method} ${JSON.stringify(a.target).slice(1, -1)}${extra}`,
            status: res.status,
            why,
          });
        }
      }
    }),
  );
  findings.sort((x, y) => (x.cls + x.request).localeCompare(y.cls + y.request));
  return { findings, statuses };
}

function summary(name: string, list: Attack[], r: { findings: Finding[]; statuses: Record<string, number> }) {
  const byClass: Record<string, number> = {};
  for (const f of r.findings) byClass[f.cls] = (byClass[f.cls] ?? 0) + 1;
  console.log(
    `${name}: ${list.length} attacks, statuses ${JSON.stringify(r.statuses)}, findings by class ${JSON.stringify(byClass)}`,
  );
}

async function signInCookies(front: string): Promise<string> {
  const res = await fetch(`${front}/auth/demo/signin`, {
    method: "POST",
    headers: { "content-type": "application/json", "st-auth-mode": "cookie" },
    body: JSON.stringify({ userId: "u" }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

// ---------------------------------------------------------------- fixtures
let dir: string;
let python: ChildProcess | undefined;
let pythonUrl: string;
let permissive: PermissiveOrigin;
const devs: DevScript[] = [];
let frontPython: DevScript;
let frontPermissive: DevScript;

async function waitFor(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "front-door-attack-"));
  for (const d of ["public", "auth", "private"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "public", "index.html"), "<h1>public index</h1>");
  writeFileSync(join(dir, "auth", "x"), "auth x");
  writeFileSync(join(dir, "private", "secret.txt"), SECRET);
  const port = await freePort();
  python = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dir], {
    stdio: "ignore",
  });
  pythonUrl = `http://127.0.0.1:${port}`;
  await waitFor(`${pythonUrl}/public/index.html`);
  permissive = await startPermissiveOrigin(SECRET);
  // One after the other: two wrangler builds at once overload the machine.
  frontPython = await startDevScript({ ORIGIN_URL: pythonUrl, PUBLIC_PATHS: "/,/public/*" });
  devs.push(frontPython);
  frontPermissive = await startDevScript({ ORIGIN_URL: permissive.url, PUBLIC_PATHS: "/,/public/*" });
  devs.push(frontPermissive);
}, 150_000);

afterAll(async () => {
  await Promise.allSettled(devs.map((d) => d.stop()));
  if (python?.pid !== undefined && python.exitCode === null) python.kill("SIGTERM");
  await permissive?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

// =====================================================================================================
describe("the origins really are permissive (the fixtures are what the attacks assume)", () => {
  it("python http.server serves the secret for a decoded %2f traversal when asked directly", async () => {
    const res = await send(pythonUrl, "GET", `/public/..%2f${TARGET}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(SECRET);
  });

  it("the permissive origin serves the secret for every spelling of UP when asked directly", async () => {
    const missed: string[] = [];
    for (const [, up] of UP) {
      // Spellings no core reading turns into a traversal (controls, broken escapes, triple encoding).
      if (/%00|%0a|%09|%7f|%2\/|%zz|%u|%2525/i.test(up)) continue;
      const res = await send(permissive.url, "GET", `/public/${up}${TARGET}`);
      if (!res.body.includes(SECRET)) missed.push(up);
    }
    expect(missed).toEqual([]);
    const viaHeader = await send(permissive.url, "GET", "/public/index.html", { "X-Original-URL": `/${TARGET}` });
    expect(viaHeader.body).toBe(SECRET);
  });
});

describe("without a session the secret never comes back, and nothing answers 5xx", () => {
  const list = attacks();

  it(`has a large corpus (${list.length} requests per origin)`, () => {
    expect(list.length).toBeGreaterThanOrEqual(100);
  });

  it("in front of python3 -m http.server", async () => {
    const r = await runAttacks(frontPython.front, list);
    summary("python", list, r);
    expect(r.findings).toEqual([]);
  }, 180_000);

  it("in front of the permissive origin", async () => {
    permissive.reset();
    const r = await runAttacks(frontPermissive.front, list);
    summary("permissive", list, r);
    expect(r.findings).toEqual([]);
    // No request without a session reached the origin with a path (or routing header) it reads as /private/.
    expect(
      permissive
        .requests()
        .filter((q) => q.served !== undefined)
        .map((q) => `${q.url} → ${q.served}`),
    ).toEqual([]);
  }, 180_000);
});

// Attack classes no point of the spec covers (see the report): Unicode look-alikes that NFKC (or Windows "best
// fit") folds into `.` `/` `\`, and a trailing space Windows drops from a segment. Valid UTF-8, no encoded slash,
// no dot segment as the spec defines it — so a front door built to the spec forwards them, and an origin that
// folds them serves the secret. This test fails until the spec refuses them (e.g. 400 for any non-ASCII
// character whose NFKC form contains `.`, `/` or `\`, and for a segment that is a dot segment once trailing
// spaces are dropped).
describe("beyond the spec: look-alike dots and slashes", () => {
  const LOOKALIKE_UP = [
    "%EF%BC%8E%EF%BC%8E/", // U+FF0E FULLWIDTH FULL STOP twice
    "%EF%BC%8E%EF%BC%8E%EF%BC%8F", // … and U+FF0F FULLWIDTH SOLIDUS
    "..%EF%BC%8F",
    "..%EF%BC%BC", // U+FF3C FULLWIDTH REVERSE SOLIDUS
    "%E2%80%A5/", // U+2025 TWO DOT LEADER (NFKC: "..")
    "%EF%B9%92%EF%B9%92/", // U+FE52 SMALL FULL STOP
    "..%20/", // Windows drops trailing spaces from a segment
    "..%20%20%5C",
  ];
  const list: Attack[] = [];
  for (const prefix of ["/public/", "/auth/"])
    for (const up of LOOKALIKE_UP) list.push({ cls: "lookalike", method: "GET", target: `${prefix}${up}${TARGET}` });

  it("the permissive origin (extended readings) serves them when asked directly", async () => {
    for (const a of list) expect((await send(permissive.url, "GET", a.target)).body, a.target).toBe(SECRET);
  });

  it("through the front door, without a session, they never leak", async () => {
    const r = await runAttacks(frontPermissive.front, list);
    summary("permissive (look-alikes)", list, r);
    expect(r.findings).toEqual([]);
  }, 60_000);
});

describe("OPTIONS", () => {
  it("a non-preflight OPTIONS to a protected path is the SDK's 401 and reaches nothing", async () => {
    permissive.reset();
    for (const target of [`/${TARGET}`, "/private/", "/api/x"]) {
      const res = await send(frontPermissive.front, "OPTIONS", target);
      expect(res.status, target).toBe(401);
      expect(res.body).toBe('{"message":"unauthorised"}');
    }
    const withBody = await send(
      frontPermissive.front,
      "OPTIONS",
      `/${TARGET}`,
      { Origin: "http://evil.example", "Access-Control-Request-Method": "GET" },
      "x=1",
    );
    expect(withBody.status).toBe(401);
    expect(permissive.requests()).toEqual([]);
  });

  it("a real preflight is forwarded without a session (and the permissive origin gives it no body)", async () => {
    permissive.reset();
    const res = await send(frontPermissive.front, "OPTIONS", `/${TARGET}`, {
      Origin: "http://app.example",
      "Access-Control-Request-Method": "GET",
    });
    expect(res.status).toBe(204);
    expect(res.body).not.toContain(SECRET);
    expect(permissive.requests().map((q) => [q.method, q.url])).toEqual([["OPTIONS", `/${TARGET}`]]);
  });

  it("OPTIONS * never reaches an origin and never leaks", async () => {
    permissive.reset();
    const res = await send(frontPermissive.front, "OPTIONS", "*");
    expect(res.body).not.toContain(SECRET);
    expect(permissive.requests()).toEqual([]);
    // Observed: wrangler dev answers `OPTIONS *` with its own plain-text 500 before the Worker runs; the front
    // door cannot change that, so this only pins that the answer is not the Worker's.
    if (res.status === 500) expect(res.body).toBe("Internal Server Error");
    else expect([400, 401]).toContain(res.status);
  });
});

describe("a signed-in user still gets the private file", () => {
  it.each([
    ["python", () => frontPython.front],
    ["permissive", () => frontPermissive.front],
  ])("through %s", async (_name, front) => {
    const cookie = await signInCookies(front());
    const res = await send(front(), "GET", `/${TARGET}`, { Cookie: cookie });
    expect(res.status).toBe(200);
    expect(res.body).toBe(SECRET);
    expect(res.headers["cache-control"]).toBe("private, no-store");
    // …but still not through a spelling the front door refuses.
    const odd = await send(front(), "GET", `/public/..%2f${TARGET}`, { Cookie: cookie });
    expect(odd.status).toBe(400);
    expect(JSON.parse(odd.body)).toMatchObject({ code: "ERR_BAD_PATH" });
  });
});

describe("forwarding headers under wrangler dev", () => {
  it("a client's X-Forwarded-* / Forwarded / X-Real-IP / True-Client-IP never reach the origin", async () => {
    permissive.reset();
    await send(frontPermissive.front, "GET", "/public/index.html", {
      "X-Forwarded-For": "6.6.6.6",
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "https",
      Forwarded: "for=6.6.6.6;host=evil.example;proto=https",
      "X-Real-IP": "6.6.6.6",
      "True-Client-IP": "6.6.6.6",
    });
    const [r] = permissive.requests();
    expect(r).toBeDefined();
    const h = r!.headers;
    expect(JSON.stringify([h["x-forwarded-for"], h["x-real-ip"], h["true-client-ip"], h.forwarded])).not.toContain(
      "6.6.6.6",
    );
    expect(h["x-forwarded-host"]).toBe(`127.0.0.1:${new URL(frontPermissive.front).port}`);
    expect(h["x-forwarded-proto"]).toBe("http");
    // RFC 7239, written by the front door from what it knows (wrangler dev reports the client as 127.0.0.1).
    expect(h.forwarded).toBe(`for="127.0.0.1";host="127.0.0.1:${new URL(frontPermissive.front).port}";proto=http`);
  });
});

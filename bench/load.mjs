#!/usr/bin/env node
// Not a test: `npm run bench:load` — the front door under `wrangler dev` on 127.0.0.1, loaded through HTTP.
// Starts the core emulator, a small keep-alive origin and bench/load-worker.ts (the front door with its JWKS KV
// binding wrapped in a counter), signs in N users, warms up, then measures a protected path with valid sessions
// against a public path of the same origin, interleaved in slices so machine drift hits both alike. Prints
// requests/s, p50/p99 latency, their ratio, and the core calls and KV reads per request in steady state.
//
// Env: BENCH_REFERENCE=1 adds two reference cases answered by bench/load-worker.ts without the front door (a plain
//      proxy Worker to the same origin, and a Worker answering by itself): what wrangler dev itself costs.
//      BENCH_SESSIONS (100), BENCH_CONCURRENCY (24), BENCH_MAX_REQUESTS per case (20000),
//      BENCH_MAX_SECONDS per case (20), BENCH_SLICES per case (8), BENCH_WARMUP_REQUESTS per case (1000),
//      BENCH_TIMEOUT_SECONDS for the whole run (180). BENCH_OBSERVABILITY=1 keeps wrangler's local observability
//      (off by default here: see the spawn below).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCoreEmulator } from "../test/emulator/core.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Lifecycle: everything started is recorded here and stopped on every exit path (die() may run from here on).
let emu;
let origin;
let wrangler;
let wranglerExited = false;
let persistDir;
let wranglerLog = "";
let stopping = false;

const badEnv = [];
const int = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) badEnv.push(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const SESSIONS = int("BENCH_SESSIONS", 100);
const CONCURRENCY = int("BENCH_CONCURRENCY", 24);
const MAX_REQUESTS = int("BENCH_MAX_REQUESTS", 20000);
const MAX_SECONDS = int("BENCH_MAX_SECONDS", 20);
const SLICES = int("BENCH_SLICES", 8);
const WARMUP_REQUESTS = int("BENCH_WARMUP_REQUESTS", 1000);
const REFERENCE = process.env.BENCH_REFERENCE === "1";
const OBSERVABILITY = process.env.BENCH_OBSERVABILITY === "1";
const GLOBAL_TIMEOUT_MS = int("BENCH_TIMEOUT_SECONDS", 180) * 1000;
const START_TIMEOUT_MS = 60_000;
if (badEnv.length > 0) await die(badEnv.join("; "));

const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  await die(
    `Node ${process.versions.node}: wrangler needs Node >= 22. Run \`npm run bench:load\` (the project's Node 22 comes first on PATH).`,
  );
}

// ---------------------------------------------------------------------------------------------------------
/** Reports, stops everything and exits 1; the main flow awaits it (it never resolves) so nothing runs on. */
function die(message) {
  if (!stopping) {
    console.error(`bench:load: ${message}`);
    if (wranglerLog) console.error(`--- wrangler output (last 3000 chars) ---\n${wranglerLog.slice(-3000)}`);
  }
  stop(1);
  return new Promise(() => {});
}

async function stopWrangler() {
  if (!wrangler || wranglerExited) return;
  const exited = new Promise((r) => wrangler.once("exit", r));
  const kill = (sig) => {
    try {
      process.kill(-wrangler.pid, sig); // its own process group: workerd goes too
    } catch {
      try {
        wrangler.kill(sig);
      } catch {}
    }
  };
  kill("SIGTERM");
  const t = setTimeout(() => kill("SIGKILL"), 5000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 7000))]);
  clearTimeout(t);
  kill("SIGKILL"); // workerd may outlive wrangler's own exit; a dead group just throws ESRCH
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    await stopWrangler();
    await Promise.race([Promise.allSettled([emu?.close(), origin?.close()]), new Promise((r) => setTimeout(r, 3000))]);
    if (persistDir) rmSync(persistDir, { recursive: true, force: true });
  } finally {
    process.exit(code);
  }
}

process.on("SIGINT", () => stop(130));
process.on("SIGTERM", () => stop(143));
process.on("SIGHUP", () => stop(129));
process.on("uncaughtException", (e) => die(`uncaught: ${e?.stack ?? e}`));
process.on("unhandledRejection", (e) => die(`unhandled rejection: ${e?.stack ?? e}`));
setTimeout(() => die(`global timeout (${GLOBAL_TIMEOUT_MS / 1000} s) reached`), GLOBAL_TIMEOUT_MS);

// ---------------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The origin: a fixed small body; counts what the front door forwarded with and without an identity. */
function startOrigin() {
  const seen = { withIdentity: 0, withoutIdentity: 0 };
  const body = Buffer.from("ok\n");
  const server = http.createServer((req, res) => {
    if (typeof req.headers["x-supertokens-user-id"] === "string") seen.withIdentity++;
    else seen.withoutIdentity++;
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// HTTP client: undici's Pool when it is installed (wrangler brings it; lighter on this shared CPU), else
// node:http with a keep-alive Agent. Both keep CONCURRENCY connections open.
async function makeClient(base) {
  let undici;
  try {
    undici = await import("undici");
  } catch {}
  if (undici?.Pool) {
    const pool = new undici.Pool(base, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 60_000 });
    return {
      name: `undici ${undici.Pool.name} (${CONCURRENCY} connections)`,
      async request(method, path, headers, body) {
        const r = await pool.request({ method, path, headers, body });
        const text = await r.body.text();
        return { status: r.statusCode, headers: r.headers, text };
      },
      close: () => pool.destroy(),
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const u = new URL(base);
  return {
    name: `node:http keep-alive Agent (${CONCURRENCY} sockets)`,
    request(method, path, headers, body) {
      return new Promise((resolve, reject) => {
        const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }),
          );
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

async function withTimeout(promise, ms, what) {
  let t;
  const timeout = new Promise((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** The Cookie header a browser would send to `path` (Path attribute honoured; Max-Age=0 / Expires past dropped). */
function cookieFor(setCookies, path) {
  const jar = new Map();
  for (const sc of setCookies) {
    const [pair, ...attrs] = sc.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let cookiePath = "/";
    let expired = false;
    for (const a of attrs) {
      const [k, v = ""] = a.split("=");
      if (k.toLowerCase() === "path") cookiePath = v;
      if (k.toLowerCase() === "max-age" && Number(v) <= 0) expired = true;
      if (k.toLowerCase() === "expires" && Date.parse(v) < Date.now()) expired = true;
    }
    const matches = path === cookiePath || path.startsWith(cookiePath.endsWith("/") ? cookiePath : `${cookiePath}/`);
    if (expired) jar.delete(name);
    else if (matches && value !== "") jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

const copy = (o) => ({ ...o });
function diff(after, before) {
  const out = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}
const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// CPU time per process of wrangler's group (Linux /proc; in clock ticks of 10 ms), to show where time goes:
// workerd running the Worker (the one with an inspector), workerd running wrangler's proxy in front of it,
// wrangler's Node, and this process (client + origin + emulator). Timing inside the Worker would see only its
// own JavaScript, not workerd's HTTP and wrangler's plumbing around it.
const TICK_MS = 10;
function groupProcesses(pgid) {
  const out = [];
  let entries = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5, pgrp
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const role =
        comm === "workerd"
          ? cmdline.includes("--inspector-addr")
            ? "workerd (Worker)"
            : "workerd (wrangler proxy)"
          : "wrangler (Node, esbuild)";
      out.push({ pid, role });
    } catch {}
  }
  return out;
}
function cpuSnapshot(procs) {
  const snap = {};
  for (const { pid, role } of procs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      snap[role] = (snap[role] ?? 0) + (Number(f[11]) + Number(f[12])) * TICK_MS; // utime + stime
    } catch {}
  }
  const self = process.cpuUsage();
  snap["bench (client, origin, emulator)"] = (self.user + self.system) / 1000;
  return snap;
}

// ---------------------------------------------------------------------------------------------------------
const t0 = performance.now();
emu = await startCoreEmulator();
origin = await startOrigin();
const [port, inspectorPort] = [await freePort(), await freePort()];
const front = `http://127.0.0.1:${port}`;
persistDir = mkdtempSync(join(tmpdir(), "st-loadbench-"));

const vars = {
  SUPERTOKENS_CONNECTION_URI: emu.url,
  ORIGIN_URL: origin.url,
  API_DOMAIN: front,
  WEBSITE_DOMAIN: front,
  PUBLIC_PATHS: "/public/*",
  DEMO_SIGN_IN: "true",
};
const args = [
  "dev",
  "--config",
  join(root, "bench", "wrangler.load.toml"),
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--inspector-port",
  String(inspectorPort),
  "--persist-to",
  persistDir,
  "--log-level",
  "warn",
  ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
];
wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group, so stopping kills workerd too
  env: {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    // wrangler dev's local observability stores every request's trace events in SQLite (with an fsync) inside
    // the Worker's workerd: dev-only cost that production does not have. BENCH_OBSERVABILITY=1 keeps it.
    ...(OBSERVABILITY ? {} : { X_LOCAL_OBSERVABILITY: "false" }),
  },
});
const keepLog = (d) => {
  wranglerLog = (wranglerLog + d.toString()).slice(-20_000);
};
wrangler.stdout.on("data", keepLog);
wrangler.stderr.on("data", keepLog);
wrangler.on("error", (e) =>
  die(`cannot start wrangler (${join(root, "node_modules", ".bin", "wrangler")}): ${e.message}; run npm install`),
);
wrangler.on("exit", (code, signal) => {
  wranglerExited = true;
  if (!stopping) die(`wrangler dev exited early (code ${code}, signal ${signal})`);
});

// Ready when the bench endpoint answers (bundling + workerd start take a few seconds).
async function kvCounts() {
  const r = await withTimeout(fetch(`${front}/__bench/kv`), 5000, "GET /__bench/kv");
  if (r.status !== 200) throw new Error(`GET /__bench/kv answered ${r.status}: ${await r.text()}`);
  return r.json();
}
{
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError;
  for (;;) {
    if (wranglerExited) await die("wrangler dev exited early"); // already reported by the exit handler
    try {
      await kvCounts();
      break;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline)
      await die(
        `the front door did not answer on ${front} within ${START_TIMEOUT_MS / 1000} s (${lastError?.cause?.code ?? lastError?.message})`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
const startupMs = performance.now() - t0;

const client = await makeClient(front);
const req = (method, path, headers, body) =>
  withTimeout(client.request(method, path, headers, body), 10_000, `${method} ${path}`);

// Sign-in phase: N sessions through the front door, cookies kept.
const PROTECTED = "/private/page";
const PUBLIC = "/public/page";
const beforeSignIn = copy(emu.stats.counts);
const cookies = [];
for (let i = 0; i < SESSIONS; i++) {
  const r = await req(
    "POST",
    "/auth/demo/signin",
    { "content-type": "application/json", "st-auth-mode": "cookie" },
    JSON.stringify({ userId: `u${i}` }),
  );
  if (r.status !== 200) await die(`POST /auth/demo/signin answered ${r.status}: ${r.text.slice(0, 300)}`);
  const sc = r.headers["set-cookie"];
  const cookie = cookieFor(Array.isArray(sc) ? sc : sc ? [sc] : [], PROTECTED);
  if (!cookie.includes("sAccessToken="))
    await die(`sign-in set no sAccessToken cookie for ${PROTECTED}: ${JSON.stringify(sc)}`);
  cookies.push(cookie);
}
const signInCalls = diff(emu.stats.counts, beforeSignIn);

const cases = {
  protected: { path: PROTECTED, headers: (i) => ({ cookie: cookies[i % cookies.length] }), identity: true },
  public: { path: PUBLIC, headers: () => ({}), identity: false },
  ...(REFERENCE
    ? {
        "reference: plain proxy Worker": { path: `/__bench/proxy${PUBLIC}`, headers: () => ({}) },
        "reference: Worker answers itself": { path: "/__bench/echo", headers: () => ({}) },
      }
    : {}),
};
const LABELS = {
  protected: `protected \`GET ${PROTECTED}\`, valid session`,
  public: `public \`GET ${PUBLIC}\`, no session`,
};

/** Closed loop: CONCURRENCY requests in flight until `maxRequests` sent or `maxMs` elapsed. */
async function run(name, maxRequests, maxMs, latencies) {
  const c = cases[name];
  let sent = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const start = performance.now();
  const deadline = start + maxMs;
  async function loop() {
    while (sent < maxRequests && performance.now() < deadline) {
      const i = sent++;
      const s = performance.now();
      try {
        const r = await req("GET", c.path, c.headers(i));
        if (r.status !== 200 || r.text !== "ok\n") {
          errors++;
          firstError ??= `${r.status} ${r.text.slice(0, 200)}`;
        }
      } catch (e) {
        errors++;
        firstError ??= e.message;
      }
      latencies?.push(performance.now() - s);
      done++;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return { requests: done, ms: performance.now() - start, errors, firstError };
}

// Warm-up: the first protected request loads the JWKS (core + KV); then both paths until JIT and pools settle.
const kvBeforeWarm = await kvCounts();
const beforeWarm = copy(emu.stats.counts);
for (const name of Object.keys(cases)) {
  const w = await run(name, WARMUP_REQUESTS, 10_000);
  if (w.errors > 0)
    await die(`warm-up of the ${name} case: ${w.errors} of ${w.requests} failed, first: ${w.firstError}`);
}
const afterWarm = copy(emu.stats.counts);
const warmCalls = diff(afterWarm, beforeWarm);
const kvAfterWarm = await kvCounts();

// Measured phase: SLICES slices per case, alternating, each bounded by its share of requests and time.
const seenBefore = copy(origin.seen);
const totals = {};
for (const name of Object.keys(cases))
  totals[name] = { requests: 0, ms: 0, errors: 0, firstError: undefined, latencies: [], cpu: {} };
const procs = groupProcesses(wrangler.pid);
for (let s = 0; s < SLICES; s++) {
  const names = Object.keys(cases);
  const order = names.map((_, i) => names[(i + s) % names.length]); // each case leads in turn
  for (const name of order) {
    const t = totals[name];
    const cpuBefore = cpuSnapshot(procs);
    const r = await run(name, Math.ceil(MAX_REQUESTS / SLICES), (MAX_SECONDS * 1000) / SLICES, t.latencies);
    const cpu = diff(cpuSnapshot(procs), cpuBefore);
    for (const [k, v] of Object.entries(cpu)) t.cpu[k] = (t.cpu[k] ?? 0) + v;
    t.requests += r.requests;
    t.ms += r.ms;
    t.errors += r.errors;
    t.firstError ??= r.firstError;
  }
}
const steadyCalls = diff(emu.stats.counts, afterWarm);
const kvAfter = await kvCounts();
const seen = diff(origin.seen, seenBefore);
await client.close();

// ---------------------------------------------------------------------------------------------------------
const fmt = (n, d = 0) => n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
const measuredRequests = Object.values(totals).reduce((a, t) => a + t.requests, 0);
const rows = Object.entries(totals).map(([name, t]) => {
  const sorted = Float64Array.from(t.latencies).sort();
  return { name, t, rps: (t.requests / t.ms) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
});
const [prot, pub] = rows; // cases are listed protected, public, then the references
const ratio = prot.rps / pub.rps;
const isolates = new Set([kvBeforeWarm.isolate, kvAfterWarm.isolate, kvAfter.isolate]);
const kvSteady = diff(kvAfter.counts, kvAfterWarm.counts);
const kvWarm = diff(kvAfterWarm.counts, kvBeforeWarm.counts);
const reads = (c) => (c.get ?? 0) + (c.getWithMetadata ?? 0) + (c.list ?? 0);
const callsText = (c) =>
  Object.keys(c).length === 0
    ? "none"
    : Object.entries(c)
        .map(([k, v]) => `\`${k}\` ${v}`)
        .join(", ");
const perReq = (c, n) =>
  Object.keys(c).length === 0
    ? "0"
    : Object.entries(c)
        .map(([k, v]) => `\`${k}\` ${(v / n).toFixed(4)}`)
        .join(", ");

const out = [];
out.push(`## Front door under load (wrangler dev, 127.0.0.1)`);
out.push("");
out.push(
  `${SESSIONS} sessions, ${CONCURRENCY} in flight via ${client.name}, ${SLICES} interleaved slices per case, ` +
    `≤ ${fmt(MAX_REQUESTS)} requests or ${MAX_SECONDS} s per case, after ${fmt(WARMUP_REQUESTS)} warm-up requests per case. ` +
    `Startup ${fmt(startupMs)} ms. Node ${process.versions.node}. wrangler local observability ${OBSERVABILITY ? "on" : "off"}.`,
);
out.push("");
out.push("| case | requests | errors | requests/s | p50 ms | p99 ms |");
out.push("|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  out.push(
    `| ${LABELS[r.name] ?? r.name} | ${fmt(r.t.requests)} | ${r.t.errors} | ${fmt(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
  );
}
out.push("");
out.push(`| steady state (measured phase, ${fmt(measuredRequests)} requests) | value | target |`);
out.push("|---|---:|---:|");
out.push(`| requests/s protected ÷ public | **${ratio.toFixed(2)}** | ≥ 0.8 ${ratio >= 0.8 ? "✓" : "✗"} |`);
if (procs.length > 0) {
  const total = (r) => sum(r.t.cpu) / r.t.requests;
  const cpuRatio = total(pub) / total(prot);
  out.push(
    `| CPU per request, public ÷ protected (all processes; less sensitive to other load) | ${cpuRatio.toFixed(2)} | ≥ 0.8 ${cpuRatio >= 0.8 ? "✓" : "✗"} |`,
  );
}
out.push(
  `| core calls per request | ${perReq(steadyCalls, measuredRequests)} | 0 ${sum(steadyCalls) === 0 ? "✓" : "✗"} |`,
);
out.push(
  `| KV reads per request | ${(reads(kvSteady) / measuredRequests).toFixed(4)} | 0 ${reads(kvSteady) === 0 ? "✓" : "✗"} |`,
);
out.push("");
const roles = [...new Set(rows.flatMap((r) => Object.keys(r.t.cpu)))].sort();
if (procs.length > 0) {
  out.push(`| CPU ms per request (measured phase) | ${roles.join(" | ")} | total |`);
  out.push(`|---|${roles.map(() => "---:").join("|")}|---:|`);
  for (const r of rows) {
    const per = roles.map((k) => (r.t.cpu[k] ?? 0) / r.t.requests);
    out.push(
      `| ${r.name} | ${per.map((v) => v.toFixed(3)).join(" | ")} | ${per.reduce((a, b) => a + b, 0).toFixed(3)} |`,
    );
  }
  out.push("");
}
out.push(`Sign-in (${SESSIONS} requests): core ${callsText(signInCalls)}.`);
out.push(
  `Warm-up (${fmt(Object.keys(cases).length * WARMUP_REQUESTS)} requests): core ${callsText(warmCalls)}; KV ${callsText(kvWarm)}.`,
);
out.push(`Measured: core ${callsText(steadyCalls)}; KV ${callsText(kvSteady)}.`);
out.push(
  `Origin saw, in the measured phase: ${fmt(seen.withIdentity ?? 0)} requests with an identity, ${fmt(seen.withoutIdentity ?? 0)} without ` +
    `(expected ${fmt(totals.protected.requests)} and ${fmt(measuredRequests - totals.protected.requests - (totals["reference: Worker answers itself"]?.requests ?? 0))}).`,
);
if (isolates.size > 1)
  out.push(
    `**Note:** /__bench/kv answered from ${isolates.size} isolates; KV counts are per isolate and may be incomplete.`,
  );
for (const r of rows) if (r.t.errors > 0) out.push(`**${r.name}: ${r.t.errors} errors**, first: ${r.t.firstError}`);
console.log(out.join("\n"));

const failed = rows.some((r) => r.t.errors > 0) || isolates.size > 1;
await stop(failed ? 1 : 0);

#!/usr/bin/env node
// `npm start`: the front door locally, with a working default — the core emulator (real RS256 keys),
// a demo origin, and the front-door Worker under `wrangler dev`, all on 127.0.0.1, offline.
//
// The demo origin also serves a page at /public/demo (a public path) where a person signs in with the official
// supertokens-web-js, watches the short-lived access token expire and get refreshed, and signs out.
//
// Env: FRONT_DOOR_PORT (8787), CORE_PORT (3567), ORIGIN_PORT (8788), INSPECTOR_PORT (9229),
//      ACCESS_TOKEN_VALIDITY_SEC (30: the emulator's access-token lifetime, short so the demo shows refreshes),
//      SUPERTOKENS_CONNECTION_URI (use a real core instead of the emulator), SUPERTOKENS_API_KEY,
//      ORIGIN_URL (your own origin instead of the demo one), PUBLIC_PATHS (default "/,/public/*").
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCoreEmulator } from "../test/emulator/core.mjs";
import { DEMO_PAGE_PATH, startDemoOrigin } from "./demo-origin.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(
    `Node ${process.versions.node}: wrangler needs Node >= 22. Run it as \`npm start\` (the project's Node 22 comes first on PATH).`,
  );
  process.exit(1);
}

const frontPort = Number(process.env.FRONT_DOOR_PORT ?? 8787);
const corePort = Number(process.env.CORE_PORT ?? 3567);
const originPort = Number(process.env.ORIGIN_PORT ?? 8788);
const inspectorPort = Number(process.env.INSPECTOR_PORT ?? 9229);
const accessTokenValiditySec = Number(process.env.ACCESS_TOKEN_VALIDITY_SEC || 30);
if (!(Number.isInteger(accessTokenValiditySec) && accessTokenValiditySec > 0)) {
  console.error(
    `ACCESS_TOKEN_VALIDITY_SEC must be a positive whole number of seconds, got ${JSON.stringify(process.env.ACCESS_TOKEN_VALIDITY_SEC)}`,
  );
  process.exit(1);
}

const core = process.env.SUPERTOKENS_CONNECTION_URI
  ? { url: process.env.SUPERTOKENS_CONNECTION_URI, close: async () => {} }
  : await startCoreEmulator({ port: corePort, accessTokenValiditySec });
const origin = process.env.ORIGIN_URL
  ? { url: process.env.ORIGIN_URL, close: async () => {} }
  : await startDemoOrigin({ port: originPort });
const front = `http://127.0.0.1:${frontPort}`;
const state = join(root, ".dev-state");
mkdirSync(state, { recursive: true });

const vars = {
  SUPERTOKENS_CONNECTION_URI: core.url,
  ORIGIN_URL: origin.url,
  API_DOMAIN: front,
  WEBSITE_DOMAIN: front,
  PUBLIC_PATHS: process.env.PUBLIC_PATHS ?? "/,/public/*",
  DEMO_SIGN_IN: "true",
  ...(process.env.SUPERTOKENS_API_KEY ? { SUPERTOKENS_API_KEY: process.env.SUPERTOKENS_API_KEY } : {}),
};
const args = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(frontPort),
  "--inspector-port",
  String(inspectorPort),
  "--persist-to",
  state,
  "--log-level",
  "warn",
  ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
];
const wrangler = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group, so stopping kills workerd too
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
wrangler.stdout.on("data", (d) => process.stdout.write(d));
wrangler.stderr.on("data", (d) => process.stderr.write(d));

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-wrangler.pid, "SIGTERM");
  } catch {
    wrangler.kill("SIGTERM");
  }
  await Promise.allSettled([core.close(), origin.close()]);
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
process.on("SIGHUP", () => stop(0));
wrangler.on("exit", (code) => {
  if (!stopping) {
    console.error(`wrangler dev exited (${code})`);
    stop(code ?? 1);
  }
});

// Ready when the front door answers (bundling + workerd start take a few seconds).
for (let i = 0; i < 120; i++) {
  try {
    await fetch(`${front}/`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 250));
  }
}
const page = process.env.ORIGIN_URL
  ? ""
  : `
Open the demo page: ${front}${DEMO_PAGE_PATH}
  sign in, watch the access token count down and the SDK refresh it, sign out
`;
console.log(`
supertokens-edge front door: READY ${front}
  core     ${core.url}${process.env.SUPERTOKENS_CONNECTION_URI ? "" : ` (emulator, access tokens live ${accessTokenValiditySec} s)`}
  origin   ${origin.url}${process.env.ORIGIN_URL ? "" : " (demo, no SuperTokens code)"}
${page}
Try it:
  curl -i ${front}/private                                   # 401 {"message":"unauthorised"}, never reaches the origin
  curl -i -c jar -H 'st-auth-mode: cookie' -X POST ${front}/auth/demo/signin -d '{"userId":"alice"}'
  curl -i -b jar ${front}/private                            # the origin sees x-supertokens-user-id: alice
  curl -i -b jar -c jar -X POST ${front}/auth/session/refresh
  curl -i -b jar -c jar -X POST ${front}/auth/signout
Ctrl-C stops everything.
`);

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EmulatorClient, emulatorClient } from "../../emulator/client.js";

// `npm start` (scripts/dev.mjs) on free ports, for tests that drive the front door like a user.

/** The repository's root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DevScript {
  /** The front door, e.g. http://127.0.0.1:PORT */
  front: string;
  /** The core emulator */
  core: string;
  /** Its control API (`/__emu/*`). */
  emulator: EmulatorClient;
  output(): string;
  stop(): Promise<void>;
}

/** Starts scripts/dev.mjs with `env` added, and resolves once it prints READY (rejects with its output if not). */
export async function startDevScript(env: Record<string, string> = {}): Promise<DevScript> {
  const [frontPort, corePort, originPort, inspectorPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const front = `http://127.0.0.1:${frontPort}`;
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: ROOT,
    env: {
      ...process.env,
      FRONT_DOOR_PORT: String(frontPort),
      CORE_PORT: String(corePort),
      ORIGIN_PORT: String(originPort),
      INSPECTOR_PORT: String(inspectorPort),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM"); // dev.mjs kills wrangler's process group (workerd too) and closes the emulator
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const deadline = Date.now() + 60_000;
  while (!out.includes("READY") && child.exitCode === null && Date.now() < deadline) await sleep(100);
  if (!out.includes(`READY ${front}`)) {
    await stop();
    throw new Error(`scripts/dev.mjs did not become ready:\n${out}`);
  }
  const core = `http://127.0.0.1:${corePort}`;
  return { front, core, emulator: emulatorClient(core), output: () => out, stop };
}

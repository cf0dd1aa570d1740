// The core emulator's control API (`/__emu/*`, test/emulator/core.mjs) over HTTP, for tests whose emulator runs
// elsewhere: in Node while the test runs in workerd (test/workers/helpers), or inside `npm start`
// (test/node/helpers/dev-script.ts). Only `fetch`: it runs in both.
import type { CreateSessionResponse, MintOptions, SessionRow, TestSessionOptions } from "./core.mjs";

/** The control paths that are read with GET when called without a body. */
const READS = new Set(["stats", "keys", "sessions", "users"]);

export interface EmulatorClient {
  readonly url: string;
  /** `/__emu/<path>`: GET for the reads without a body, else POST with `body` as JSON. Throws on a non-2xx. */
  emu<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  /** An access token signed by the emulator's keys. */
  mint(opts: MintOptions): Promise<string>;
  /** How often the emulator answered `key` (e.g. `POST /recipe/session/verify`) since its stats were reset. */
  countOf(key: string): Promise<number>;
  /** A session created in the emulator, answered as the core answers a create. */
  session(opts: TestSessionOptions): Promise<CreateSessionResponse>;
  /** The emulator's live sessions. */
  sessions(): Promise<SessionRow[]>;
}

/** Functions, not methods: they may be destructured (`const { emu, mint } = emulatorClient(url)`). */
export function emulatorClient(url: string): EmulatorClient {
  const emu = async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__emu/${path}`, {
      method: body === undefined && READS.has(path) ? "GET" : "POST",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    emu,
    mint: async (opts) => (await emu<{ token: string }>("mint", opts)).token,
    countOf: async (key) => (await emu<{ counts: Record<string, number> }>("stats")).counts[key] ?? 0,
    session: (opts) => emu<CreateSessionResponse>("session", opts),
    sessions: async () => (await emu<{ sessions: SessionRow[] }>("sessions")).sessions,
  };
}

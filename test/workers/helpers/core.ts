import { inject } from "vitest";

/** Drives the core emulator (running in Node) over its /__emu/ control API. */
export const coreUrl = (): string => inject("coreUrl");

export async function emu<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${coreUrl()}/__emu/${path}`, {
    method: body === undefined && (path === "stats" || path === "keys" || path === "sessions") ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function countOf(key: string): Promise<number> {
  const { counts } = await emu<{ counts: Record<string, number> }>("stats");
  return counts[key] ?? 0;
}

export const mint = async (opts: Record<string, unknown>) => (await emu<{ token: string }>("mint", opts)).token;

/** Cookie header from a response's Set-Cookie lines (name=value of the non-cleared ones). */
export function cookieJar(res: Response, jar: Record<string, string> = {}): Record<string, string> {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    if (value === "") delete jar[name];
    else jar[name] = value;
  }
  return jar;
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");

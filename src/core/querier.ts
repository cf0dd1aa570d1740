import { CoreBadResponseError, CoreHttpError, CoreUnreachableError, type EdgeError } from "../errors.js";
import type { Emit } from "../events.js";
import { fetchCapped, TooLargeError } from "./transport.js";

export const CDI_VERSION = "5.4";
const MAX_CORE_BYTES = 1024 * 1024;
/** supertokens-node's back-off for HTTP 429 from the core. */
const RETRY_429_MS = [10, 260, 510, 760, 1010];

export interface QuerierOptions {
  hosts: readonly { origin: string; basePath: string }[];
  apiKey: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  emit: Emit;
}

export type CoreJson = Record<string, unknown>;

/**
 * The core over `fetch` (supertokens-node's Querier): `cdi-version: 5.4`, `api-key`, `rid: session` on recipe
 * paths, round-robin across hosts with failover on network errors, one deadline for the whole call.
 * Resolves with the JSON body of a 200; rejects only with the core errors of errors.ts.
 */
export class Querier {
  private next = 0;
  constructor(private readonly opts: QuerierOptions) {}

  /** `path` may contain `<tenantId>`, replaced by the encoded tenant id (`public` is sent literally). */
  static tenantPath(template: string, tenantId: string | undefined): string {
    return template.replace("<tenantId>", encodeURIComponent((tenantId ?? "public").toLowerCase()));
  }

  get(path: string, query: Record<string, string | boolean | undefined>): Promise<CoreJson> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return this.send("GET", qs ? `${path}?${qs}` : path, undefined);
  }

  post(path: string, body: unknown): Promise<CoreJson> {
    return this.send("POST", path, body);
  }

  put(path: string, body: unknown): Promise<CoreJson> {
    return this.send("PUT", path, body);
  }

  private headersFor(path: string, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { "cdi-version": CDI_VERSION };
    if (this.opts.apiKey !== undefined) h["api-key"] = this.opts.apiKey;
    const segments = path
      .split("?")[0]!
      .split("/")
      .filter((s) => s !== "");
    if (segments[0] === "recipe" || segments[1] === "recipe") h.rid = "session";
    if (hasBody) h["content-type"] = "application/json; charset=utf-8";
    return h;
  }

  private async send(method: string, path: string, body: unknown): Promise<CoreJson> {
    const emit = this.opts.emit;
    if (emit === undefined) return this.attempt(method, path, body, undefined);
    const start = this.opts.now();
    const seen: { status?: number } = {};
    let json: CoreJson;
    try {
      json = await this.attempt(method, path, body, seen);
    } catch (e) {
      const error = (e as EdgeError).code;
      emit({
        type: "core",
        method,
        path: path.split("?")[0]!,
        status: seen.status,
        ms: this.opts.now() - start,
        error,
      });
      throw e;
    }
    // Outside the try: a listener that throws must not be handed a second, false event.
    emit({ type: "core", method, path: path.split("?")[0]!, status: seen.status, ms: this.opts.now() - start });
    return json;
  }

  private async attempt(
    method: string,
    path: string,
    body: unknown,
    seen: { status?: number } | undefined,
  ): Promise<CoreJson> {
    const { hosts } = this.opts;
    const start = this.opts.now();
    const deadline = start + this.opts.timeoutMs;
    const init: RequestInit = {
      method,
      headers: this.headersFor(path, body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    let lastError: CoreUnreachableError | undefined;
    let retries429 = 0;
    const first = this.next++ % hosts.length;
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[(first + i) % hosts.length]!;
      for (;;) {
        const remaining = deadline - this.opts.now();
        if (remaining <= 0) {
          throw lastError ?? new CoreUnreachableError(`core call ${method} ${path} timed out`);
        }
        let res: Awaited<ReturnType<typeof fetchCapped>>;
        try {
          res = await fetchCapped(
            this.opts.fetch,
            `${host.origin}${host.basePath}${path}`,
            init,
            remaining,
            MAX_CORE_BYTES,
          );
        } catch (e) {
          if (e instanceof TooLargeError)
            throw new CoreBadResponseError(`core answer to ${method} ${path} is too large`);
          // fetchCapped rejects only for I/O: the network or the deadline.
          const why = e instanceof Error ? e.message : String(e);
          lastError = new CoreUnreachableError(`core ${host.origin} unreachable: ${why}`, { cause: e });
          break; // next host
        }
        if (seen !== undefined) seen.status = res.status;
        if (res.status === 429 && retries429 < RETRY_429_MS.length) {
          const wait = RETRY_429_MS[retries429++]!;
          if (this.opts.now() + wait >= deadline) break;
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (res.status !== 200) {
          throw new CoreHttpError(
            `SuperTokens core answered ${res.status} to ${method} ${path}: ${res.text.slice(0, 200)}`,
            res.status,
          );
        }
        let json: unknown;
        try {
          json = JSON.parse(res.text);
        } catch {
          json = undefined;
        }
        if (typeof json !== "object" || json === null || Array.isArray(json)) {
          throw new CoreBadResponseError(`core answer to ${method} ${path} is not a JSON object`);
        }
        return json as CoreJson;
      }
    }
    throw lastError ?? new CoreUnreachableError(`no core host answered ${method} ${path}`);
  }
}

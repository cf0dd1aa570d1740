import { jsonResponse } from "../http/answers.js";
import { readsAs, withoutCookies } from "../http/cookies.js";
import { isSpoofableHeader, setIdentityHeaders } from "../http/identity.js";
import { REFRESH_COOKIE } from "../http/transfer.js";
import type { Session } from "../session/session.js";

// What the front door sends to an origin: the canonical path on the configured origin, the client's headers
// minus everything a client could use to impersonate, reroute or smuggle, plus the headers only the front door
// can vouch for (identity, forwarding, the origin secret).

/** Hop-by-hop headers (RFC 9110 §7.6.1) and Host: never forwarded. (workerd shows a Worker no `Connection`.) */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/**
 * Headers some origins route by instead of the request line: an `x-` header naming a target or a method
 * (`X-Original-URL`, `X-Rewrite-URL`, `X-Original-URI`, `X-Envoy-Original-Path`, `X-HTTP-Method-Override`,
 * `X-HTTP-Method`, `X-Method-Override`, …). Names are compared with `_` read as `-`, as some servers fold them.
 */
const ROUTING_OVERRIDE = /^x-(?:[a-z0-9]+-)*(?:url|uri|path|method)(?:-override)?$/;

/** Headers that say who the client is or how it connected: only the front door may set them. */
const FORWARDING = /^(?:forwarded|x-forwarded-.*|(?:.*-)?client-ip|.*-ip)$/;

/** Any cookie some server could read as the refresh token. */
const looksLikeRefreshCookie = (rawName: string) => readsAs(rawName, REFRESH_COOKIE);

function isDroppedHeader(name: string): boolean {
  const n = name.toLowerCase().replace(/_/g, "-");
  return HOP_BY_HOP.has(n) || isSpoofableHeader(n) || ROUTING_OVERRIDE.test(n) || FORWARDING.test(n);
}

export interface ForwardContext {
  /** The request's own URL (its host and scheme are what `X-Forwarded-Host`/`-Proto` report). */
  url: URL;
  /** The client's address as the platform reports it (Cloudflare: `CF-Connecting-IP`), if known. */
  clientIp: string | undefined;
  session: Session | undefined;
  originSecret: string | undefined;
}

const quoted = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;

/** The headers the origin receives. */
export function upstreamHeaders(incoming: Headers, ctx: ForwardContext): Headers {
  const out = new Headers();
  for (const [name, value] of incoming) {
    if (isDroppedHeader(name)) continue;
    out.append(name, value);
  }
  // The refresh token never reaches an origin: only the front door's refresh API needs it.
  const cookie = withoutCookies(out.get("cookie"), looksLikeRefreshCookie);
  if (cookie === null) out.delete("cookie");
  else out.set("cookie", cookie);

  const proto = ctx.url.protocol.replace(/:$/, "");
  out.set("x-forwarded-host", ctx.url.host);
  out.set("x-forwarded-proto", proto);
  const forwarded = [`host=${quoted(ctx.url.host)}`, `proto=${proto}`];
  if (ctx.clientIp !== undefined) {
    out.set("x-forwarded-for", ctx.clientIp);
    out.set("x-real-ip", ctx.clientIp);
    forwarded.unshift(`for=${quoted(ctx.clientIp.includes(":") ? `[${ctx.clientIp}]` : ctx.clientIp)}`);
  }
  out.set("forwarded", forwarded.join(";"));
  if (ctx.session !== undefined) setIdentityHeaders(out, ctx.session);
  if (ctx.originSecret !== undefined) out.set("x-supertokens-origin-secret", ctx.originSecret);
  return out;
}

/**
 * The upstream URL: the canonical path set on the configured origin (under its base path), the request's query.
 * Never `new URL(path, origin)`, which would send `//evil.example/x` to another host. `undefined` when the URL
 * parser would not keep the path exactly as authorised (it always does for canonical paths; checked anyway).
 */
export function upstreamUrl(origin: URL, canonicalPath: string, search: string): string | undefined {
  const target = new URL(origin.href);
  const base = target.pathname.replace(/\/+$/, "");
  target.pathname = base + canonicalPath;
  target.search = search;
  target.hash = "";
  return target.pathname === base + canonicalPath ? target.toString() : undefined;
}

/**
 * One request to the origin within `timeoutMs` (until its headers), redirects not followed. Every failure is
 * a JSON answer with a stable code: unreachable → 502, too slow → 504, a status no HTTP client can pass on → 502.
 */
export async function fetchOrigin(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  const controller = new AbortController();
  const TIMEOUT = Symbol("timeout");
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Our own deadline, not only the abort signal: an injected fetch that ignores the signal must not hang us.
  let timedOut = false;
  const deadline = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve(TIMEOUT);
      controller.abort();
    }, timeoutMs);
  });
  let upstream: Response | typeof TIMEOUT;
  try {
    const request = fetchImpl(url, { ...init, redirect: "manual", signal: controller.signal });
    request.catch(() => {}); // the loser of the race must not surface as an unhandled rejection
    upstream = await Promise.race([request, deadline]);
  } catch (e) {
    if (timedOut) return jsonResponse(504, { message: "origin timeout", code: "ERR_ORIGIN_TIMEOUT" });
    console.error("supertokens-edge front door: origin unreachable:", e);
    return jsonResponse(502, { message: "origin unreachable", code: "ERR_ORIGIN_UNREACHABLE" });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (upstream === TIMEOUT) return jsonResponse(504, { message: "origin timeout", code: "ERR_ORIGIN_TIMEOUT" });
  if (upstream.status < 200 || upstream.status > 599) {
    await upstream.body?.cancel().catch(() => {});
    return jsonResponse(502, { message: "origin answered an invalid status", code: "ERR_ORIGIN_BAD_STATUS" });
  }
  return new Response(upstream.body, upstream);
}

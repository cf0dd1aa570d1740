// A Vercel Edge function built from the engine's source: test/node/edge-runtime.test.ts bundles it with esbuild
// for the browser platform (no Node built-ins can resolve) and evaluates it in Vercel's `edge-runtime`. The
// scenario routes call the engine's public API; every other request goes to the Next.js `sessionMiddleware`,
// as `middleware.ts` would export it. Inputs (tokens) come in request bodies; the core emulator runs in Node.
import { createSuperTokens } from "../../src/index.js";
import { sessionMiddleware } from "../../src/next/index.js";

// Only `process.env.SUPERTOKENS_CONNECTION_URI` exists: esbuild's `define` writes the emulator's URL in at build
// time. `process` itself stays undefined in the runtime (the globals route reports it).
declare const process: { env: Record<string, string | undefined> };
// Vercel's `edge-runtime` gives a service-worker global scope: one `fetch` listener answers `dispatchFetch`.
declare function addEventListener(
  type: "fetch",
  listener: (event: { request: Request; respondWith(r: Promise<Response>): void }) => void,
): void;

const st = createSuperTokens({
  connectionURI: process.env.SUPERTOKENS_CONNECTION_URI!,
  appInfo: { apiDomain: "https://app.example.com" },
});
const middleware = sessionMiddleware(st, { publicPaths: ["/"] });

async function verify(token: string) {
  const r = await st.getSessionWithoutRequestResponse(token, undefined, { antiCsrfCheck: false });
  return { status: r.status, userId: r.status === "OK" ? r.session?.getUserId() : undefined };
}

async function handle(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/__scenario/globals") {
    const g = globalThis as Record<string, unknown>;
    return Response.json({
      EdgeRuntime: g.EdgeRuntime,
      process: typeof g.process,
      require: typeof g.require,
      module: typeof g.module,
      Buffer: typeof g.Buffer,
      setImmediate: typeof g.setImmediate,
      subtle: typeof crypto.subtle,
    });
  }
  if (pathname === "/__scenario/verify") {
    const { tokens } = (await request.json()) as { tokens: Record<string, string> };
    const out: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(tokens)) out[name] = await verify(token);
    return Response.json(out);
  }
  if (pathname === "/__scenario/refresh") {
    const { refreshToken } = (await request.json()) as { refreshToken: string };
    const r = await st.refreshSessionWithoutRequestResponse(refreshToken, true);
    if (r.status !== "OK") return Response.json({ status: r.status });
    return Response.json({
      status: r.status,
      accessToken: r.session.getAccessToken(),
      verified: await verify(r.session.getAccessToken()),
    });
  }
  return middleware(request);
}

addEventListener("fetch", (event) => event.respondWith(handle(event.request)));

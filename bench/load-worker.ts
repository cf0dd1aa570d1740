// Bench-only Worker for `npm run bench:load` (bench/load.mjs): the front door, with the JWKS KV binding wrapped
// in a counting proxy, because KV reads cannot be seen from outside the Worker. Never deployed.
import { frontDoorWorker } from "../src/worker/index.js";
import type { FrontDoorEnv } from "../src/worker/index.js";

type Counts = Record<string, number>;
const counts: Counts = {};
// The front door keeps one FrontDoor per isolate, so the counts are per isolate: the id tells them apart
// (drawn on the first request: random values are not allowed in global scope).
let isolate: string | undefined;

let wrapped: { target: object; proxy: NonNullable<FrontDoorEnv["SUPERTOKENS_JWKS"]> } | undefined;

function counting<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts[String(prop)] = (counts[String(prop)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

export default {
  async fetch(request: Request, env: FrontDoorEnv): Promise<Response> {
    isolate ??= crypto.randomUUID();
    const path = new URL(request.url).pathname;
    if (path === "/__bench/kv") return Response.json({ isolate, counts });
    // Reference cases (BENCH_REFERENCE=1): what wrangler dev costs with no front door at all.
    if (path === "/__bench/echo") return new Response("ok\n", { headers: { "content-type": "text/plain" } });
    if (path.startsWith("/__bench/proxy/")) {
      const upstream = await fetch(`${env.ORIGIN_URL}${path.slice("/__bench/proxy".length)}`);
      return new Response(upstream.body, upstream);
    }
    const kv = env.SUPERTOKENS_JWKS;
    if (kv === undefined) return frontDoorWorker.fetch(request, env);
    // One proxy per binding object: the FrontDoor built on the first request keeps the store it was given.
    if (wrapped === undefined || wrapped.target !== kv) wrapped = { target: kv, proxy: counting(kv) };
    return frontDoorWorker.fetch(request, { ...env, SUPERTOKENS_JWKS: wrapped.proxy });
  },
};

import { fetchCapped } from "../core/transport.js";
import { JwksUnavailableError } from "../errors.js";
import type { Emit } from "../events.js";
import type { VerifyKey } from "../token/verify.js";
import type { JwksCacheStore } from "./store.js";

export interface RsaJwk {
  kty: "RSA";
  kid: string;
  n: string;
  e: string;
  alg?: string;
  use?: string;
}

interface KeySet {
  /** When the core answered with this set (ms, wall clock): decides freshness, also across isolates via KV. */
  fetchedAt: number;
  /** Per-isolate order of the loads that produced sets: an answer to an older load never replaces a newer one. */
  seq: number;
  keys: RsaJwk[];
  imported: Map<string, Promise<VerifyKey | undefined>>;
  /** Keys whose import finished: the hot path reads them without awaiting anything. */
  ready: Map<string, VerifyKey>;
}

export type KeyLookup =
  | { status: "FOUND"; key: VerifyKey }
  | { status: "UNKNOWN_KID" }
  | { status: "UNAVAILABLE"; error: JwksUnavailableError };

export type AllKeysLookup =
  | { status: "OK"; keys: VerifyKey[] }
  | { status: "UNAVAILABLE"; error: JwksUnavailableError };

export interface JwksManagerOptions {
  hosts: readonly { origin: string; basePath: string }[];
  fetch: typeof fetch;
  timeoutMs: number;
  refreshIntervalSec: number;
  cooldownMs: number;
  store: JwksCacheStore | undefined;
  now: () => number;
  /** Called when a newly installed set differs from the previous one (a key appeared or vanished). */
  onKeysChanged: () => void;
  emit: Emit;
}

const KV_MIN_TTL_SEC = 60;
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_KEYS = 64;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const MIN_MODULUS_BITS = 2048;

/** Keeps only well-formed RS256 signing keys; `undefined` when the document holds none. */
export function validateJwks(doc: unknown): RsaJwk[] | undefined {
  if (typeof doc !== "object" || doc === null || !Array.isArray((doc as { keys?: unknown }).keys)) return undefined;
  const out: RsaJwk[] = [];
  for (const k of (doc as { keys: unknown[] }).keys.slice(0, MAX_KEYS)) {
    if (typeof k !== "object" || k === null) continue;
    const j = k as Record<string, unknown>;
    if (j.kty !== "RSA" || typeof j.kid !== "string" || j.kid.length === 0 || j.kid.length > 256) continue;
    if (j.alg !== undefined && j.alg !== "RS256") continue;
    if (j.use !== undefined && j.use !== "sig") continue;
    // As jose's key set: a key that may not verify, or a member that is not a public key, is not used.
    if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && j.key_ops.includes("verify"))) continue;
    if (PRIVATE_MEMBERS.some((m) => j[m] !== undefined)) continue;
    // 2048- to 8192-bit moduli: 342..1366 base64url characters, no leading zero byte (which would let a shorter
    // modulus pass the length test; importRsaKey also checks the imported modulusLength).
    if (
      typeof j.n !== "string" ||
      j.n.length < 342 ||
      j.n.length > 1366 ||
      !BASE64URL.test(j.n) ||
      j.n.startsWith("AA")
    )
      continue;
    if (typeof j.e !== "string" || j.e.length === 0 || j.e.length > 8 || !BASE64URL.test(j.e)) continue;
    out.push({ kty: "RSA", kid: j.kid, n: j.n, e: j.e, alg: "RS256", use: "sig" });
  }
  return out.length > 0 ? out : undefined;
}

function fingerprint(keys: RsaJwk[]): string {
  return keys
    .map((k) => `${k.kid}:${k.n}:${k.e}`)
    .sort()
    .join("|");
}

/** A key id the core published before must keep its key: kids are unique per key (`d-<ms>`, `s-<uuid>`). */
function changesAKnownKey(prev: RsaJwk[], next: RsaJwk[]): boolean {
  const known = new Map(prev.map((k) => [k.kid, `${k.n}:${k.e}`]));
  return next.some((k) => known.has(k.kid) && known.get(k.kid) !== `${k.n}:${k.e}`);
}

/**
 * WebCrypto imports (and validates) the JWK for RSASSA-PKCS1-v1_5/SHA-256 verification only, its `alg` pinned
 * to RS256; jose's `importJWK` does the same through a table of every JOSE algorithm (≈2 KB gzipped of the
 * front door's 20 KB budget). test/workers/verify-vs-jose.test.ts checks the keys and verdicts agree with jose.
 */
async function importRsaKey(jwk: RsaJwk): Promise<VerifyKey | undefined> {
  try {
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true },
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const bits = (key.algorithm as { modulusLength?: number }).modulusLength;
    return bits !== undefined && bits >= MIN_MODULUS_BITS ? key : undefined;
  } catch {
    return undefined;
  }
}

/** `promise`, or `undefined` after `ms` (a slow store must not hold verification up). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    return await Promise.race([promise, late]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Whether `flight` settles within `ms`. */
async function settlesWithin(flight: Promise<void>, ms: number): Promise<boolean> {
  return (
    (await within(
      flight.then(() => true),
      ms,
    )) === true
  );
}

/**
 * The core's key set, kept in isolate memory and (optionally) in a shared store such as Workers KV with
 * TTL = `jwksRefreshIntervalSec`, so a fleet of isolates costs the core about one JWKS fetch per interval.
 *
 * - stale or missing → one shared load: the store first (another isolate may have refreshed it), then the core;
 * - unknown `kid` → one reload (store, then core), at most once per `cooldownMs`;
 * - a failed reload keeps serving the stale set; an older answer never replaces a newer one.
 */
export class JwksManager {
  private current: KeySet | undefined;
  private lastReloadAt = Number.NEGATIVE_INFINITY;
  private lastError: JwksUnavailableError | undefined;
  private pending: Promise<void> | undefined;
  private storeKey: Promise<string> | undefined;
  private loads = 0;
  /** How many loads have finished: a waiter returns once any load that overlapped its wait has. */
  private settled = 0;
  private readonly opts: JwksManagerOptions;
  private readonly joinDeadlineMs: number;

  constructor(opts: JwksManagerOptions) {
    this.opts = opts;
    this.joinDeadlineMs = Math.min(1000, opts.timeoutMs);
  }

  /** The key for `kid` when the set is fresh and the key already imported; otherwise use `getKey`. */
  readyKey(kid: string): VerifyKey | undefined {
    const set = this.current;
    return set !== undefined && this.isFresh(set) ? set.ready.get(kid) : undefined;
  }

  async getKey(kid: string): Promise<KeyLookup> {
    const set = await this.freshSet();
    if (set === undefined) return { status: "UNAVAILABLE", error: this.unavailable() };
    const found = await this.lookup(set, kid);
    if (found) return { status: "FOUND", key: found };
    if (this.cooledDown()) {
      await this.reload(kid);
      const again = this.current && (await this.lookup(this.current, kid));
      if (again) return { status: "FOUND", key: again };
    }
    // The key may exist but the core cannot tell us now: that is an outage, not a bad token.
    if (this.lastError !== undefined) return { status: "UNAVAILABLE", error: this.lastError };
    return { status: "UNKNOWN_KID" };
  }

  /** Every key (legacy v2 tokens carry no `kid`). */
  async getAllKeys(): Promise<AllKeysLookup> {
    const set = await this.freshSet();
    if (set === undefined) return { status: "UNAVAILABLE", error: this.unavailable() };
    const keys = await Promise.all(set.keys.map((k) => this.lookup(set, k.kid)));
    return { status: "OK", keys: keys.filter((k): k is VerifyKey => k !== undefined) };
  }

  /** The key set currently held in memory (for tests and diagnostics). */
  get snapshot(): { fetchedAt: number; kids: string[] } | undefined {
    return this.current && { fetchedAt: this.current.fetchedAt, kids: this.current.keys.map((k) => k.kid) };
  }

  /** True once the cooldown has passed since the last load (or the clock stepped back behind it). */
  private cooledDown(): boolean {
    const elapsed = this.opts.now() - this.lastReloadAt;
    return elapsed < 0 || elapsed >= this.opts.cooldownMs;
  }

  private unavailable(): JwksUnavailableError {
    return this.lastError ?? new JwksUnavailableError("no JWKS available from the core");
  }

  private lookup(set: KeySet, kid: string): Promise<VerifyKey | undefined> {
    let p = set.imported.get(kid);
    if (p === undefined) {
      const jwk = set.keys.find((k) => k.kid === kid);
      if (jwk === undefined) return Promise.resolve(undefined);
      p = importRsaKey(jwk).then((key) => {
        if (key !== undefined) set.ready.set(kid, key);
        return key;
      });
      set.imported.set(kid, p);
    }
    return p;
  }

  private isFresh(set: KeySet): boolean {
    return this.opts.now() - set.fetchedAt < this.opts.refreshIntervalSec * 1000;
  }

  private async freshSet(): Promise<KeySet | undefined> {
    const set = this.current;
    if (set !== undefined && this.isFresh(set)) return set;
    // Stale: try to renew, but a failed renewal (cooldown-limited) keeps serving the stale set.
    if (set === undefined || this.cooledDown()) {
      await this.reload(undefined);
    }
    return this.current;
  }

  /**
   * One load shared by every concurrent caller of this isolate. A caller waits for someone else's load only
   * until `joinDeadlineMs`: on Workers the load's owner request may be cancelled, leaving its promise forever
   * pending (jose issues #355, #509), so a waiter then takes over with a load of its own, which the others join.
   * The owner of a load that is merely slow keeps waiting for it (bounded by the fetch deadline) unless somebody
   * took over: giving up would only fetch the JWKS twice.
   */
  private async reload(wantedKid: string | undefined): Promise<void> {
    const seen = this.settled;
    let flight = this.pending;
    let owner = false;
    if (flight === undefined) {
      flight = this.startLoad(wantedKid);
      owner = true;
    }
    // Every load settles within its fetch deadlines (per host); a few rounds more cover the store and a takeover.
    const rounds = Math.ceil(((this.opts.hosts.length + 1) * this.opts.timeoutMs) / this.joinDeadlineMs) + 2;
    for (let round = 0; round < rounds; round++) {
      if (await settlesWithin(flight, this.joinDeadlineMs)) return;
      if (this.settled !== seen) return; // a load that started later (a takeover) has finished meanwhile
      if (this.pending !== undefined && this.pending !== flight) {
        flight = this.pending; // somebody took over: join that load
        owner = false;
        continue;
      }
      if (owner) continue; // our own load, merely slow: keep waiting (and watching for a takeover)
      if (this.pending === flight) this.pending = undefined; // abandon the stranded flight and take over
      flight = this.startLoad(wantedKid);
      owner = true;
    }
  }

  private startLoad(wantedKid: string | undefined): Promise<void> {
    const flight: Promise<void> = this.load(wantedKid).finally(() => {
      this.settled++;
      if (this.pending === flight) this.pending = undefined;
    });
    this.pending = flight;
    return flight;
  }

  private async load(wantedKid: string | undefined): Promise<void> {
    this.lastReloadAt = this.opts.now();
    const storeStart = this.opts.now();
    const fromStore = await this.readStore(++this.loads);
    if (fromStore !== undefined && this.isFresh(fromStore) && this.install(fromStore, true)) {
      this.report("kv", storeStart, fromStore.keys);
      // Another isolate refreshed the set; for an unknown kid it only helps if it has that kid.
      if (wantedKid === undefined || fromStore.keys.some((k) => k.kid === wantedKid)) {
        this.lastError = undefined;
        return;
      }
    }
    const startedAt = this.opts.now();
    const seq = ++this.loads;
    let lastError: JwksUnavailableError | undefined;
    for (const host of this.opts.hosts) {
      let res: Awaited<ReturnType<typeof fetchCapped>>;
      try {
        res = await fetchCapped(
          this.opts.fetch,
          `${host.origin}${host.basePath}/.well-known/jwks.json`,
          { method: "GET" },
          this.opts.timeoutMs,
          MAX_JWKS_BYTES,
        );
      } catch (e) {
        // fetchCapped rejects only for I/O: the network, the deadline, the size cap.
        lastError = new JwksUnavailableError(`JWKS request failed: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        });
        continue;
      }
      if (res.status !== 200) {
        lastError = new JwksUnavailableError(`JWKS request answered ${res.status}`);
        continue;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(res.text);
      } catch {
        doc = undefined;
      }
      const keys = validateJwks(doc);
      if (keys === undefined) {
        lastError = new JwksUnavailableError("the core's JWKS holds no usable RS256 key");
        continue;
      }
      if (this.current !== undefined && changesAKnownKey(this.current.keys, keys)) {
        lastError = new JwksUnavailableError("the core's JWKS changed the key of a known kid: answer ignored");
        continue;
      }
      const set: KeySet = { fetchedAt: startedAt, seq, keys, imported: new Map(), ready: new Map() };
      if (this.install(set)) await this.writeStore(set);
      this.report("core", startedAt, keys);
      this.lastError = undefined;
      // As jose: the unknown-kid cooldown counts from the last successful fetch (a failed one still throttles).
      this.lastReloadAt = this.opts.now();
      return;
    }
    this.lastError = lastError;
    this.report("memory", startedAt, this.current?.keys ?? [], lastError);
  }

  private report(source: "memory" | "kv" | "core", since: number, keys: RsaJwk[], error?: JwksUnavailableError): void {
    const emit = this.opts.emit;
    if (emit === undefined) return;
    emit({
      type: "jwks",
      source,
      ms: this.opts.now() - since,
      kids: keys.map((k) => k.kid),
      ...(error ? { error: error.code } : {}),
    });
  }

  /** Installs `set` unless we already hold a newer one; reports whether it was installed. */
  private install(set: KeySet, fromStore = false): boolean {
    const prev = this.current;
    if (prev !== undefined && prev.seq >= set.seq) return false;
    // A stored set must also be newer in content: KV may still serve the set this isolate already has.
    if (prev !== undefined && fromStore && prev.fetchedAt >= set.fetchedAt) return false;
    if (prev !== undefined && changesAKnownKey(prev.keys, set.keys)) return false;
    this.current = set;
    if (prev === undefined) return true;
    if (fingerprint(prev.keys) === fingerprint(set.keys)) {
      // Same keys: keep the imported CryptoKeys (and the verified-token cache).
      set.imported = prev.imported;
      set.ready = prev.ready;
    } else {
      this.opts.onKeysChanged();
    }
    return true;
  }

  private key(): Promise<string> {
    this.storeKey ??= (async () => {
      const ids = this.opts.hosts
        .map((h) => `${h.origin}${h.basePath}`)
        .sort()
        .join(";");
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ids));
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      return `supertokens-edge:jwks:v1:${hex.slice(0, 32)}`;
    })();
    return this.storeKey;
  }

  private async readStore(seq: number): Promise<KeySet | undefined> {
    const store = this.opts.store;
    if (store === undefined) return undefined;
    try {
      const got = store.get(await this.key());
      got.catch(() => {}); // a read still pending after the deadline must not surface as an unhandled rejection
      const raw = await within(got, this.joinDeadlineMs);
      if (typeof raw !== "string") return undefined;
      const doc = JSON.parse(raw) as { fetchedAt?: unknown; keys?: unknown };
      const keys = validateJwks(doc);
      if (keys === undefined || typeof doc.fetchedAt !== "number") return undefined;
      return { fetchedAt: doc.fetchedAt, seq, keys, imported: new Map(), ready: new Map() };
    } catch {
      return undefined; // a failing store never blocks verification: the core is next
    }
  }

  private async writeStore(set: KeySet): Promise<void> {
    const store = this.opts.store;
    if (store === undefined) return;
    try {
      const put = store.put(await this.key(), JSON.stringify({ fetchedAt: set.fetchedAt, keys: set.keys }), {
        expirationTtl: Math.max(KV_MIN_TTL_SEC, Math.ceil(this.opts.refreshIntervalSec)),
      });
      put.catch(() => {}); // a put still pending after the deadline must not surface as an unhandled rejection
      await within(put, this.joinDeadlineMs);
    } catch {
      // Best effort: the next isolate will ask the core.
    }
  }
}

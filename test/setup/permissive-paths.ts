// A model of how permissive origins resolve a request path, as a pure function (no Node or Workers imports, so
// the Node permissive origin, the workerd fuzz test and scripts/fuzz.mjs share it).
//
// Origins behind a front door disagree on what a path means. Apache and Express `serve-static` percent-decode it
// (`%2f` included) and resolve dot segments; IIS and chains of proxies decode it twice; Windows servers read `\`
// as `/`; Tomcat, Jetty and Spring drop `;params` from every segment, so `/..;/` is `/../`; old Java and IIS
// decoders accept overlong UTF-8 (`%C0%AE` is `.`). `interpretations(raw)` applies every sequence of those steps
// (each as often as it changes something, decoding at most twice) and then resolves dot segments, with and
// without merging slashes first. A path is safe to forward without a session only if EVERY interpretation stays
// where the front door decided the request goes.
//
// `extended: true` adds steps no spec point covers yet (Unicode NFKC folding as Windows "best fit" and NFKC
// filesystems do, IIS `%uXXXX` escapes, a query cut after decoding, trailing spaces dropped per segment): they
// are reported separately, not counted as violations of the spec.

export interface Interpretation {
  /** The path the origin would look up. */
  path: string;
  /** The steps that produced it, e.g. "decode>params>resolve". */
  how: string;
}

type Step = (s: string) => string;

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * Lenient UTF-8: valid sequences decode normally, overlong forms decode to the code point they spell (as old Java
 * and IIS decoders do: C0 AE is "."), surrogates are kept, a byte that starts nothing valid stays one char (its
 * Latin-1 value), so no byte is ever lost.
 */
function lenientUtf8(bytes: number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b >= 0xc0 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf8 ? 3 : 0;
    let ok = need > 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) ok = i + k < bytes.length && (bytes[i + k]! & 0xc0) === 0x80;
    if (!ok) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
    out += cp > 0x10ffff ? String.fromCharCode(...bytes.slice(i, i + need + 1)) : String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Percent-decodes every valid `%XX` (invalid escapes stay as they are); non-ASCII chars are kept as chars. */
export function percentDecode(s: string): string {
  let out = "";
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += lenientUtf8(bytes);
    bytes = [];
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%" && HEX.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += s[i];
    }
  }
  flush();
  return out;
}

const STEPS: Record<string, Step> = {
  decode: percentDecode,
  // Tomcat ALLOW_ENCODED_SLASH, Apache AllowEncodedSlashes: only the slashes are decoded.
  slashes: (s) => s.replace(/%2f/gi, "/").replace(/%5c/gi, "\\"),
  backslash: (s) => s.replace(/\\/g, "/"),
  // Servlet path parameters: `/a;x=1/b` is `/a/b`, `/..;/` is `/../`.
  params: (s) =>
    s
      .split("/")
      .map((seg) => seg.split(";")[0]!)
      .join("/"),
};

const EXTENDED_STEPS: Record<string, Step> = {
  nfkc: (s) => s.normalize("NFKC"),
  "u-escapes": (s) => s.replace(/%u([0-9A-Fa-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
  "query-cut": (s) => s.replace(/[?#].*$/s, ""),
  "trailing-space": (s) =>
    s
      .split("/")
      .map((seg) => seg.replace(/ +$/, ""))
      .join("/"),
};

/** RFC 3986 remove_dot_segments on an absolute path ("/.." above the root stays at the root). */
export function resolveDotSegments(path: string): string {
  const input = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < input.length; i++) {
    const seg = input[i]!;
    const last = i === input.length - 1;
    if (seg === "." || seg === "..") {
      if (seg === "..") out.pop();
      if (last) out.push("");
      continue;
    }
    out.push(seg);
  }
  return `/${out.join("/")}`;
}

const mergeSlashes = (s: string) => s.replace(/\/{2,}/g, "/");

/** At most this many distinct intermediate strings per path (a bound for pathological inputs). */
const MAX_STATES = 400;

/**
 * Every path a permissive origin could derive from `raw` (a path as received: no query). The first entry is the
 * plain reading: decode once, resolve dot segments.
 */
export function interpretations(raw: string, opts: { extended?: boolean } = {}): Interpretation[] {
  const path = raw.startsWith("/") ? raw : `/${raw}`;
  const steps = opts.extended ? { ...STEPS, ...EXTENDED_STEPS } : STEPS;
  // state: string → [how, decodes used]
  const seen = new Map<string, { how: string; decodes: number }>([[path, { how: "", decodes: 0 }]]);
  const queue = [path];
  while (queue.length > 0 && seen.size < MAX_STATES) {
    const s = queue.shift()!;
    const { how, decodes } = seen.get(s)!;
    for (const [name, step] of Object.entries(steps)) {
      const isDecode = name === "decode" || name === "u-escapes";
      if (isDecode && decodes >= 2) continue;
      const next = step(s);
      if (next === s) continue;
      const d = decodes + (isDecode ? 1 : 0);
      const prev = seen.get(next);
      if (prev !== undefined && prev.decodes <= d) continue;
      seen.set(next, { how: how ? `${how}>${name}` : name, decodes: d });
      queue.push(next);
    }
  }
  const out = new Map<string, string>();
  const add = (p: string, how: string) => {
    const normal = p.startsWith("/") ? p : `/${p}`;
    if (!out.has(normal)) out.set(normal, how);
  };
  // The plain reading first, so a report names the most common origin behaviour when it is the culprit.
  add(resolveDotSegments(percentDecode(path)), "decode>resolve");
  for (const [s, { how }] of seen) {
    const prefix = how ? `${how}>` : "";
    add(resolveDotSegments(s), `${prefix}resolve`);
    add(resolveDotSegments(mergeSlashes(s)), `${prefix}merge>resolve`);
  }
  return [...out].map(([p, how]) => ({ path: p, how }));
}

/** The fuzz's deployment: PUBLIC_PATHS=/,/public/*, `/auth/*` forwarded anonymously, everything else protected. */
export function isProtectedPath(path: string, apiBasePath = "/auth"): boolean {
  if (path === "/" || path.startsWith("/public/")) return false;
  if (path === apiBasePath || path.startsWith(`${apiBasePath}/`)) return false;
  return true;
}

/** Under `/private/` (any case: Windows and macOS origins fold case), where the permissive origin keeps its secret. */
export function isPrivatePath(path: string): boolean {
  const p = path.toLowerCase();
  return p === "/private" || p.startsWith("/private/");
}

/**
 * The first interpretation of `raw` (a path forwarded WITHOUT a session) that a permissive origin would serve
 * from a protected path, or undefined if every interpretation stays public / under the auth routes.
 */
export function protectedInterpretation(
  raw: string,
  opts: { extended?: boolean; apiBasePath?: string } = {},
): Interpretation | undefined {
  return interpretations(raw, opts).find((i) => isProtectedPath(i.path, opts.apiBasePath));
}

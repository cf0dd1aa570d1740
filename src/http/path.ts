// The one canonical path of a request. Every decision (own routes, PUBLIC_PATHS, the auth subtree, protection)
// is taken on this string, and the front door forwards exactly this string, so an origin that decodes or
// resolves paths its own way cannot be shown a path other than the one that was authorised. A path whose
// meaning depends on how a server decodes it is refused (Envoy's `normalize_path` + `merge_slashes` +
// `path_with_escaped_slashes_action: REJECT_REQUEST`, as Istio recommends in front of authorization policies).

export type PathRejection =
  | "invalid-escape"
  | "invalid-utf8"
  | "encoded-slash"
  | "double-encoding"
  | "control-character"
  | "backslash"
  | "dot-segment"
  | "unicode-lookalike";

export type CanonicalPath = { ok: true; path: string } | { ok: false; reason: PathRejection };

export interface CanonicalPathOptions {
  /** Keep `%2F` / `%5C` (encoded, uppercase) instead of refusing them. Dot segments between them are still refused. */
  allowEncodedSlashes?: boolean | undefined;
}

const HEX = "0123456789ABCDEF";
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 0x20) - 87);
/** RFC 3986 unreserved: an escape of one of these means the character itself, for every server. */
const isUnreserved = (b: number) =>
  (b >= 65 && b <= 90) ||
  (b >= 97 && b <= 122) ||
  (b >= 48 && b <= 57) ||
  b === 45 ||
  b === 46 ||
  b === 95 ||
  b === 126;
const percent = (b: number) => `%${HEX[b >> 4]}${HEX[b & 15]}`;

/** Length of the UTF-8 sequence a lead byte starts; 0 when it cannot start one. */
function utf8Length(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0; // 0x80–0xC1 (continuations, overlong leads) and 0xF5–0xFF never start a sequence
}

function validContinuation(lead: number, i: number, b: number): boolean {
  if (b < 0x80 || b > 0xbf) return false;
  if (i !== 1) return true;
  // The second byte bounds what the lead allows: no overlong forms, no surrogates, nothing above U+10FFFF.
  if (lead === 0xe0) return b >= 0xa0;
  if (lead === 0xed) return b <= 0x9f;
  if (lead === 0xf0) return b >= 0x90;
  if (lead === 0xf4) return b <= 0x8f;
  return true;
}

/** The byte an escape at `j` stands for, or `undefined` when there is no valid escape there. */
function byteAt(s: string, j: number): number | undefined {
  return s.charCodeAt(j) === 37 && isHex(s.charCodeAt(j + 1)) && isHex(s.charCodeAt(j + 2))
    ? (hexValue(s.charCodeAt(j + 1)) << 4) | hexValue(s.charCodeAt(j + 2))
    : undefined;
}

/** A piece some server would read as a dot segment: only dots and spaces (IIS trims trailing ones), with a dot. */
const LOOKS_LIKE_DOTS = /^[. ]*\.[. ]*$/;
const NON_ASCII = /[^\x00-\x7f]/;

/** Whether a decoded segment, split where some server would split it (`/`, `\`, `;params`), has a dot segment. */
function readsAsDots(decoded: string): boolean {
  for (const piece of decoded.split(/[/\\]/)) if (LOOKS_LIKE_DOTS.test(piece.split(";")[0]!)) return true;
  return false;
}

/**
 * The canonical form of `pathname` (as `new URL(request.url).pathname` gives it), or why it is refused:
 * every escape valid hex and valid UTF-8; no escaped `/` or `\`, no escaped `%` starting another escape, no
 * control character, no raw `\`, no segment that becomes a dot segment once its `;params` are dropped.
 * Then: escapes of unreserved characters decoded, other escapes upper-cased, dot segments resolved, runs of
 * `/` merged.
 */
export function canonicalPath(pathname: string, options: CanonicalPathOptions = {}): CanonicalPath {
  const allowSlashes = options.allowEncodedSlashes === true;
  /** What the character (or escape) at `j` reads as once decoded, and how many characters it spans. */
  const unitAt = (j: number): { value: number; width: number } | undefined => {
    if (j >= pathname.length) return undefined;
    const escaped = byteAt(pathname, j);
    return escaped === undefined ? { value: pathname.charCodeAt(j), width: 1 } : { value: escaped, width: 3 };
  };
  const segments: string[] = [];
  let out = ""; // the current segment, canonical
  let decoded = ""; // the current segment fully decoded (what the most permissive server sees), for the dot check
  let trailingSlash = false;

  const endSegment = (): PathRejection | undefined => {
    if (out === "") return undefined; // an empty segment: slashes merge
    if (out === "." || out === "..") {
      if (out === "..") segments.pop();
      trailingSlash = true;
    } else {
      if (readsAsDots(decoded)) return "dot-segment";
      // Servers with Unicode "best fit" or NFKC folding (Windows, some frameworks) read `．．／` as `../`.
      if (NON_ASCII.test(decoded)) {
        const folded = decoded.normalize("NFKC");
        if (folded !== decoded && (/[/\\%]/.test(folded) || readsAsDots(folded))) return "unicode-lookalike";
      }
      segments.push(out);
      trailingSlash = false;
    }
    out = "";
    decoded = "";
    return undefined;
  };

  let i = pathname.startsWith("/") ? 1 : 0;
  while (i < pathname.length) {
    const c = pathname.charCodeAt(i);
    if (c === 47 /* / */) {
      const bad = endSegment();
      if (bad) return { ok: false, reason: bad };
      trailingSlash = true;
      i++;
      continue;
    }
    if (c === 92 /* \ */) return { ok: false, reason: "backslash" };
    if (c < 0x20 || c === 0x7f) return { ok: false, reason: "control-character" };
    if (c !== 37 /* % */) {
      trailingSlash = false;
      // A URL parser escapes anything above `~`; do the same for a pathname that did not come from one.
      const ch = c > 0x7e ? String.fromCodePoint(pathname.codePointAt(i)!) : pathname[i]!;
      out += c > 0x7e ? encodeURIComponent(ch) : ch;
      decoded += ch;
      i += ch.length;
      continue;
    }
    // An escape, or a run of escapes forming one UTF-8 character.
    const b = byteAt(pathname, i);
    if (b === undefined) return { ok: false, reason: "invalid-escape" };
    trailingSlash = false;
    if (b < 0x80) {
      if (b < 0x20 || b === 0x7f) return { ok: false, reason: "control-character" };
      if (b === 0x2f || b === 0x5c) {
        if (!allowSlashes) return { ok: false, reason: "encoded-slash" };
      }
      if (b === 0x25) {
        // `%25` followed by what reads as two hex digits (raw or escaped): decoding twice changes the path.
        const first = unitAt(i + 3);
        const second = first === undefined ? undefined : unitAt(i + 3 + first.width);
        if (first !== undefined && second !== undefined && isHex(first.value) && isHex(second.value)) {
          return { ok: false, reason: "double-encoding" };
        }
      }
      out += isUnreserved(b) ? String.fromCharCode(b) : percent(b);
      decoded += String.fromCharCode(b);
      i += 3;
      continue;
    }
    const length = utf8Length(b);
    if (length === 0) return { ok: false, reason: "invalid-utf8" };
    for (let k = 1; k < length; k++) {
      const next = byteAt(pathname, i + 3 * k);
      if (next === undefined || !validContinuation(b, k, next)) return { ok: false, reason: "invalid-utf8" };
    }
    const run = pathname.slice(i, i + 3 * length).toUpperCase();
    out += run;
    decoded += decodeURIComponent(run); // valid UTF-8, checked above
    i += 3 * length;
  }
  const bad = endSegment();
  if (bad) return { ok: false, reason: bad };
  const path = `/${segments.join("/")}`;
  return { ok: true, path: trailingSlash && segments.length > 0 ? `${path}/` : path };
}

// Strict decoders: a token segment that is not exactly the grammar below is malformed, full stop. "Canonical"
// means one spelling per byte string: no padding in base64url, and the unused low bits of the last character
// zero (RFC 4648 §3.5), so a token cannot be re-spelt into a different string that decodes to the same bytes.
const URL_ALPHABET = /^[A-Za-z0-9_-]*$/;
const STD_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

/** charCode → 6-bit value for both alphabets (`-`/`+` = 62, `_`/`/` = 63); 255 elsewhere. */
const VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) {
  VALUE["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
}
VALUE["-".charCodeAt(0)] = 62;
VALUE["_".charCodeAt(0)] = 63;

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const textEncoder = new TextEncoder();

/** True when the character at `i`, the last of a chunk of `used` characters (2 or 3), has no stray low bits. */
function spareBitsClear(segment: string, i: number, used: number): boolean {
  const v = VALUE[segment.charCodeAt(i)]!;
  return used === 2 ? (v & 0x0f) === 0 : used === 3 ? (v & 0x03) === 0 : true;
}

/** True when `segment` is canonical base64url without padding (RFC 7515 §2), without decoding it. */
export function isBase64Url(segment: string): boolean {
  const rest = segment.length % 4;
  return rest !== 1 && URL_ALPHABET.test(segment) && spareBitsClear(segment, segment.length - 1, rest);
}

function binaryToBytes(binary: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Canonical standard base64 with padding (legacy v1/v2 tokens); `undefined` when not in that grammar. */
export function decodeBase64Std(segment: string): Uint8Array<ArrayBuffer> | undefined {
  if (segment.length % 4 !== 0 || !STD_ALPHABET.test(segment)) return undefined;
  const pad = segment.endsWith("==") ? 2 : segment.endsWith("=") ? 1 : 0;
  if (pad > 0 && !spareBitsClear(segment, segment.length - pad - 1, 4 - pad)) return undefined;
  try {
    return binaryToBytes(atob(segment));
  } catch {
    return undefined;
  }
}

/** Canonical base64url → the decoded bytes as a binary string (one char per byte); `undefined` when not canonical. */
export function decodeBase64UrlToBinary(segment: string): string | undefined {
  if (!isBase64Url(segment)) return undefined;
  try {
    return atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
}

type FromBase64 = (s: string, o: { alphabet: "base64url" }) => Uint8Array<ArrayBuffer>;
const fromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
/** Node's and Bun's global `Buffer`, where there is one: a native decoder on runtimes without `fromBase64`. */
const nodeBuffer = (globalThis as { Buffer?: { from(s: string, encoding: string): Uint8Array<ArrayBuffer> } }).Buffer;

/**
 * Canonical base64url → bytes (the signature): the runtime's native decoder (`Uint8Array.fromBase64`, else a
 * global `Buffer`), after the grammar check — both would accept what `isBase64Url` refuses.
 */
export function decodeBase64UrlToBytes(segment: string): Uint8Array<ArrayBuffer> | undefined {
  if (!isBase64Url(segment)) return undefined;
  if (fromBase64 !== undefined) {
    try {
      return fromBase64(segment, { alphabet: "base64url" });
    } catch {
      return undefined;
    }
  }
  if (nodeBuffer !== undefined) return nodeBuffer.from(segment, "base64url");
  const binary = decodeBase64UrlToBinary(segment);
  return binary === undefined ? undefined : binaryToBytes(binary);
}

/** The bytes of an ASCII string (a token's signing input, already checked to be base64url and dots). */
export function asciiBytes(text: string): Uint8Array<ArrayBuffer> {
  return nodeBuffer !== undefined
    ? nodeBuffer.from(text, "latin1")
    : (textEncoder.encode(text) as Uint8Array<ArrayBuffer>);
}

const NON_ASCII = /[\x80-\xff]/;

/** Canonical base64url → strict UTF-8 text; `undefined` when either is not what it must be. */
export function decodeBase64UrlToText(segment: string): string | undefined {
  const binary = decodeBase64UrlToBinary(segment);
  return binary === undefined ? undefined : binaryToText(binary);
}

/**
 * A decoded binary string as text: strict UTF-8 (a BOM is kept, so JSON refuses it). Payloads are nearly always
 * ASCII, where the binary string already is the text: no byte array, no decoder.
 */
export function binaryToText(binary: string): string | undefined {
  return NON_ASCII.test(binary) ? utf8Decode(binaryToBytes(binary)) : binary;
}

export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return textEncoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Standard base64 with padding of the UTF-8 bytes of `text` (the `front-token` encoding). */
export function encodeBase64Utf8(text: string): string {
  const bytes = textEncoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function encodeBase64UrlUtf8(text: string): string {
  return encodeBase64Utf8(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

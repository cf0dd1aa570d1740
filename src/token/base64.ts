// Strict decoders: a token segment that is not exactly the grammar below is malformed, full stop.
const URL_ALPHABET = /^[A-Za-z0-9_-]*$/;
const STD_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const textEncoder = new TextEncoder();

function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

type FromBase64 = (s: string, o: { alphabet: "base64url" | "base64"; lastChunkHandling?: string }) => Uint8Array;
// The native decoder (workerd, Node 25+, recent browsers) is several times faster than atob + a copy loop.
const nativeFromBase64 = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;

/** True when `segment` is base64url without padding (RFC 7515 §2), without decoding it. */
export function isBase64Url(segment: string): boolean {
  return segment.length % 4 !== 1 && URL_ALPHABET.test(segment);
}

/** base64url without padding (RFC 7515 §2); `undefined` when the input is not in that grammar. */
export function decodeBase64Url(segment: string): Uint8Array | undefined {
  if (!isBase64Url(segment)) return undefined;
  try {
    if (nativeFromBase64 !== undefined) return nativeFromBase64(segment, { alphabet: "base64url" });
    return binaryToBytes(atob(segment.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return undefined;
  }
}

/** Standard base64 with padding (legacy v1/v2 tokens); `undefined` when not in that grammar. */
export function decodeBase64Std(segment: string): Uint8Array | undefined {
  if (segment.length % 4 !== 0 || !STD_ALPHABET.test(segment)) return undefined;
  try {
    return binaryToBytes(atob(segment));
  } catch {
    return undefined;
  }
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

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

/** True when `segment` is base64url without padding (RFC 7515 §2), without decoding it. */
export function isBase64Url(segment: string): boolean {
  return segment.length % 4 !== 1 && URL_ALPHABET.test(segment);
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

const NON_ASCII = /[\x80-\xff]/;

/**
 * base64url → text (UTF-8), `undefined` when not in the grammar or not valid UTF-8. Payloads are nearly always
 * ASCII, where the binary string already is the text: no byte array, no decoder.
 */
export function decodeBase64UrlToText(segment: string): string | undefined {
  if (!isBase64Url(segment)) return undefined;
  let binary: string;
  try {
    binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
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

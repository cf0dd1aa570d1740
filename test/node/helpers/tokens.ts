// Token pieces, decoded and encoded with Buffer (Node only; the workerd side has test/workers/helpers).

/** A base64url or base64 segment as UTF-8 JSON (Buffer reads both alphabets, as supertokens-node does). */
export const decodeJsonSegment = (segment: string): unknown =>
  JSON.parse(Buffer.from(segment, "base64").toString("utf8"));

/** The (unverified) header of a JWT. */
export const jwtHeader = (token: string) => decodeJsonSegment(token.split(".")[0] ?? "") as Record<string, unknown>;

/** The (unverified) payload of a JWT. */
export const jwtPayload = (token: string) => decodeJsonSegment(token.split(".")[1] ?? "") as Record<string, unknown>;

export const b64url = (text: string): string => Buffer.from(text, "utf8").toString("base64url");
export const b64std = (text: string): string => Buffer.from(text, "utf8").toString("base64");

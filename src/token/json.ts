export type JsonObject = Record<string, unknown>;

// Strict JSON for token segments: what JSON.parse accepts, minus duplicate member names (JSON.parse keeps the
// last one silently, so two readers of one token could see two different `sub`s) — and no BOM, which
// JSON.parse already refuses as long as the decoder keeps it (base64.ts does).

/** Every member name in the text: a string literal followed by `:` (valid JSON only, so strings never overlap). */
const MEMBER_NAME = /"(?:[^"\\]|\\.)*"\s*:/g;

function countMembers(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += countMembers(v);
    return n;
  }
  for (const k in value) n += 1 + countMembers((value as JsonObject)[k]);
  return n;
}

/** The object in `text`, or `undefined` when it is not a JSON object or repeats a member name anywhere. */
export function parseJsonObject(text: string | undefined): JsonObject | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  // Parsed objects hold one member per distinct name: fewer members than names in the text means a duplicate.
  const named = text.match(MEMBER_NAME)?.length ?? 0;
  return named === countMembers(value) ? (value as JsonObject) : undefined;
}

export type JsonObject = Record<string, unknown>;

// Strict JSON for token segments: what JSON.parse accepts, minus duplicate member names (JSON.parse keeps the
// last one silently, so two readers of one token could see two different `sub`s) — and no BOM, which
// JSON.parse already refuses as long as the decoder keeps it (base64.ts does).

/**
 * How many member names the text holds: string literals followed by `:` (valid JSON only, so strings never
 * overlap). A scan with indexOf: no regex, no match array on the hot path.
 */
function countNames(text: string): number {
  let names = 0;
  let i = 0;
  for (;;) {
    i = text.indexOf('"', i);
    if (i < 0) return names;
    let end = i + 1;
    for (;;) {
      end = text.indexOf('"', end);
      if (end < 0) return names;
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if ((backslashes & 1) === 0) break;
      end++;
    }
    i = end + 1;
    let c = text.charCodeAt(i);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++i);
    if (c === 58) names++;
  }
}

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
  return countNames(text) === countMembers(value) ? (value as JsonObject) : undefined;
}

/** A response read in full, within a deadline and a size cap, so a lying or hanging host cannot hurt us. */
export interface CappedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class TooLargeError extends Error {
  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = "TooLargeError";
  }
}

export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineError";
  }
}

async function readCapped(res: Response, limit: number): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => {});
    throw new TooLargeError(limit);
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new TooLargeError(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * One HTTP exchange that settles within `timeoutMs` whatever the peer does (including never answering or
 * trickling an endless body). Never follows redirects: a core does not redirect.
 */
export async function fetchCapped(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  limitBytes: number,
): Promise<CappedResponse> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(timeoutMs));
    }, timeoutMs);
  });
  const work = (async () => {
    const res = await fetchImpl(url, { ...init, redirect: "manual", signal: controller.signal });
    const text = await readCapped(res, limitBytes);
    return { status: res.status, headers: res.headers, text };
  })();
  work.catch(() => {}); // the loser of the race must not surface as an unhandled rejection
  try {
    return await Promise.race([work, deadline]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

// What the recording origin (recording-origin.ts) keeps of each request: a type only, so that the tests in
// workerd can import it without the Node server.
export interface RecordedRequest {
  method: string;
  /** Raw request target as received (path + query). */
  url: string;
  /** Node's lower-cased header object (duplicates joined). */
  headers: Record<string, string | string[] | undefined>;
  /** Raw name/value list, in the order received. */
  rawHeaders: string[];
  body: string;
}

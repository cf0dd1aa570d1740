/**
 * The one "is this a local host" rule (supertokens-node: `localhost` or an IP address): such hosts default to
 * `http://`, count as one site for SameSite, and may carry SameSite=None cookies without `Secure`. `api.localhost`
 * is not one: for browsers (and the SDK) it is a site of its own. (The SDK's `startsWith("localhost")` also counts
 * `localhost.example.com`; we do not: it is a sub-domain of example.com.)
 */
export function isLocalHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.startsWith("[");
}

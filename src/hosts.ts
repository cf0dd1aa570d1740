/**
 * The one "is this a local host" rule (supertokens-node: `localhost` or an IP address): such hosts default to
 * `http://`, count as one site for SameSite, and may carry SameSite=None cookies without `Secure`.
 */
export function isLocalHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.startsWith("[");
}

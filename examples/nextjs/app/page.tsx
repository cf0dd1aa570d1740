import { headers } from "next/headers";
import { getForwardedIdentity } from "supertokens-edge/next";

// Public ("/" is in publicPaths) and covered by the matcher, so the forwarded identity can be trusted here:
// the middleware removed any x-supertokens-* header the client sent, and set them only for a verified session.
export default async function Home() {
  const identity = getForwardedIdentity(await headers());
  return (
    <>
      <h1>supertokens-edge × Next.js</h1>
      <p id="identity">
        {identity ? `Signed in as ${identity.userId} (tenant ${identity.tenantId})` : "Not signed in"}
      </p>
      <p>
        <a href="/dashboard">The dashboard</a> needs a session; <a href="/api/me">/api/me</a> answers JSON.
      </p>
    </>
  );
}

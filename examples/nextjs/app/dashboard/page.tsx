import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getSSRSession } from "supertokens-edge/next";
import { getSuperTokens } from "@/lib/supertokens";
import { SignOutButton } from "./sign-out-button";

export default async function Dashboard() {
  // Verified again here (not read from the forwarded headers), as a page that might one day leave the matcher
  // must: the middleware already sent navigations without a valid session to /auth or /auth/refresh.
  const { status, session, error } = await getSSRSession(getSuperTokens, await headers());
  if (status === "TRY_REFRESH_TOKEN") redirect("/auth/refresh?redirectToPath=%2Fdashboard");
  if (status === "CORE_UNAVAILABLE") throw new Error(`SuperTokens core unavailable (${error?.code})`);
  if (session === undefined) redirect("/auth?redirectToPath=%2Fdashboard");
  return (
    <>
      <h1>Dashboard</h1>
      <dl>
        <dt>User id</dt>
        <dd id="user-id">{session.getUserId()}</dd>
        <dt>Tenant</dt>
        <dd id="tenant-id">{session.getTenantId()}</dd>
        <dt>Access token expires</dt>
        <dd id="access-token-expiry">{new Date(session.getAccessTokenExpiry()).toISOString()}</dd>
        <dt>Access-token payload</dt>
        <dd>
          <pre id="access-token-payload">{JSON.stringify(session.getAccessTokenPayload(), null, 2)}</pre>
        </dd>
      </dl>
      <SignOutButton />
    </>
  );
}

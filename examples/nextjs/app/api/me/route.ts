import { withSession } from "supertokens-edge/next";
import { getSuperTokens } from "@/lib/supertokens";

export const GET = withSession(getSuperTokens, (session) =>
  Response.json({ userId: session.getUserId(), tenantId: session.getTenantId(), sessionHandle: session.getHandle() }),
);

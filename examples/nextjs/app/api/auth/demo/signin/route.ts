import { isSuperTokensEdgeError } from "supertokens-edge";
import { getSuperTokens } from "@/lib/supertokens";

// Local demos only (DEMO_SIGN_IN=true): a session for any user id, no password. A real app signs in with
// supertokens-node; the middleware leaves every {apiBasePath}/* route other than refresh and sign-out to the app.
export async function POST(request: Request): Promise<Response> {
  if (process.env.DEMO_SIGN_IN !== "true") return Response.json({ message: "not found" }, { status: 404 });
  let userId: unknown;
  try {
    userId = ((await request.json()) as { userId?: unknown }).userId;
  } catch {
    userId = undefined;
  }
  if (typeof userId !== "string" || userId === "" || userId.length > 200) {
    return Response.json({ message: 'body must be {"userId": "<non-empty string>"}' }, { status: 400 });
  }
  try {
    const created = await getSuperTokens().createNewSession(request, "public", userId);
    return created.applyTo(Response.json({ status: "OK", userId }));
  } catch (e) {
    if (isSuperTokensEdgeError(e))
      return Response.json({ message: "SuperTokens core unavailable", code: e.code }, { status: 503 });
    throw e;
  }
}

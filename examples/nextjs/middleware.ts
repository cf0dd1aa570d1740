import { sessionMiddleware } from "supertokens-edge/next";
import { getSuperTokens } from "./lib/supertokens";

// Edge runtime. For Next's Node `proxy.ts` instead, see proxy.ts.example (an app may have only one of the two).
// Answers POST /api/auth/session/refresh and /api/auth/signout; requires a session everywhere the matcher covers
// except "/", the sign-in page (/auth), the refresh page (/auth/refresh) and the other /api/auth/* routes.
export const middleware = sessionMiddleware(getSuperTokens, { publicPaths: ["/"] });

export const config = {
  // Everything but Next's build output, the favicon and static files by extension (public/). It must cover the
  // auth routes (/api/auth/...) and every page that reads the forwarded identity. Next needs a literal here.
  matcher: [
    "/((?!_next/static|_next/image|favicon\\.ico|.*\\.(?:svg|png|jpe?g|gif|webp|avif|ico|css|js|map|txt|xml|woff2?)$).*)",
  ],
};

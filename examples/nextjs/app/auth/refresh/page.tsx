"use client";

import { useEffect } from "react";
import Session from "supertokens-web-js/recipe/session";

// The middleware sends a page navigation whose access token has expired here (?redirectToPath=/where/it/was):
// the refresh token only travels to the refresh API, so the browser refreshes, then goes back.
export default function RefreshPage() {
  useEffect(() => {
    const target = new URLSearchParams(window.location.search).get("redirectToPath");
    const back = target !== null && /^\/(?![/\\])/.test(target) ? target : "/";
    const signIn = `/auth?redirectToPath=${encodeURIComponent(back)}`;
    Session.attemptRefreshingSession().then(
      (refreshed) => window.location.replace(refreshed ? back : signIn),
      () => window.location.replace(signIn),
    );
  }, []);
  return <p>Refreshing your session…</p>;
}

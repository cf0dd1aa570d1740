"use client";

import Session from "supertokens-web-js/recipe/session";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={async () => {
        await Session.signOut(); // POST {apiBasePath}/signout: revoked in the core, cookies cleared
        window.location.assign("/");
      }}
    >
      Sign out
    </button>
  );
}

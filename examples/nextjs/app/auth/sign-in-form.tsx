"use client";

import { useState, type FormEvent } from "react";

export function SignInForm({ signInUrl, redirectToPath }: { signInUrl: string; redirectToPath: string }) {
  const [userId, setUserId] = useState("alice");
  const [error, setError] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Intercepted by supertokens-web-js, which asks for cookie-based tokens (`st-auth-mode: cookie`).
    const res = await fetch(signInUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    if (!res.ok) {
      setError(`sign-in failed: ${res.status} ${await res.text()}`);
      return;
    }
    window.location.assign(redirectToPath);
  }

  return (
    <form onSubmit={submit}>
      <label>
        User id <input name="userId" value={userId} onChange={(e) => setUserId(e.target.value)} />
      </label>{" "}
      <button type="submit">Sign in (demo)</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

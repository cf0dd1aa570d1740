// The demo page's script, bundled with the official supertokens-web-js by scripts/demo/bundle.mjs.
// Everything SuperTokens-specific on the page is the SDK's own: its fetch interceptor adds `st-auth-mode: cookie`
// and refreshes on 401; this file only shows what happens.
import SuperTokens from "supertokens-web-js";
import Session from "supertokens-web-js/recipe/session";

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);
const view = { signedIn: false, iat: 0, exp: 0, refreshes: 0, polling: undefined, inFlight: false, again: false };

const hms = (d) => d.toLocaleTimeString("en-GB", { hour12: false });
const clock = (d = new Date()) => `${hms(d)}.${String(d.getMilliseconds()).padStart(3, "0")}`;

function logEvent(action, detail) {
  const li = document.createElement("li");
  li.className = action;
  const time = document.createElement("time");
  time.textContent = clock();
  const name = document.createElement("span");
  name.className = "action";
  name.textContent = action;
  const text = document.createElement("span");
  text.className = "detail";
  text.textContent = detail;
  li.append(time, name, text);
  $("events").prepend(li);
  $("events-empty").hidden = true;
  while ($("events").children.length > 30) $("events").lastElementChild.remove();
}

const EVENT_TEXT = {
  SESSION_CREATED: "the front door created a session (new tokens in cookies)",
  REFRESH_SESSION: "the SDK refreshed the session: POST /auth/session/refresh → new access token",
  SIGN_OUT: "signed out: the front door revoked the session and cleared the cookies",
  ACCESS_TOKEN_PAYLOAD_UPDATED: "the SDK read a new access-token payload (from the front token)",
};
const describeEvent = (event) =>
  event.action !== "UNAUTHORISED"
    ? (EVENT_TEXT[event.action] ?? "")
    : event.sessionExpiredOrRevoked
      ? "the session expired or was revoked: signed out"
      : "a 401 without a session (not signed in)";

SuperTokens.init({
  appInfo: { appName: "supertokens-edge demo", apiDomain: window.location.origin, apiBasePath: "/auth" },
  recipeList: [
    Session.init({
      tokenTransferMethod: "cookie",
      onHandleEvent(event) {
        if (event.action === "REFRESH_SESSION") {
          view.refreshes += 1;
          $("refresh-count").textContent = String(view.refreshes);
          $("last-refresh").textContent = `last at ${clock()}`;
        }
        logEvent(event.action, describeEvent(event));
        // Called from inside the SDK (possibly holding its lock): read the new state afterwards.
        setTimeout(() => void render(), 0);
      },
    }),
  ],
});

function setStatus(signedIn) {
  const badge = $("status");
  badge.textContent = signedIn ? "Signed in" : "Signed out";
  badge.className = `badge ${signedIn ? "on" : "off"}`;
}

async function render() {
  const exists = await Session.doesSessionExist();
  if (!exists) return renderSignedOut();
  const [userId, payload] = await Promise.all([Session.getUserId(), Session.getAccessTokenPayloadSecurely()]);
  const was = view.signedIn;
  view.signedIn = true;
  view.iat = payload.iat * 1000;
  view.exp = payload.exp * 1000;
  setStatus(true);
  $("user-id").textContent = userId;
  $("tenant-id").textContent = payload.tId ?? "—";
  $("expires-at").textContent =
    `at ${hms(new Date(view.exp))} (issued ${hms(new Date(view.iat))}, lifetime ${(view.exp - view.iat) / 1000} s)`;
  $("payload").textContent = JSON.stringify(payload, null, 2);
  $("signout").disabled = false;
  $("signin").disabled = true;
  tick();
  if (!was) {
    clearInterval(view.polling);
    view.polling = setInterval(callOrigin, POLL_MS);
    void callOrigin();
  }
}

function renderSignedOut() {
  const was = view.signedIn;
  view.signedIn = false;
  view.exp = 0;
  clearInterval(view.polling);
  setStatus(false);
  for (const id of ["user-id", "tenant-id", "expires-in", "payload"]) $(id).textContent = "—";
  $("expires-in").className = "big";
  $("expires-at").textContent = "";
  $("expires-bar").value = 0;
  $("signout").disabled = true;
  $("signin").disabled = false;
  // One more call after signing out, to show that the protected path is refused now.
  if (was) void callOrigin();
}

// The countdown: the access token's `exp` from its payload (the SDK reads it from the front token).
function tick() {
  if (!view.signedIn) return;
  const left = view.exp - Date.now();
  const el = $("expires-in");
  if (left > 0) {
    el.textContent = `${(left / 1000).toFixed(1)} s`;
    el.className = "big";
  } else {
    el.textContent = "expired: the next request refreshes it";
    el.className = "big expired";
  }
  $("expires-bar").value = Math.max(0, left) / Math.max(1, view.exp - view.iat);
}
setInterval(tick, 100);

async function callOrigin() {
  if (view.inFlight) {
    view.again = true; // e.g. the call right after signing out must not be lost behind a poll
    return;
  }
  view.inFlight = true;
  const at = clock();
  try {
    const res = await fetch("/private/me", { headers: { accept: "application/json" } });
    const text = await res.text();
    let body = text;
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: show it as it came
    }
    const who =
      res.status === 200
        ? "the origin answered with what it received"
        : "refused by the front door; the origin never saw this request";
    $("origin-status").innerHTML = "";
    const code = document.createElement("span");
    code.className = `code ${res.ok ? "ok" : "fail"}`;
    code.textContent = String(res.status);
    $("origin-status").append(`${at}  GET /private/me → `, code, `  ${who}`);
    $("origin-body").textContent = body;
  } catch (e) {
    $("origin-status").textContent = `${at}  GET /private/me failed: ${e?.message ?? e}`;
  } finally {
    view.inFlight = false;
  }
  if (view.again) {
    view.again = false;
    void callOrigin();
  }
}

$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const userId = $("user-id-input").value.trim();
  $("signin-error").hidden = true;
  const res = await fetch("/auth/demo/signin", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  if (!res.ok) {
    $("signin-error").textContent = `sign-in failed: ${res.status} ${await res.text()}`;
    $("signin-error").hidden = false;
  }
  await render(); // SESSION_CREATED renders too; this covers a sign-in as the same user
});

$("signout").addEventListener("click", async () => {
  $("signout").disabled = true;
  await Session.signOut();
  await render();
});

void render();

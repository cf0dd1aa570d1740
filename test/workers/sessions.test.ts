// Operations on a user's sessions outside a request: what the core is asked (path and body, as supertokens-node
// sends them) and what is left at the emulator afterwards.
import { describe, expect, it } from "vitest";
import { UnauthorisedError } from "../../src/index.js";
import { countingFetch, engine, liveSessions } from "./helpers/index.js";

const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const handlesOf = async (userId: string) =>
  (await liveSessions())
    .filter((s) => s.recipeUserId === userId)
    .map((s) => `${s.tenantId}:${s.handle}`)
    .sort();

describe("revokeAllSessionsForUser", () => {
  async function setUp() {
    const user = unique("revoke-all");
    const other = unique("revoke-other");
    const c = countingFetch();
    const st = engine({ fetch: c.fetch });
    const made = [
      await st.createNewSessionWithoutRequestResponse("public", user),
      await st.createNewSessionWithoutRequestResponse("public", user),
      await st.createNewSessionWithoutRequestResponse("t1", user),
      await st.createNewSessionWithoutRequestResponse("public", other),
    ];
    return { user, other, c, st, handles: made.map((s) => s.getHandle()) };
  }

  it("without tenantId: across all tenants, POST /recipe/session/remove", async () => {
    const { user, other, c, st, handles } = await setUp();
    const revoked = await st.revokeAllSessionsForUser(user);
    expect([...revoked].sort()).toEqual(handles.slice(0, 3).sort());
    const call = c.to("/recipe/session/remove").at(-1)!;
    expect([call.method, new URL(call.url).pathname]).toEqual(["POST", "/recipe/session/remove"]);
    expect(call.body).toEqual({ userId: user, revokeSessionsForLinkedAccounts: true, revokeAcrossAllTenants: true });
    expect(await handlesOf(user)).toEqual([]);
    expect(await handlesOf(other)).toEqual([`public:${handles[3]}`]); // another user's session stays
  });

  it("with tenantId: only that tenant's sessions, POST /<tenantId>/recipe/session/remove", async () => {
    const { user, c, st, handles } = await setUp();
    const revoked = await st.revokeAllSessionsForUser(user, false, "t1");
    expect(revoked).toEqual([handles[2]]);
    const call = c.to("/recipe/session/remove").at(-1)!;
    expect(new URL(call.url).pathname).toBe("/t1/recipe/session/remove");
    expect(call.body).toEqual({ userId: user, revokeSessionsForLinkedAccounts: false, revokeAcrossAllTenants: false });
    expect(await handlesOf(user)).toEqual([`public:${handles[0]}`, `public:${handles[1]}`].sort());
  });

  it("a user without sessions: nothing revoked", async () => {
    expect(await engine().revokeAllSessionsForUser(unique("nobody"))).toEqual([]);
  });
});

describe("updateSessionDataInDatabase", () => {
  it("engine: PUT /recipe/session/data; true when stored, false when the session is gone", async () => {
    const c = countingFetch();
    const st = engine({ fetch: c.fetch });
    const s = await st.createNewSessionWithoutRequestResponse("public", unique("data"), {}, { before: true });
    expect(await st.updateSessionDataInDatabase(s.getHandle(), { cart: [1, 2] })).toBe(true);
    const call = c.to("/recipe/session/data").at(-1)!;
    expect(call.method).toBe("PUT");
    expect(call.body).toEqual({ sessionHandle: s.getHandle(), userDataInDatabase: { cart: [1, 2] } });
    expect((await st.getSessionInformation(s.getHandle()))?.sessionDataInDatabase).toEqual({ cart: [1, 2] });
    const row = (await liveSessions()).find((r) => r.handle === s.getHandle());
    expect(row?.userDataInDatabase).toEqual({ cart: [1, 2] }); // replaced, not merged

    expect(await st.revokeSession(s.getHandle())).toBe(true);
    expect(await st.updateSessionDataInDatabase(s.getHandle(), { cart: [] })).toBe(false);
  });

  it("Session method: replaces the data; once the session is gone, an UnauthorisedError (ERR_UNAUTHORISED)", async () => {
    const st = engine();
    const s = await st.createNewSessionWithoutRequestResponse("public", unique("data-method"), {}, { n: 1 });
    await s.updateSessionDataInDatabase({ n: 2 });
    expect(await s.getSessionDataFromDatabase()).toEqual({ n: 2 });

    await st.revokeSession(s.getHandle());
    const e = await s.updateSessionDataInDatabase({ n: 3 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UnauthorisedError);
    expect(e).toMatchObject({
      code: "ERR_UNAUTHORISED",
      message: "Session does not exist anymore",
      name: "UnauthorisedError",
    });
  });
});

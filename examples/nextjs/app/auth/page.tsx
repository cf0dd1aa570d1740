import { apiBasePath, safeRedirectPath } from "@/lib/supertokens";
import { SignInForm } from "./sign-in-form";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { redirectToPath } = await searchParams;
  const target = safeRedirectPath(typeof redirectToPath === "string" ? redirectToPath : undefined, "/dashboard");
  return (
    <>
      <h1>Sign in</h1>
      {process.env.DEMO_SIGN_IN === "true" ? (
        <SignInForm signInUrl={`${apiBasePath()}/demo/signin`} redirectToPath={target} />
      ) : (
        <p>
          The demo sign-in is off (set <code>DEMO_SIGN_IN=true</code> for local tries). A real app signs in here with
          supertokens-web-js (EmailPassword, ThirdParty, …) against supertokens-node.
        </p>
      )}
    </>
  );
}

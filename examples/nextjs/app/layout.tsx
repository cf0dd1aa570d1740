import { connection } from "next/server";
import type { ReactNode } from "react";
import { apiBasePath } from "@/lib/supertokens";
import { SuperTokensInit } from "./supertokens-init";
import "./globals.css";

export const metadata = { title: "supertokens-edge × Next.js" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection(); // rendered per request: API_DOMAIN / API_BASE_PATH are read at run time, not at build
  return (
    <html lang="en">
      <body>
        <SuperTokensInit apiDomain={process.env.API_DOMAIN ?? ""} apiBasePath={apiBasePath()} />
        <header>
          <a href="/">
            {/* biome-ignore lint/performance/noImgElement: a static 24 px logo; the test checks every asset loads signed out */}
            <img src="/logo.svg" alt="" width={24} height={24} /> Home
          </a>
          <a href="/dashboard">Dashboard</a>
          <a href="/auth">Sign in</a>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

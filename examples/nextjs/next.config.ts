import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // This folder is the app's root, even inside the supertokens-edge repository (which has its own lock file).
  turbopack: { root: fileURLToPath(new URL(".", import.meta.url)) },
  // No image optimisation needed for one SVG: no `sharp` at run time.
  images: { unoptimized: true },
};

export default nextConfig;

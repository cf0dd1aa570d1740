// Bundles the demo page's script (scripts/demo/app.js + the official supertokens-web-js) for the browser,
// in memory, when the demo origin starts.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** The page script as one IIFE (esbuild `--bundle --format=iife --platform=browser`). */
export async function bundleDemoApp() {
  const out = await build({
    entryPoints: [join(here, "app.js")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

// supertokens-node 24.0.3, the reference the differential tests compare against, booted the one way they all
// need. It is a CommonJS singleton: `bootNodeSdk` resets every recipe singleton it may have created (its own
// test-mode reset, which also drops its JWKS cache) and initialises it again, so a test file can run several
// configurations one after the other (each test file runs in its own process, see vitest.node.config.ts).
import { createRequire } from "node:module";

process.env.TEST_MODE = "testing";
const require = createRequire(import.meta.url);

export type NodeSupertokens = typeof import("supertokens-node");
export type NodeSession = typeof import("supertokens-node/recipe/session");
export type NodeSessionContainer = import("supertokens-node/recipe/session").SessionContainer;
type NodeInit = Parameters<NodeSupertokens["init"]>[0];

export const supertokens: NodeSupertokens = require("supertokens-node");
export const NodeSessionApi: NodeSession = require("supertokens-node/recipe/session");
export const NodeEmailVerification: typeof import("supertokens-node/recipe/emailverification") = require("supertokens-node/recipe/emailverification");
/** `supertokens-node/custom`: the fetch-style integration (Request in, Response out). */
export const nodeCustom: typeof import("supertokens-node/custom") = require("supertokens-node/custom");

/** The recipe singletons supertokens-node creates on init (its own tests reset the same ones). */
const RESETTABLE = [
  "supertokens-node/lib/build/supertokens",
  "supertokens-node/lib/build/recipe/session/recipe",
  "supertokens-node/lib/build/recipe/multitenancy/recipe",
  "supertokens-node/lib/build/recipe/accountlinking/recipe",
  "supertokens-node/lib/build/recipe/usermetadata/recipe",
  "supertokens-node/lib/build/recipe/emailverification/recipe",
];

/** The apiDomain every differential test uses, on both sides. */
export const API_DOMAIN = "https://api.example.com";

export interface NodeSdkOptions {
  connectionURI: string;
  websiteDomain: string;
  /** Default {@link API_DOMAIN}. */
  apiDomain?: string;
  recipeList: NodeInit["recipeList"];
  /** `custom` for `supertokens-node/custom`. */
  framework?: NodeInit["framework"];
}

/** Resets supertokens-node and initialises it (appName "t", apiBasePath "/auth", no telemetry). */
export function bootNodeSdk(o: NodeSdkOptions): void {
  for (const path of RESETTABLE) (require(path) as { default: { reset(): void } }).default.reset();
  supertokens.init({
    ...(o.framework === undefined ? {} : { framework: o.framework }),
    supertokens: { connectionURI: o.connectionURI },
    appInfo: {
      appName: "t",
      apiDomain: o.apiDomain ?? API_DOMAIN,
      websiteDomain: o.websiteDomain,
      apiBasePath: "/auth",
    },
    recipeList: o.recipeList,
    telemetry: false,
  });
}

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { NextConfig } from "next";
import { PHASE_PRODUCTION_BUILD } from "next/constants";
import { loadRootEnv } from "./root-env.mjs";

// The root .env (or PARLEY_ENV_FILE) fills what the environment leaves unset, so `next build`
// and `next dev` inline the same NEXT_PUBLIC_GRAPHQL_URL the rest of the stack uses.
const rootEnv = loadRootEnv();

/**
 * Headers for every response, pages and files alike. The Content-Security-Policy is not
 * here: it carries a per-request nonce, so src/proxy.ts sets it.
 */
const securityHeaders = [
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Older browsers' form of CSP frame-ancestors 'none': no one may frame these pages.
  { key: "X-Frame-Options", value: "DENY" },
  // Pages opened from here (reply links) get no handle on this window, and back.
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Powerful features the app never uses stay off, for any script or frame.
  {
    key: "Permissions-Policy",
    value: [
      "accelerometer=()",
      "browsing-topics=()",
      "camera=()",
      "display-capture=()",
      "geolocation=()",
      "gyroscope=()",
      "hid=()",
      "magnetometer=()",
      "microphone=()",
      "midi=()",
      "payment=()",
      "serial=()",
      "usb=()",
      "xr-spatial-tracking=()",
    ].join(", "),
  },
];

const distDir = process.env.NEXT_DIST_DIR || ".next";

const nextConfig: NextConfig = {
  // The e2e suite and benchmarks build into their own directory (see e2e/servers/web.sh).
  distDir,
  // Inlined into the bundles at build time.
  env: { NEXT_PUBLIC_GRAPHQL_URL: rootEnv.graphqlUrl },
  reactStrictMode: true,
  poweredByHeader: false,
  // Keep production bundles lean: only the icons actually used are shipped.
  experimental: {
    optimizePackageImports: ["lucide-react", "radix-ui"],
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default function config(phase: string): NextConfig {
  if (phase === PHASE_PRODUCTION_BUILD) {
    // Kept beside the build, so server.mjs can say which API this build calls.
    const dir = path.resolve(import.meta.dirname, distDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "parley-api-url.txt"), `${rootEnv.graphqlUrl}\n`);
  }
  return nextConfig;
}

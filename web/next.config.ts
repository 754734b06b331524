import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The e2e suite and benchmarks build into their own directory (see e2e/servers/web.sh).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // Keep production bundles lean: only the icons actually used are shipped.
  experimental: {
    optimizePackageImports: ["lucide-react", "radix-ui"],
  },
};

export default nextConfig;

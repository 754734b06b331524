import type { NextConfig } from "next";

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

const nextConfig: NextConfig = {
  // The e2e suite and benchmarks build into their own directory (see e2e/servers/web.sh).
  distDir: process.env.NEXT_DIST_DIR || ".next",
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

export default nextConfig;

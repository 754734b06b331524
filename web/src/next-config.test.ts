// @vitest-environment node
import { describe, expect, it } from "vitest";
import config from "../next.config";

const nextConfig = config("phase-test");

describe("next.config headers", () => {
  it("sends the security headers with every response", async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    const everywhere = rules.find((rule) => rule.source === "/:path*");
    const headers = new Map(
      everywhere?.headers.map(({ key, value }) => [key.toLowerCase(), value]),
    );
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const permissions = headers.get("permissions-policy") ?? "";
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(permissions).toContain(`${feature}=()`);
    }
    // Copy buttons write to the clipboard: that must stay allowed.
    expect(permissions).not.toContain("clipboard");
  });
});

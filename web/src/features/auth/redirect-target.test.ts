import { describe, expect, it } from "vitest";
import { redirectTarget } from "./redirect-target";

const ORIGIN = "https://parley.example";
const FALLBACK = "/dashboard/chat";

/** What the login page gets from `?next=…`: the query string decoded once. */
const fromQuery = (raw: string) => new URLSearchParams(`next=${raw}`).get("next");

const target = (next: string | null) => redirectTarget(next, ORIGIN, FALLBACK);

describe("redirectTarget", () => {
  it.each(["/dashboard/chat/42?x=1#top", "/explorer", "/dashboard/chat?next=https://evil.example"])(
    "keeps the same-origin path %s",
    (next) => {
      expect(target(next)).toBe(next);
    },
  );

  it("returns the parsed URL's own path, normalised and encoded", () => {
    expect(target("/a/../explorer")).toBe("/explorer");
    expect(target("/café ok")).toBe("/caf%C3%A9%20ok");
    // Full-width slashes are not slashes to a URL parser: they stay (encoded) in the path.
    expect(target("/\uff0f\uff0fevil.example")).toBe("/%EF%BC%8F%EF%BC%8Fevil.example");
  });

  it.each([
    // Protocol-relative and scheme-bearing values
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    // Backslashes, which browsers read as slashes
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    // Tabs, newlines and other controls, which URL parsers drop
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/\u0000evil.example",
    "/\u007f/evil.example",
    "/\u0085/evil.example",
    // Dot segments that collapse into a protocol-relative path
    "/.//evil.example",
    "/x/..//evil.example",
    // Not a path at all
    " /dashboard",
    "evil.example",
    "dashboard",
    "",
  ])("refuses %j", (next) => {
    expect(target(next)).toBe(FALLBACK);
  });

  it("falls back when there is no next", () => {
    expect(target(null)).toBe(FALLBACK);
  });

  it.each([
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%2F%5Cevil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%0D%0A/evil.example",
    "%2F%2F%2Fevil.example",
    "/%2E//evil.example",
    "https%3A%2F%2Fevil.example",
    "javascript%3Aalert(1)",
    "%20/dashboard",
  ])("refuses ?next=%s as the login page decodes it", (raw) => {
    expect(target(fromQuery(raw))).toBe(FALLBACK);
  });

  it.each([
    // Encoded twice: after the one decoding these are literal "%5C" etc. in a local path.
    ["/%255Cevil.example", "/%5Cevil.example"],
    ["/%252F%252Fevil.example", "/%2F%2Fevil.example"],
    ["/%2509/evil.example", "/%09/evil.example"],
    ["%2Fexplorer%3Fq%3D1", "/explorer?q=1"],
    ["/%E2%80%A8/x", "/%E2%80%A8/x"],
  ])("treats ?next=%s as the local path %s", (raw, path) => {
    expect(target(fromQuery(raw))).toBe(path);
  });

  it("only ever yields a path that resolves on the app's origin", () => {
    const inputs = [
      "/",
      "/a",
      "//a",
      "/\\a",
      "/.//a",
      "/a/..//b",
      "/%2e%2e//a",
      "/\u3000/a",
      "/\u2028/a",
      "/?//a",
      "/#//a",
      "/@evil.example",
      "/:@evil.example",
    ];
    for (const next of inputs) {
      const result = target(next);
      expect(result.startsWith("/") && !result.startsWith("//"), next).toBe(true);
      expect(new URL(result, ORIGIN).origin, next).toBe(ORIGIN);
    }
  });
});

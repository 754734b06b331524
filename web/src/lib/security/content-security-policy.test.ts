import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce } from "./content-security-policy";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

const policy = (overrides: Partial<Parameters<typeof contentSecurityPolicy>[0]> = {}) =>
  directives(
    contentSecurityPolicy({
      nonce: "abc123",
      graphqlUrl: "https://api.parley.example/graphql",
      dev: false,
      ...overrides,
    }),
  );

describe("contentSecurityPolicy", () => {
  it("runs only scripts carrying the nonce, and what they load", () => {
    expect(policy().get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(policy().get("object-src")).toEqual(["'none'"]);
    expect(policy().get("base-uri")).toEqual(["'self'"]);
  });

  it("allows eval only in development, where React needs it", () => {
    expect(policy({ dev: true }).get("script-src")).toContain("'unsafe-eval'");
    expect(policy().get("script-src")).not.toContain("'unsafe-eval'");
  });

  it("lets the page reach the API over HTTP and WebSocket, and nothing else", () => {
    expect(policy().get("connect-src")).toEqual([
      "'self'",
      "https://api.parley.example",
      "wss://api.parley.example",
    ]);
    expect(policy({ graphqlUrl: "http://localhost:8000/graphql" }).get("connect-src")).toEqual([
      "'self'",
      "http://localhost:8000",
      "ws://localhost:8000",
    ]);
    expect(policy({ graphqlUrl: "/graphql" }).get("connect-src")).toEqual(["'self'"]);
  });

  it("loads images from no other host, and cannot be framed or post forms elsewhere", () => {
    expect(policy().get("img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(policy().get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy().get("form-action")).toEqual(["'self'"]);
    expect(policy().get("default-src")).toEqual(["'self'"]);
  });

  it("never allows inline scripts or arbitrary hosts anywhere", () => {
    for (const [name, sources] of policy({ dev: true })) {
      expect(sources, name).not.toContain("*");
      expect(sources, name).not.toContain("https:");
      if (name.startsWith("script-src")) expect(sources).not.toContain("'unsafe-inline'");
    }
  });
});

describe("createNonce", () => {
  it("is 128 random bits, different each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16);
  });
});

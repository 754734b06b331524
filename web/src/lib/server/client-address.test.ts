// @vitest-environment node
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import {
  clientAddress,
  normalizeAddress,
  parseTrustedProxies,
  rewriteForwardedFor,
} from "./client-address.mjs";

const NOBODY = parseTrustedProxies("");
const LOCAL_PROXY = parseTrustedProxies("127.0.0.1/32,::1/128");

describe("normalizeAddress", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["203.0.113.7:5123", "203.0.113.7"],
    ["2001:DB8:0:0::1", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["0:0:0:0:0:ffff:cb00:7107", "203.0.113.7"],
    ["[::ffff:203.0.113.7]:80", "203.0.113.7"],
  ])("reads %j as %j", (value, expected) => {
    expect(normalizeAddress(value)).toBe(expected);
  });

  it.each(["", "unknown", "localhost", "203.0.113", "203.0.113.256", "01.2.3.4", "1.2.3.4/32"])(
    "refuses %j",
    (value) => {
      expect(normalizeAddress(value)).toBeUndefined();
    },
  );
});

describe("parseTrustedProxies", () => {
  it("matches IPv4 and IPv6 addresses and networks, whichever way IPv4 is spelt", () => {
    const trusted = parseTrustedProxies(
      " 10.0.0.0/8 , 192.0.2.1, 2001:db8::/32, ::ffff:198.51.100.9",
    );
    expect(trusted.size).toBe(4);
    for (const yes of ["10.1.2.3", "192.0.2.1", "2001:db8:ffff::1", "198.51.100.9"]) {
      expect(trusted.includes(yes), yes).toBe(true);
    }
    for (const no of ["11.0.0.1", "192.0.2.2", "2001:db9::1", "198.51.100.8", "::1"]) {
      expect(trusted.includes(no), no).toBe(false);
    }
  });

  it("trusts nobody when empty", () => {
    expect(NOBODY.size).toBe(0);
    expect(NOBODY.includes("127.0.0.1")).toBe(false);
  });

  it.each(["proxy.internal", "10.0.0.0/33", "::1/129", "10.0.0.0/8/8", "10.0.0.1:80", "[::1]"])(
    "fails loudly on %j",
    (entry) => {
      expect(() => parseTrustedProxies(`127.0.0.1,${entry}`)).toThrow(/WEB_TRUSTED_PROXIES/);
    },
  );
});

describe("clientAddress", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress("198.51.100.4", "203.0.113.7", NOBODY)).toBe("198.51.100.4");
    expect(clientAddress("::ffff:198.51.100.4", "203.0.113.7", LOCAL_PROXY)).toBe("198.51.100.4");
    expect(clientAddress("2001:db8::4", "203.0.113.7", LOCAL_PROXY)).toBe("2001:db8::4");
  });

  it("takes the rightmost untrusted hop behind trusted proxies, not the client's own claim", () => {
    // The client sent "1.1.1.1"; the proxy appended the address it saw.
    expect(clientAddress("127.0.0.1", "1.1.1.1, 203.0.113.7", LOCAL_PROXY)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:127.0.0.1", "1.1.1.1,203.0.113.7", LOCAL_PROXY)).toBe(
      "203.0.113.7",
    );
    expect(clientAddress("::1", "2001:DB8::7", LOCAL_PROXY)).toBe("2001:db8::7");
  });

  it("walks through several trusted proxies", () => {
    const chain = parseTrustedProxies("10.0.0.0/8,127.0.0.1");
    expect(clientAddress("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2, 10.0.0.3", chain)).toBe(
      "203.0.113.7",
    );
  });

  it("stops at the nearest trusted hop when a hop is malformed", () => {
    const chain = parseTrustedProxies("10.0.0.0/8,127.0.0.1");
    expect(clientAddress("127.0.0.1", "203.0.113.7, unknown, 10.0.0.3", chain)).toBe("10.0.0.3");
    expect(clientAddress("127.0.0.1", "203.0.113.7,,", chain)).toBe("127.0.0.1");
  });

  it("falls back to the proxy itself when it forwarded nothing or only proxies", () => {
    expect(clientAddress("127.0.0.1", undefined, LOCAL_PROXY)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", " ", LOCAL_PROXY)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "::1, 127.0.0.1", LOCAL_PROXY)).toBe("::1");
  });

  it("is undefined only when the peer is unknown", () => {
    expect(clientAddress(undefined, "203.0.113.7", LOCAL_PROXY)).toBeUndefined();
  });
});

describe("rewriteForwardedFor", () => {
  const request = (remoteAddress: string | undefined, forwardedFor?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
    }) as unknown as IncomingMessage;

  it("overwrites a client's header with the peer address", () => {
    const req = request("::ffff:198.51.100.4", "203.0.113.7");
    rewriteForwardedFor(req, NOBODY);
    expect(req.headers["x-forwarded-for"]).toBe("198.51.100.4");
  });

  it("sets the header when the client sent none", () => {
    const req = request("198.51.100.4");
    rewriteForwardedFor(req, NOBODY);
    expect(req.headers["x-forwarded-for"]).toBe("198.51.100.4");
  });

  it("keeps one address from a trusted proxy's list", () => {
    const req = request("127.0.0.1", "6.6.6.6, 203.0.113.7");
    rewriteForwardedFor(req, LOCAL_PROXY);
    expect(req.headers["x-forwarded-for"]).toBe("203.0.113.7");
  });

  it("drops the header when the peer is unknown (a closed socket)", () => {
    const req = request(undefined, "203.0.113.7");
    rewriteForwardedFor(req, LOCAL_PROXY);
    expect(req.headers).not.toHaveProperty("x-forwarded-for");
  });
});

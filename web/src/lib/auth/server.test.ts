// @vitest-environment node
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { markForwardedForRewritten } from "@/lib/server/client-address.mjs";
import { forwardedFor } from "./server";

const signIn = () =>
  new NextRequest("http://localhost:3000/api/auth/login", {
    method: "POST",
    headers: { "x-forwarded-for": "203.0.113.7" },
  });

describe("forwardedFor", () => {
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("parley.forwardedForRewritten")];
  });

  it("forwards nothing when no server rewrote the header (plain `next start`)", () => {
    expect(forwardedFor(signIn())).toBeUndefined();
  });

  it("forwards the address server.mjs put in the header", () => {
    markForwardedForRewritten();
    expect(forwardedFor(signIn())).toBe("203.0.113.7");
  });
});

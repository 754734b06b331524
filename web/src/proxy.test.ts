// @vitest-environment node
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { REFRESH_COOKIE } from "@/lib/auth/shared";
import { proxy } from "./proxy";

function visit(path: string, signedIn: boolean) {
  const request = new NextRequest(new URL(path, "http://localhost:3000"), {
    headers: signedIn ? { cookie: `${REFRESH_COOKIE}=token` } : {},
  });
  const response = proxy(request);
  return response.headers.get("location");
}

describe("proxy (route guard)", () => {
  it("sends signed-out visitors of protected pages to /login, remembering where they were", () => {
    expect(visit("/dashboard/chat/42?x=1", false)).toBe(
      "http://localhost:3000/login?next=%2Fdashboard%2Fchat%2F42%3Fx%3D1",
    );
    expect(visit("/explorer", false)).toBe("http://localhost:3000/login?next=%2Fexplorer");
  });

  it("lets signed-out visitors see the public pages", () => {
    expect(visit("/login", false)).toBeNull();
    expect(visit("/register", false)).toBeNull();
    expect(visit("/", false)).toBeNull();
  });

  it("sends signed-in users from the public pages to the chat", () => {
    for (const path of ["/login", "/register", "/"]) {
      expect(visit(path, true)).toBe("http://localhost:3000/dashboard/chat");
    }
  });

  it("lets signed-in users through to protected pages", () => {
    expect(visit("/dashboard/chat", true)).toBeNull();
    expect(visit("/explorer", true)).toBeNull();
  });
});
